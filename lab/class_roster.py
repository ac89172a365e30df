"""The instructor's side of the class folder: who is where, who is stuck, how many on each step.

``Roster(folder).refresh()`` lists the folder and takes one ``lstat`` per status file; a file is read
again only when its (mtime, size, inode, owner, mode) moved, and then through lab.class_status
(O_NOFOLLOW, size cap, owner check, validation). A file that is malformed, owned by another uid than
its name says, oversized, a symlink or unreadable becomes a row that says so; nothing in the folder
can make the view raise. Never imports textual or numba.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from lab import class_status, foreign_json, paths
from lab.class_status import StatusFile

STUCK_AFTER_S = 5 * 60  # on one step this long without passing it: stuck
STUCK_ATTEMPTS = 3  # or this many failed checks on it
AWAY_AFTER_S = 15 * 60  # no news for this long: away (not counted as stuck)
MAX_FILES = 5000  # a folder flooded with files is cut here (the summary says so)
PROBLEM_WORDS = {"foreign": "foreign-owned", "oversized": "oversized", "malformed": "malformed",
                 "unsafe": "not a regular file", "unreadable": "unreadable", "missing": "gone"}


@dataclass
class Learner:
    """One status file: its learner (from the file's name and owner, never from its content) and
    either the validated status or the problem that kept it from being shown."""

    file: str
    uid: int | None
    name: str
    status: StatusFile | None = None
    problem: str = ""  # "", or a PROBLEM_WORDS value
    detail: str = ""  # why, in a sentence
    sig: tuple = field(default=(), repr=False)

    def stuck_for(self, now: float) -> float:
        """Seconds on the current step without having passed it (0 once passed)."""
        s = self.status
        if s is None or s.last_result == "passed" or not s.step_since:
            return 0.0
        return max(0.0, now - s.step_since)

    def away(self, now: float) -> bool:
        return self.status is not None and now - self.status.ts > AWAY_AFTER_S

    def stuck(self, now: float, after: float = STUCK_AFTER_S) -> bool:
        s = self.status
        if s is None or self.away(now) or s.last_result == "passed":
            return False
        return self.stuck_for(now) >= after or (s.attempts >= STUCK_ATTEMPTS and s.last_result in ("failed", "error"))

    def where(self) -> str:
        s = self.status
        if s is None:
            return ""
        lesson = f"{s.lesson_index}. {s.lesson_title or s.lesson}" if s.lesson_index else (s.lesson_title or s.lesson)
        return f"{lesson} · step {s.step}" + (f"/{s.steps_in_lesson}" if s.steps_in_lesson else "")

    def state(self, now: float, after: float = STUCK_AFTER_S) -> str:
        if self.problem:
            return self.problem
        if self.away(now):
            return "away"
        return "stuck" if self.stuck(now, after) else "ok"

    def to_json(self, now: float, after: float = STUCK_AFTER_S) -> dict:
        s = self.status
        row = {"who": self.name, "uid": self.uid, "file": self.file, "state": self.state(now, after),
               "problem": self.detail if self.problem else ""}
        if s is not None:
            row.update(lesson=s.lesson, lesson_title=s.lesson_title, lesson_index=s.lesson_index, step=s.step,
                       step_title=s.step_title, steps_in_lesson=s.steps_in_lesson, lesson_done=s.lesson_done,
                       steps_done=s.steps_done, attempts=s.attempts, last_result=s.last_result,
                       error_kind=s.error_kind, on_step_s=round(max(0.0, now - s.step_since), 1) if s.step_since else None,
                       stuck_for_s=round(self.stuck_for(now), 1), last_seen_s=round(max(0.0, now - s.ts), 1))
        return row


def fmt_duration(seconds: float) -> str:
    """'<1 min', '12 min', '2 h 05' (coarse on purpose: the table changes only when the words do)."""
    if seconds < 60:
        return "<1 min" if seconds > 0 else ""
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60):02d}"


class Roster:
    def __init__(self, folder: Path, stuck_after: float = STUCK_AFTER_S) -> None:
        self.folder = Path(folder)
        self.stuck_after = stuck_after
        self.learners: dict[str, Learner] = {}
        self.error: str | None = None  # the folder itself cannot be listed
        self.truncated = False
        self.stats = 0  # stat calls made by the last refresh (lstat per file, + lstat/fstat per re-read)
        self.reads = 0  # files read by the last refresh
        self._names: dict[int, str] = {}

    def _name(self, uid: int) -> str:
        if uid not in self._names:
            self._names[uid] = foreign_json.owner_name(uid)
        return self._names[uid]

    def refresh(self) -> bool:
        """Re-list the folder; True when any learner appeared, changed or left."""
        self.stats = self.reads = 0
        try:
            with os.scandir(self.folder) as it:
                entries = []
                for entry in it:
                    if entry.name.startswith(".") or not entry.name.endswith(".json"):
                        continue  # temp files of a write in progress, anything not ours
                    if len(entries) >= MAX_FILES:
                        self.truncated = True
                        break
                    entries.append(entry.name)
                else:
                    self.truncated = False
            error = None
        except OSError as exc:
            entries, error = [], f"cannot list {self.folder}: {paths.why(exc)}"
        changed = error != self.error
        self.error = error
        seen = set(entries)
        for gone in [n for n in self.learners if n not in seen]:
            del self.learners[gone]
            changed = True
        for name in entries:
            changed |= self._refresh_one(name)
        return changed

    def _refresh_one(self, name: str) -> bool:
        path = self.folder / name
        uid = class_status.uid_of(name)
        self.stats += 1
        try:
            st = os.lstat(path)
        except OSError:  # gone since the listing
            return self.learners.pop(name, None) is not None
        sig = (st.st_mtime_ns, st.st_size, st.st_ino, st.st_uid, st.st_mode)
        old = self.learners.get(name)
        if old is not None and old.sig == sig:
            return False
        who = self._name(uid) if uid is not None else name
        learner = Learner(file=name, uid=uid, name=who, sig=sig)
        if uid is None:
            learner.problem, learner.detail = "malformed", f"{name}: not named <uid>.json"
        elif not stat.S_ISREG(st.st_mode):
            kind = "a symlink" if stat.S_ISLNK(st.st_mode) else "not a regular file"
            learner.problem, learner.detail = "not a regular file", f"{name}: {kind}, never followed or read"
        elif st.st_uid != uid:
            learner.problem = "foreign-owned"
            learner.detail = f"{name} is owned by {self._name(st.st_uid)} (uid {st.st_uid}), not by uid {uid}"
        elif st.st_size > class_status.MAX_STATUS_BYTES:
            learner.problem = "oversized"
            learner.detail = f"{name}: {st.st_size} bytes > {class_status.MAX_STATUS_BYTES} allowed"
        else:
            self.stats += 2  # the read's own lstat and fstat (a swap in between is caught)
            self.reads += 1
            try:
                learner.status = class_status.read_status(path, uid)
            except foreign_json.ForeignFileError as exc:
                learner.problem = PROBLEM_WORDS.get(exc.kind, exc.kind)
                learner.detail = str(exc).replace(str(self.folder) + os.sep, "")
            except Exception as exc:  # noqa: BLE001 - another account's file never crashes the view
                learner.problem, learner.detail = "malformed", f"{name}: {type(exc).__name__}"
        self.learners[name] = learner
        return old is None or (old.status, old.problem, old.detail) != (learner.status, learner.problem, learner.detail)

    # ------------------------------------------------------------------ views of the roster
    def sorted(self, now: float | None = None) -> list[Learner]:
        """Stuck learners first (longest stuck first), then the others by name (a stable order: a
        learner moving on does not reshuffle the table), then away learners, then files with a problem."""
        now = time.time() if now is None else now

        def key(learner: Learner):
            if learner.problem:
                return (3, 0.0, 0, 0, learner.file)
            if learner.away(now):
                group = 2
            elif learner.stuck(now, self.stuck_after):
                group = 0
            else:
                group = 1
            return (group, -learner.stuck_for(now) if group == 0 else 0.0, 0, 0, learner.name)

        return sorted(self.learners.values(), key=key)

    def step_counts(self) -> list[tuple[str, int, str, int]]:
        """[(lesson, step, "1. Title · step 2: Step title", learners there)], in course order."""
        counts: dict[tuple, list] = {}
        for learner in self.learners.values():
            s = learner.status
            if s is None:
                continue
            entry = counts.setdefault((s.lesson_index, s.lesson, s.step), [learner.where(), 0, s.step_title])
            entry[1] += 1
        out = []
        for (_, lesson, step), (where, n, title) in sorted(counts.items()):
            out.append((lesson, step, where + (f": {title}" if title else ""), n))
        return out

    def count_on(self, lesson: str, step: int) -> int:
        return sum(1 for x in self.learners.values()
                   if x.status is not None and (x.status.lesson, x.status.step) == (lesson, step))

    def export(self, now: float | None = None) -> list[dict]:
        now = time.time() if now is None else now
        return [x.to_json(now, self.stuck_after) for x in self.sorted(now)]


CSV_FIELDS = ("who", "uid", "state", "lesson", "lesson_index", "step", "steps_in_lesson", "lesson_done",
              "steps_done", "attempts", "last_result", "error_kind", "on_step_s", "stuck_for_s", "last_seen_s",
              "lesson_title", "step_title", "file", "problem")


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        # a cell starting with = + - @ is a formula in a spreadsheet: these are other accounts' strings
        writer.writerow({k: ("'" + v if isinstance(v, str) and v[:1] in "=+-@\t\r" and v else v)
                         for k, v in row.items()})
    return out.getvalue()
