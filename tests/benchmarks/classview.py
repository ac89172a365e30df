"""Class view at 100 learners: the cost of one refresh (the view refreshes once a second), the stat
calls it makes, and the redraw of the real Textual screen when every learner moved.

Needs root to give each status file its own owner (chown); otherwise every file is foreign-owned
(never read) and the rows say so."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from .common import Row

LEARNERS = 100
REPEATS = 30


def _write_class(folder: Path, step: int) -> None:
    now = time.time()
    for i in range(LEARNERS):
        uid = 20000 + i
        doc = {"version": 1, "lesson": f"lesson-{i % 7}", "lesson_title": f"Lesson {i % 7}", "lesson_index": i % 7 + 1,
               "step": step + i % 3, "step_title": "A step title of ordinary length", "steps_in_lesson": 6,
               "lesson_done": 2, "steps_done": 11, "attempts": i % 5, "last_result": ("", "failed", "error")[i % 3],
               "error_kind": "TypingError" if i % 3 == 2 else "", "step_since": now - 60 * (i % 20), "ts": now}
        path = folder / f"{uid}.json"
        path.write_text(json.dumps(doc))
        if os.geteuid() == 0:
            os.chown(path, uid, -1)


def _move_one(folder: Path, n: int) -> None:
    path = folder / f"{20000 + n * 7 % LEARNERS}.json"
    doc = json.loads(path.read_text())
    doc.update(step=doc["step"] % 5 + 1, attempts=doc["attempts"] + 1, ts=time.time())
    path.write_text(json.dumps(doc))


def _ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def roster_rows(folder: Path) -> list[Row]:
    from lab.class_roster import Roster

    roster = Roster(folder)
    roster.refresh()
    steady, changed = [], []
    for _ in range(REPEATS):
        t = time.process_time()
        roster.refresh()
        steady.append(time.process_time() - t)
    steady_stats = roster.stats
    for n in range(REPEATS // 3):
        _write_class(folder, 1 + n % 2)
        t = time.process_time()
        roster.refresh()
        changed.append(time.process_time() - t)
    note = "" if os.geteuid() == 0 else "not root: every file is foreign-owned, so none was read"
    return [
        Row("classview", f"roster refresh, {LEARNERS} files unchanged", _ms(steady), "ms", "", "",
            f"median of {REPEATS}; the view does this once a second"),
        Row("classview", "stat calls per unchanged refresh", steady_stats, "stats", f"<= {LEARNERS}", "",
            "one lstat per file"),
        Row("classview", f"roster refresh, all {LEARNERS} files changed", _ms(changed), "ms", "", "",
            f"{roster.reads} files read, {roster.stats} stat calls (lstat + the read's lstat/fstat) {note}".strip()),
    ]


async def _screen_rows(folder: Path) -> list[Row]:
    from lab.ui.screens.class_view import ClassApp

    app = ClassApp(folder)
    quiet, moved, drawn = [], [], []
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        for _ in range(REPEATS):
            await pilot.pause()
            t = time.process_time()
            screen.refresh_roster()
            quiet.append(time.process_time() - t)
        for n in range(REPEATS // 3):
            _write_class(folder, 1 + n % 2)
            await pilot.pause()
            t, c = time.perf_counter(), time.process_time()
            screen.refresh_roster()
            await pilot.pause()  # laying out and drawing the new table
            moved.append(time.process_time() - c)
            drawn.append(time.perf_counter() - t)
        one = []
        for n in range(REPEATS // 3):
            _move_one(folder, n)
            await pilot.pause()
            c = time.process_time()
            screen.refresh_roster()
            await pilot.pause()
            one.append(time.process_time() - c)
        rows = screen.query_one("#class-learners").row_count
    return [
        Row("classview", "screen refresh CPU, nothing changed", _ms(quiet), "ms", "", "",
            f"median of {REPEATS}; {rows} rows; once a second, so 1 ms here is 0.1% of a core"),
        Row("classview", f"screen refresh CPU, all {LEARNERS} learners moved", _ms(moved), "ms", "", "",
            "re-read 100 files, rebuild both tables, lay out and draw (process CPU time)"),
        Row("classview", "screen refresh CPU, one learner moved", _ms(one), "ms", "", "",
            "the usual case: one file re-read, its changed cells updated, drawn"),
        Row("classview", f"screen refresh wall, all {LEARNERS} learners moved", _ms(drawn), "ms", "", "",
            "until the next frame is drawn, on a shared machine"),
    ]


def section() -> list[Row]:
    folder = Path(tempfile.mkdtemp(prefix="bench-class-"))
    _write_class(folder, 1)
    rows = roster_rows(folder)
    _write_class(folder, 1)
    rows += asyncio.run(_screen_rows(folder))
    return rows


if __name__ == "__main__":
    for row in section():
        print(f"{row.name:50s} {row.value:10.3f} {row.unit:6s} {row.note}")
