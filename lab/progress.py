"""The learner's own state: drafts per step and which steps are done.

Drafts are plain .py files (one per step) so a learner can find and rescue them by hand; progress is
one small JSON file. Both are written atomically (temp file + os.replace) so killing the app at any
moment leaves either the old or the new version, never a torn file.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from lab import paths

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def _safe(name: str) -> str:
    return _SAFE.sub("_", name) or "_"


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
    """Per-user progress. Load with Progress.load(); every mutation saves."""

    path: Path
    lessons: dict[str, dict] = field(default_factory=dict)  # lesson_id -> {"step": int, "steps": {...}}
    last_lesson: str | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> "Progress":
        path = path or paths.progress_file()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raw = {}
        except (OSError, ValueError):
            # A corrupt progress file must not stop the lab; keep it aside for inspection.
            try:
                path.replace(path.with_suffix(f".corrupt-{int(time.time())}.json"))
            except OSError:
                pass
            raw = {}
        return cls(path=path, lessons=raw.get("lessons", {}), last_lesson=raw.get("last_lesson"))

    def save(self) -> None:
        data = {"version": 1, "lessons": self.lessons, "last_lesson": self.last_lesson}
        paths.atomic_write_text(self.path, json.dumps(data, indent=1, sort_keys=True))

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


class Drafts:
    """One file per step: <data>/drafts/<lesson>/<step>.py."""

    def __init__(self, root: Path | None = None):
        self.root = root or paths.drafts_dir()

    def path(self, lesson_id: str, step_id: str) -> Path:
        return self.root / _safe(lesson_id) / f"{_safe(step_id)}.py"

    def load(self, lesson_id: str, step_id: str) -> str | None:
        try:
            return self.path(lesson_id, step_id).read_text(encoding="utf-8")
        except (FileNotFoundError, UnicodeDecodeError):
            return None

    def save(self, lesson_id: str, step_id: str, text: str) -> None:
        paths.atomic_write_text(self.path(lesson_id, step_id), text)

    def discard(self, lesson_id: str, step_id: str) -> None:
        try:
            self.path(lesson_id, step_id).unlink()
        except FileNotFoundError:
            pass
