"""The learner's own state: drafts per step and which steps are done.

Drafts (lab.drafts) are plain .py files (one per step) so a learner can find and rescue them by hand;
progress is one small JSON file, validated on every read (lab.state_model) and merged with the file
under a lock on every write. Both are written atomically (temp file + os.replace) so killing the app at
any moment leaves either the old or the new version, never a torn file.
"""

from __future__ import annotations

import copy
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from lab import notices, paths
from lab.drafts import Drafts  # noqa: F401 - re-exported: the app and tests import it from here
from lab.state_model import MAX_PROGRESS_BYTES, BadProgress, merge, parse_progress

def _empty() -> dict:
    return {"version": 1, "lessons": {}, "last_lesson": None}


def _read(path: Path) -> dict:
    """The validated progress document at `path` ({} shape when missing). A file that is not a regular
    file, over the cap, not JSON or of the wrong shape is set aside (progress.json.bad-<time>) and the
    learner told where; entries of the wrong shape are left out, every other entry is kept."""
    try:
        data = paths.read_regular_file(path, MAX_PROGRESS_BYTES)
    except FileNotFoundError:
        return _empty()
    except paths.UnsafeFile as exc:
        return _set_aside(path, exc.reason, _empty(), [])
    except OSError as exc:  # unreadable (permissions): run on in memory, never overwrite what we cannot read
        raise paths.UnsafeFile(path, f"cannot be read ({paths.why(exc)})") from None
    try:
        doc, problems = parse_progress(data)
    except BadProgress as exc:
        return _set_aside(path, str(exc), _empty(), [])
    if problems:
        return _set_aside(path, "entries of the wrong shape", doc, problems)
    return doc


def _set_aside(path: Path, why: str, kept: dict, problems: list[str]) -> dict:
    left_out = ""
    if problems:
        more = f" and {len(problems) - 3} more" if len(problems) > 3 else ""
        left_out = f" Left out: {'; '.join(problems[:3])}{more}. Everything else was kept."
    try:
        aside = paths.set_aside(path, "bad")
    except OSError as exc:
        notices.tell(f"Your progress file {path} is {why} and could not be moved aside ({paths.why(exc)}); "
                     f"the lab runs on without it.{left_out}", key=f"progress-bad:{path}")
        return kept
    if problems:
        try:  # the salvaged entries go straight back where the lab (and a second lab) reads them
            paths.atomic_write_text(path, json.dumps(kept, indent=1, sort_keys=True))
        except OSError:
            pass
    notices.tell(f"Your progress file {path} could not be used as it was ({why}); it was moved to {aside}."
                 f"{left_out if problems else ' The lab starts with fresh progress; your drafts are untouched.'}",
                 key=f"progress-bad:{aside}")
    return kept


@dataclass
class StepState:
    status: str = "new"  # "new" | "in_progress" | "done"
    attempts: int = 0
    passed_at: float | None = None
    last_attempt_at: float | None = None

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "attempts": self.attempts,
            "passed_at": self.passed_at,
            "last_attempt_at": self.last_attempt_at,
        }


