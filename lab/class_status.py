"""The learner's side of the class view: one small status file per learner in the class folder.

A learner who joins with ``--class DIR`` (or ``$NUMBA_LAB_CLASS``) writes ``DIR/<uid>.json`` each
time they move or run: where they are, steps done, attempts and last result on the current step,
since when they are on it. Only their own file, written atomically (a temp file made with O_EXCL in
the same folder, its mode set on the descriptor, then os.replace: a symlink planted at either name
is replaced, never followed). The instructor's ``numba-lab class DIR`` reads them (lab.class_roster).

File format (version 1)::

    {"version": 1, "lesson": "first-jit", "lesson_title": "Your first @jit", "lesson_index": 1,
     "step": 2, "step_title": "...", "steps_in_lesson": 5, "lesson_done": 1, "steps_done": 7,
     "attempts": 3, "last_result": "failed", "error_kind": "TypingError",
     "step_since": 1764070000.0, "ts": 1764070123.0}

``step`` and ``lesson_index`` are 1-based; ``last_result`` is "", "ran" (a run without checks and
without an error), "passed", "failed" or "error".
The folder: ``numba-lab class init DIR [--group GROUP]`` (lab.class_cmd) makes it sticky, so a
learner can create their own file but not replace or delete anyone else's.
"""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from lab import foreign_json, paths

VERSION = 1
MAX_STATUS_BYTES = 4096  # ours are ~350 bytes
WHAT = "numba-lab class status file"
RESULTS = ("", "ran", "passed", "failed", "error")


class StatusFile(BaseModel):
    """What a status file may hold: strict types, numbers in range, bounded one-line strings."""

    model_config = ConfigDict(strict=True, allow_inf_nan=False, extra="ignore")

    version: int = Field(VERSION, ge=1, le=1000)
    lesson: str = Field(min_length=1, max_length=200)
    lesson_title: str = Field("", max_length=500)
    lesson_index: int = Field(0, ge=0, le=100_000)
    step: int = Field(ge=1, le=100_000)
    step_title: str = Field("", max_length=500)
    steps_in_lesson: int = Field(0, ge=0, le=100_000)
    lesson_done: int = Field(0, ge=0, le=100_000)
    steps_done: int = Field(0, ge=0, le=10_000_000)
    attempts: int = Field(0, ge=0, le=10_000_000)
    last_result: Literal["", "ran", "passed", "failed", "error"] = ""
    error_kind: str = Field("", max_length=120)
    step_since: float = Field(0.0, ge=0, le=1e11)
    ts: float = Field(0.0, ge=0, le=1e11)

    @field_validator("lesson", "lesson_title", "step_title", "error_kind")
    @classmethod
    def _printable(cls, value: str) -> str:
        return foreign_json.printable(value)


def status_name(uid: int) -> str:
    return f"{uid}.json"


def uid_of(name: str) -> int | None:
    """The uid a status file's name says (``1001.json`` -> 1001), or None for any other name."""
    stem, dot, ext = name.partition(".")
    return int(stem) if dot and ext == "json" and stem.isdigit() and len(stem) < 11 else None


def read_status(path: Path, expect_uid: int | None) -> StatusFile:
    """One learner's status, or ForeignFileError (kind: missing, foreign, unsafe, oversized, unreadable,
    malformed). Symlinks are refused; a file owned by another uid than its name says is not read."""
    raw, _ = foreign_json.read_json(path, MAX_STATUS_BYTES, what=WHAT, expect_uid=expect_uid,
                                    follow_symlinks=False)
    return foreign_json.validate_flat(StatusFile, raw, WHAT)


class ClassFolderError(ValueError):
    """A --class folder the learner's lab will not write to; the message says why and what to do."""


