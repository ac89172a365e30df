"""Lessons and jobs for the UI, through the contract's seams (lab.lessons, lab.step_job).

The UI only reads step attributes named in docs/contracts.md (id, title, text, kind, code, entry,
lock, targets, checks, hints, solution).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lab.engine.protocol import Job


@dataclass
class Catalog:
    lessons: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "file:line:col: message", shown in the lesson list

    def find(self, lesson_id: str):
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        return None

    def index(self, lesson_id: str) -> int:
        for i, lesson in enumerate(self.lessons):
            if lesson.id == lesson_id:
                return i
        return -1


def load_catalog(dirs: list[Path]) -> Catalog:
    """Every lesson in `dirs`; a broken file becomes a message (file:line:col), never an exception."""
    from lab.lessons import load_lessons
    from lab.ui.plain import describe

    errors: list[str] = []
    existing = [d for d in dirs if Path(d).exists()]
    for d in dirs:
        if not Path(d).exists():
            errors.append(f"{d}: no such lesson folder")
    try:
        result = load_lessons(existing)
    except Exception as exc:  # a loader bug: show it, keep the lab usable
        return Catalog([], errors + [f"lesson loader failed: {describe(exc)}"])
    return Catalog(list(result.lessons), errors + [str(e) for e in result.errors])


def is_exercise(step) -> bool:
    return bool(getattr(step, "checks", None))


def is_read(step) -> bool:
    return getattr(step, "kind", "read") == "read" or not getattr(step, "code", None)


def allowed_targets(step) -> list[str]:
    return list(getattr(step, "targets", None) or ["cpu"])


def locks(step) -> dict[str, str]:
    return dict(getattr(step, "lock", None) or {})


def build_job(lesson, step, source: str, *, target: str, checks: bool, timeout_s: float | None = None) -> Job:
    """The engine Job for this step and the learner's source (decorator line is the truth).
    `timeout_s` (the learner's --timeout) overrides the step's own limit and the 10 s default."""
    from lab.step_job import step_job

    return step_job(lesson, step, source, target=target, with_checks=checks, timeout_s=timeout_s)