@dataclass
class Progress:
    """Per-user progress. Load with Progress.load(); every mutation saves (merged with the file under a
    lock, so two labs of one user never erase each other's progress). Saving never raises: a failure
    (disk full, read-only folder) keeps the progress in memory, tells the learner once (lab.notices)
    and is retried with the next change."""

    path: Path
    lessons: dict[str, dict] = field(default_factory=dict)  # lesson_id -> {"step": int, "steps": {...}}
    last_lesson: str | None = None
    save_error: OSError | None = None
    _base: dict = field(default_factory=lambda: {"lessons": {}, "last_lesson": None}, repr=False)

    @classmethod
    def load(cls, path: Path | None = None) -> "Progress":
        path = path or paths.progress_file()
        try:
            doc = _read(path)
        except OSError as exc:
            notices.tell(f"Your progress file {path} could not be read ({paths.why(exc)}); the lab runs on "
                         "without it and will not overwrite it.", key=f"progress-unreadable:{path}")
            doc = _empty()
        progress = cls(path=path, lessons=doc["lessons"], last_lesson=doc["last_lesson"])
        progress._base = copy.deepcopy(doc)
        return progress

    def _doc(self) -> dict:
        return {"version": 1, "lessons": self.lessons, "last_lesson": self.last_lesson}

    def save(self) -> bool:
        """Re-read the file under the lock, merge this lab's changes in, write atomically. False when the
        write failed (the learner has been told; the progress stays in memory)."""
        try:
            with paths.locked(self.path.with_name(self.path.name + ".lock")):
                disk = _read(self.path)
                merged = copy.deepcopy(merge(self._base, self._doc(), disk))  # shares nothing with disk
                self._base, self.lessons, self.last_lesson = disk, merged["lessons"], merged["last_lesson"]
                paths.atomic_write_text(self.path, json.dumps(merged, indent=1, sort_keys=True))
        except OSError as exc:
            if self.save_error is None:
                notices.forget("progress-saved-again")
            self.save_error = exc
            notices.tell(f"Your progress could not be saved to {self.path}: {paths.why(exc)}. It is kept in "
                         "memory and the lab keeps trying to save it.", key="progress-not-saved")
            return False
        self._base = copy.deepcopy(merged)
        if self.save_error is not None:
            self.save_error = None
            notices.forget("progress-not-saved")
            notices.tell(f"Your progress is saved again ({self.path}).", key="progress-saved-again")
        return True

    # -- queries ------------------------------------------------------------------------------
    def _lesson(self, lesson_id: str) -> dict:
        return self.lessons.setdefault(lesson_id, {"step": 0, "steps": {}})

    def step_state(self, lesson_id: str, step_id: str) -> StepState:
        raw = self.lessons.get(lesson_id, {}).get("steps", {}).get(step_id)
        return StepState(**raw) if raw else StepState()

    def current_step(self, lesson_id: str) -> int:
        return int(self.lessons.get(lesson_id, {}).get("step", 0))

    def lesson_status(self, lesson_id: str, step_ids: list[str]) -> str:
        """"done" when every exercise-or-not step is done, "new" when untouched, else "in_progress"."""
        entry = self.lessons.get(lesson_id)
        if not entry:
            return "new"
        states = [self.step_state(lesson_id, s).status for s in step_ids]
        if step_ids and all(s == "done" for s in states):
            return "done"
        return "in_progress"

    # -- mutations (each saves) ---------------------------------------------------------------
    def set_position(self, lesson_id: str, step_index: int) -> None:
        self._lesson(lesson_id)["step"] = step_index
        self.last_lesson = lesson_id
        self.save()

    def _update(self, lesson_id: str, step_id: str, **changes) -> StepState:
        steps = self._lesson(lesson_id)["steps"]
        state = StepState(**steps.get(step_id, {}))
        for key, value in changes.items():
            setattr(state, key, value)
        steps[step_id] = state.to_json()
        self.save()
        return state

    def mark_visited(self, lesson_id: str, step_id: str) -> None:
        if self.step_state(lesson_id, step_id).status == "new":
            self._update(lesson_id, step_id, status="in_progress")

    def record_attempt(self, lesson_id: str, step_id: str, passed: bool) -> StepState:
        state = self.step_state(lesson_id, step_id)
        now = time.time()
        changes = {"attempts": state.attempts + 1, "last_attempt_at": now}
        if passed:
            changes.update(status="done", passed_at=state.passed_at or now)
        elif state.status == "new":
            changes["status"] = "in_progress"
        return self._update(lesson_id, step_id, **changes)

    def mark_done(self, lesson_id: str, step_id: str) -> None:
        if self.step_state(lesson_id, step_id).status != "done":
            self._update(lesson_id, step_id, status="done", passed_at=time.time())

    def export(self) -> dict:
        return {"lessons": self.lessons, "last_lesson": self.last_lesson}
