"""`numba-lab progress [--json]`: the learner's completed steps and attempts, per lesson.

A class collects them with e.g. `numba-lab progress --json > $USER.json`. Titles and step counts come
from the loaded lessons (built-in, $NUMBA_LAB_LESSONS, --lessons); progress for lessons that are not
loaded is still listed, by id.
"""

from __future__ import annotations

import json
import sys
import time

from lab import notices, paths
from lab.progress import Progress


def _loaded_lessons(args) -> list:
    try:
        from lab.cli import lesson_dirs
        from lab.lessons import load_lessons

        return list(load_lessons(lesson_dirs(args)).lessons)
    except Exception as exc:  # noqa: BLE001 - progress must print even if a lesson pack is broken
        print(f"numba-lab progress: lessons not loaded ({exc}); listing by id", file=sys.stderr)
        return []


def report(progress: Progress, lessons: list) -> dict:
    """The JSON document `progress --json` prints."""
    raw = progress.export()
    rows = []
    known = set()
    for lesson in lessons:
        known.add(lesson.id)
        rows.append(_row(progress, lesson.id, lesson.title, [(s.id, s.title, bool(s.checks)) for s in lesson.steps]))
    for lesson_id, entry in sorted(raw["lessons"].items()):
        if lesson_id not in known:
            steps = [(sid, "", None) for sid in sorted(entry.get("steps", {}))]
            rows.append(_row(progress, lesson_id, None, steps))
    return {
        "user": paths.user_name(),
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "progress_file": str(progress.path),
        "last_lesson": raw.get("last_lesson"),
        "totals": {
            "steps_done": sum(r["steps_done"] for r in rows),
            "steps": sum(r["steps_total"] or 0 for r in rows),
            "exercises_done": sum(r["exercises_done"] for r in rows),
            "attempts": sum(r["attempts"] for r in rows),
        },
        "lessons": rows,
    }


def _row(progress: Progress, lesson_id: str, title: str | None, steps: list[tuple]) -> dict:
    out_steps = []
    for sid, stitle, exercise in steps:
        st = progress.step_state(lesson_id, sid)
        out_steps.append({"id": sid, "title": stitle, "exercise": exercise, "status": st.status,
                          "attempts": st.attempts, "passed_at": st.passed_at})
    return {
        "id": lesson_id,
        "title": title,
        "loaded": title is not None,
        "steps_total": len(steps) if title is not None else None,
        "steps_done": sum(s["status"] == "done" for s in out_steps),
        "exercises_done": sum(s["status"] == "done" and bool(s["exercise"]) for s in out_steps),
        "attempts": sum(s["attempts"] for s in out_steps),
        "steps": out_steps,
    }


def format_report(doc: dict) -> str:
    lines = [f"numba-lab progress for {doc['user']} ({doc['progress_file']})"]
    width = max([len(r["id"]) for r in doc["lessons"]] + [8])
    for r in doc["lessons"]:
        total = r["steps_total"] if r["steps_total"] is not None else "?"
        title = r["title"] if r["title"] is not None else "(lesson not loaded)"
        lines.append(f"  {r['id']:<{width}}  {r['steps_done']:>2}/{total:<2} steps done  "
                     f"{r['attempts']:>3} attempt(s)  {title}")
        for s in r["steps"]:
            if s["status"] == "new" and not s["attempts"]:
                continue
            mark = {"done": "done", "in_progress": "open"}.get(s["status"], s["status"])
            kind = " (exercise)" if s["exercise"] else ""
            lines.append(f"      {mark:<5} {s['id']}{kind}: {s['attempts']} attempt(s)")
    t = doc["totals"]
    lines.append(f"total: {t['steps_done']}/{t['steps']} steps done, {t['exercises_done']} exercise(s) passed, "
                 f"{t['attempts']} attempt(s)")
    return "\n".join(lines)


def main(args) -> int:
    progress = Progress.load()
    for text in notices.drain():  # e.g. a progress file of the wrong shape, set aside
        print(f"numba-lab progress: {text}", file=sys.stderr)
    doc = report(progress, _loaded_lessons(args))
    text = json.dumps(doc, indent=1) if getattr(args, "json", False) else format_report(doc)
    try:
        print(text, flush=True)
    except BrokenPipeError:  # `numba-lab progress | head`
        sys.stderr.close()
    return 0
