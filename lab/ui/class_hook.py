"""The app's side of `--class DIR` (lab/class_status.py owns the file and its format).

A learner's lab writes its status file after every move and every run. A presenter (--present)
with --class writes nothing: it reads the folder once a second (lab.class_roster, one lstat per
file) and its banner says how many learners are on the presented step.
"""

from __future__ import annotations

import time
from pathlib import Path

from lab.class_roster import Roster
from lab.class_status import StatusWriter


class ClassHook:
    def __init__(self, folder: str | None, presenting: bool) -> None:
        self.writer: StatusWriter | None = None
        self.roster: Roster | None = None
        self.error: str | None = None
        self._refreshed = float("-inf")
        if not folder:
            return
        if presenting:
            self.roster = Roster(Path(folder).expanduser())
        else:
            self.writer = StatusWriter(Path(folder).expanduser())
            self.error = self.writer.error

    def _told(self) -> str | None:
        """The writer's error when it is new (told once per cause), else None."""
        error = self.writer.error if self.writer is not None else None
        new = error if error and error != self.error else None
        self.error = error
        return new

    def moved(self, app, lesson, step_index: int) -> str | None:
        if self.writer is None:
            return None
        step = lesson.steps[step_index]
        state = app.progress.step_state(lesson.id, step.id)
        self.writer.moved(lesson=lesson.id, lesson_title=lesson.title, lesson_index=app.catalog.index(lesson.id) + 1,
                          step=step_index + 1, step_title=step.title, steps_in_lesson=len(lesson.steps),
                          lesson_done=_lesson_done(app.progress, lesson), steps_done=_steps_done(app.progress),
                          attempts=state.attempts, passed=state.status == "done")
        return self._told()

    def ran(self, app, lesson, step, errors: list, passed: bool | None) -> str | None:
        """A run ended; `passed` is None for a run without checks."""
        if self.writer is None:
            return None
        kind = str(errors[0].get("etype") or "error") if errors else ""
        if passed is None:
            result = "error" if errors else "ran"
        else:
            result = "passed" if passed else ("error" if errors else "failed")
        self.writer.ran(result=result, error_kind=kind, attempts=app.progress.step_state(lesson.id, step.id).attempts,
                        lesson_done=_lesson_done(app.progress, lesson), steps_done=_steps_done(app.progress))
        return self._told()

    def presenter_text(self, place) -> str | None:
        """'12 of 30 learners on this step' for the presented place (a FollowState), or None when not
        presenting with --class."""
        if self.roster is None:
            return None
        now = time.monotonic()
        if now - self._refreshed >= 0.9:  # a presenter moving fast still stats each file once a second at most
            self._refreshed = now
            self.roster.refresh()
        if self.roster.error:
            return f"class: {self.roster.error}"
        total = sum(1 for x in self.roster.learners.values() if x.status is not None)
        if place is None:
            return f"class: {total} learners"
        here = self.roster.count_on(place.lesson, place.step)
        return f"{here} of {total} learners on this step"


def _lesson_done(progress, lesson) -> int:
    return sum(1 for s in lesson.steps if progress.step_state(lesson.id, s.id).status == "done")


def _steps_done(progress) -> int:
    return sum(1 for entry in progress.lessons.values() for st in entry.get("steps", {}).values()
               if isinstance(st, dict) and st.get("status") == "done")