def check_folder(folder: Path) -> None:
    """The folder must exist (the instructor makes it), be a folder, be writable by us, and, if other
    accounts can write to it, be sticky (else any of them could replace or delete our file)."""
    try:
        st = os.stat(folder)
    except FileNotFoundError:
        raise ClassFolderError(f"the class folder {folder} does not exist (the instructor makes it with "
                               f"`numba-lab class init {folder}`)") from None
    except OSError as exc:
        raise ClassFolderError(f"the class folder {folder} cannot be used: {paths.why(exc)}") from None
    if not stat.S_ISDIR(st.st_mode):
        raise ClassFolderError(f"the class folder {folder} is not a folder")
    shared = st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    if shared and not st.st_mode & stat.S_ISVTX:
        raise ClassFolderError(f"the class folder {folder} is writable by other accounts but not sticky, so "
                               f"they could replace your status file; ask the instructor to run "
                               f"`numba-lab class init {folder}` (or chmod +t)")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ClassFolderError(f"the class folder {folder} is not writable for you (ask the instructor to "
                               f"add you to the class group)")


class StatusWriter:
    """Keeps this learner's status and rewrites ``<uid>.json`` when it changes. Never raises: a failure
    is kept in ``error`` (the caller tells the learner once per new cause)."""

    def __init__(self, folder: Path, uid: int | None = None) -> None:
        self.folder = Path(folder)
        self.uid = os.getuid() if uid is None else uid
        self.path = self.folder / status_name(self.uid)
        self.status: dict | None = None
        self.written: dict | None = None
        self.error: str | None = None
        try:
            check_folder(self.folder)
        except ClassFolderError as exc:
            self.error = str(exc)

    def moved(self, *, lesson: str, lesson_title: str, lesson_index: int, step: int, step_title: str,
              steps_in_lesson: int, lesson_done: int, steps_done: int, attempts: int, passed: bool) -> bool:
        """Now at `lesson`/`step` (1-based). A new place restarts the time on the step."""
        old = self.status or {}
        same = (old.get("lesson"), old.get("step")) == (lesson, step)
        now = time.time()
        self.status = {
            "version": VERSION, "lesson": lesson, "lesson_title": lesson_title, "lesson_index": lesson_index,
            "step": step, "step_title": step_title, "steps_in_lesson": steps_in_lesson,
            "lesson_done": lesson_done, "steps_done": steps_done, "attempts": attempts,
            "last_result": old.get("last_result", "") if same else ("passed" if passed else ""),
            "error_kind": old.get("error_kind", "") if same else "",
            "step_since": old.get("step_since", now) if same else now, "ts": now,
        }
        return self._write()

    def ran(self, *, result: str, error_kind: str = "", attempts: int | None = None,
            lesson_done: int | None = None, steps_done: int | None = None) -> bool:
        """A run (or a check) on the current step ended: `result` is "passed", "failed" or "error"."""
        if self.status is None:
            return False
        changes = {"last_result": result if result in RESULTS else "error", "error_kind": error_kind[:120]}
        for key, value in (("attempts", attempts), ("lesson_done", lesson_done), ("steps_done", steps_done)):
            if value is not None:
                changes[key] = value
        self.status.update(changes, ts=time.time())
        return self._write()

    def _write(self) -> bool:
        """Write when something but the time stamp changed. False when not written (unchanged or failed)."""
        if self.status is None:
            return False
        key = {k: v for k, v in self.status.items() if k != "ts"}
        if key == self.written:
            return False
        try:
            check_folder(self.folder)
            # 0644: the instructor is another account; the folder's mode (class init) keeps others out
            paths.atomic_write_text(self.path, json.dumps(self.status), mode=0o644, fsync=False)
        except ClassFolderError as exc:
            self.error = str(exc)
            return False
        except PermissionError as exc:
            self.error = (f"cannot write your class status {self.path}: {paths.why(exc)} (does another account "
                          f"own a file of that name? the instructor can remove it)")
            return False
        except OSError as exc:
            self.error = f"cannot write your class status {self.path}: {paths.why(exc)}"
            return False
        self.written, self.error = key, None
        return True

