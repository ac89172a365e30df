"""The app's side of "follow the instructor" (docs/contracts.md, lab/follow.py).

--present: publish our lesson/step after every move. --follow: poll the presenter's file once a
second (lab.follow.read_follow does a cheap stat + read) and show a banner with a key to jump there.
Jumping never touches drafts: the learner's code for that step loads as usual.
Until lab/follow.py exists this hook is inert (and says so once when asked to present or follow).
"""

from __future__ import annotations

from pathlib import Path


def _follow_module():
    try:
        from lab import follow
    except ImportError:
        return None
    return follow


def _default_path(given: str | None) -> Path | None:
    if given is None:
        return None
    if given:
        return Path(given).expanduser()
    from lab import paths

    return paths.default_present_file()


class FollowHook:
    def __init__(self, present: str | None, follow: str | None) -> None:
        self.present_path = _default_path(present)
        self.follow_path = _default_path(follow)
        self.module = _follow_module() if (self.present_path or self.follow_path) else None
        self.last = None  # the last FollowState read
        self._seen_ts = None

    @property
    def following(self) -> bool:
        return self.follow_path is not None

    @property
    def available(self) -> bool:
        return self.module is not None

    def publish(self, lesson, step_index: int, lesson_index: int) -> None:
        if self.present_path is None or self.module is None:
            return
        step = lesson.steps[step_index]
        try:
            self.module.publish(self.present_path, lesson=lesson.id, lesson_title=lesson.title,
                                lesson_index=lesson_index, step=step_index + 1, step_title=step.title)
        except Exception:  # presenting must never break the presenter's own lab
            pass

    def poll(self):
        """The presenter's current state when it changed since the last poll, else None."""
        if self.follow_path is None or self.module is None:
            return None
        try:
            state = self.module.read_follow(self.follow_path)
        except Exception:
            return None
        if state is None:
            return None
        key = (getattr(state, "lesson", None), getattr(state, "step", None), getattr(state, "ts", None))
        if key == self._seen_ts:
            return None
        self._seen_ts = key
        self.last = state
        return state

    @staticmethod
    def banner_text(state) -> str:
        title = getattr(state, "step_title", "") or ""
        return (f"Instructor is at lesson {state.lesson_index}, step {state.step}"
                + (f": {title}" if title else "") + "   ctrl+j jumps there")
