"""The shape of progress.json, validated (pydantic), and the merge two labs of one user rely on.

A file is never trusted: parse_progress() checks every entry; entries of the wrong shape are left out
(and named), everything else is kept. merge() combines what this lab changed since it last read the
file with what is on disk now, so a second lab never erases the first one's progress.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError

MAX_PROGRESS_BYTES = 4 << 20
_Time = Annotated[float, Field(allow_inf_nan=False, ge=0)]
_RANK = {"new": 0, "in_progress": 1, "done": 2}


class StepRecord(BaseModel):
    model_config = ConfigDict(extra="ignore")
    status: Literal["new", "in_progress", "done"] = "new"
    attempts: Annotated[StrictInt, Field(ge=0, le=10**9)] = 0
    passed_at: _Time | None = None
    last_attempt_at: _Time | None = None


class LessonRecord(BaseModel):
    model_config = ConfigDict(extra="ignore")
    step: Annotated[StrictInt, Field(ge=0, le=100_000)] = 0
    steps: dict[str, StepRecord] = Field(default_factory=dict)


class ProgressDoc(BaseModel):
    model_config = ConfigDict(extra="ignore")
    version: int = 1
    lessons: dict[str, LessonRecord] = Field(default_factory=dict)
    last_lesson: str | None = None


class BadProgress(ValueError):
    """Nothing in the file is usable (not UTF-8, not JSON, not an object)."""


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    return f"{where}: {err.get('msg')}" if where else str(err.get("msg"))


def parse_progress(data: bytes) -> tuple[dict, list[str]]:
    """(the document as plain dicts, what was left out). Raises BadProgress when nothing is usable."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BadProgress(f"not UTF-8 text (byte {exc.start})") from None
    except ValueError as exc:
        raise BadProgress(f"not valid JSON ({exc})") from None
    if not isinstance(raw, dict):
        raise BadProgress(f"a JSON {type(raw).__name__ if raw is not None else 'null'}, not an object")
    try:
        return ProgressDoc.model_validate(raw).model_dump(), []
    except ValidationError:
        pass
    return _salvage(raw)


def _salvage(raw: dict) -> tuple[dict, list[str]]:
    """Keep every entry that validates on its own; name the ones left out."""
    problems: list[str] = []
    lessons_in = raw.get("lessons", {})
    if not isinstance(lessons_in, dict):
        problems.append(f"lessons: a JSON {type(lessons_in).__name__}, not an object")
        lessons_in = {}
    lessons: dict[str, dict] = {}
    for lesson_id, entry in lessons_in.items():
        try:
            lessons[lesson_id] = LessonRecord.model_validate(entry).model_dump()
            continue
        except ValidationError as exc:
            if not isinstance(entry, dict):
                problems.append(f"lessons.{lesson_id}: {_first_error(exc)}")
                continue
        step = entry.get("step", 0)
        try:
            good = LessonRecord.model_validate({"step": step}).model_dump()
        except ValidationError as exc:
            problems.append(f"lessons.{lesson_id}.step: {_first_error(exc)}")
            good = LessonRecord().model_dump()
        steps = entry.get("steps", {})
        if not isinstance(steps, dict):
            problems.append(f"lessons.{lesson_id}.steps: not an object")
            steps = {}
        for step_id, record in steps.items():
            try:
                good["steps"][step_id] = StepRecord.model_validate(record).model_dump()
            except ValidationError as exc:
                problems.append(f"lessons.{lesson_id}.steps.{step_id}: {_first_error(exc)}")
        lessons[lesson_id] = good
    last = raw.get("last_lesson")
    if last is not None and not isinstance(last, str):
        problems.append("last_lesson: not a string")
        last = None
    return {"version": 1, "lessons": lessons, "last_lesson": last}, problems


def _merge_step(base: dict | None, mine: dict, disk: dict) -> dict:
    status = max(mine["status"], disk["status"], key=lambda s: _RANK.get(s, 0))
    ours = max(0, mine["attempts"] - (base["attempts"] if base else 0))  # attempts made here since the read
    passed = [t for t in (mine["passed_at"], disk["passed_at"]) if t is not None]
    tried = [t for t in (mine["last_attempt_at"], disk["last_attempt_at"]) if t is not None]
    return {"status": status, "attempts": disk["attempts"] + ours,
            "passed_at": min(passed) if passed else None, "last_attempt_at": max(tried) if tried else None}


def merge(base: dict, mine: dict, disk: dict) -> dict:
    """Three-way merge of progress documents (each {"lessons": ..., "last_lesson": ...}): `base` is what
    this lab last read or wrote, `mine` its state now, `disk` the file now. Progress only moves forward:
    a step's status is the furthest of the two, attempts add up, positions and the last lesson are
    this lab's where it moved them, else the disk's."""
    b_lessons, m_lessons, d_lessons = base.get("lessons", {}), mine["lessons"], disk.get("lessons", {})
    lessons: dict[str, dict] = {}
    for lid in {**d_lessons, **m_lessons}:
        m, d, b = m_lessons.get(lid), d_lessons.get(lid), b_lessons.get(lid)
        if m is None or d is None:
            lessons[lid] = m if d is None else d
            continue
        moved = b is None or m["step"] != b["step"]
        steps = {}
        for sid in {**d["steps"], **m["steps"]}:
            ms, ds = m["steps"].get(sid), d["steps"].get(sid)
            bs = b["steps"].get(sid) if b else None
            steps[sid] = ms if ds is None else ds if ms is None else _merge_step(bs, ms, ds)
        lessons[lid] = {"step": m["step"] if moved else d["step"], "steps": steps}
    last = mine.get("last_lesson")
    if last == base.get("last_lesson") and disk.get("last_lesson"):
        last = disk.get("last_lesson")
    return {"version": 1, "lessons": lessons, "last_lesson": last}
