"""The app's side of "follow the instructor" (lab/follow.py owns the file and its format).

--present: publish our lesson/step after every move (lab.follow.Presenter writes only on change).
--follow: poll the presenter's file once a second (one stat) and show a banner with ctrl+j to jump
there. Jumping is navigation only: drafts are untouched (the step's own draft is what loads).
"""

from __future__ import annotations

from lab import follow


class FollowHook:
    def __init__(self, present: str | None, follow_arg: str | None) -> None:
        self.presenter = None
        self.watcher = None
        self.error: str | None = None
        if present is not None:
            path = follow.resolve_present_path(_Args(present))
            self.presenter = follow.Presenter(path) if path else None
        if follow_arg is not None:
            try:
                self.watcher = follow.FollowWatcher(follow.resolve_follow_path(follow_arg))
            except follow.FollowError as exc:
                self.error = str(exc)

    @property
    def following(self) -> bool:
        return self.watcher is not None

    @property
    def last(self):
        """Where the instructor is (FollowState), or None."""
        return self.watcher.state if self.watcher is not None else None

    def publish(self, lesson, step_index: int, lesson_index: int) -> str | None:
        """Publish our place; the error text when publishing newly failed (told once per cause), else None."""
        if self.presenter is None:
            return None
        step = lesson.steps[step_index]
        before = self.presenter.error
        self.presenter.update(lesson.id, lesson.title, lesson_index, step_index + 1, step.title)
        error = self.presenter.error
        return error if error and error != before else None

    def poll(self) -> str | None:
        """New banner text when the presenter moved, stopped or its file was ignored since the last
        poll, else None."""
        if self.watcher is None:
            return None
        new = self.watcher.poll()
        if new is None and not self.watcher.changed and not self.watcher.gone_changed:
            return None
        return self.watcher.banner_text()

    def close(self) -> None:
        if self.presenter is not None:
            self.presenter.close()


class _Args:
    def __init__(self, present: str) -> None:
        self.present = present
