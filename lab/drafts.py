"""Drafts: one plain .py file per step, <data>/drafts/<lesson>/<step>.py, so a learner can find and
rescue them by hand.

Nothing a learner typed is ever lost or silently replaced:
- only regular files up to MAX_DRAFT_BYTES are read (a FIFO or folder at a draft's path is refused
  without blocking, named, and never overwritten);
- a draft that is not valid UTF-8 is moved aside with its bytes intact (`<step>.py.bad-<time>`) and
  shown with U+FFFD where the bad bytes were;
- a draft changed on disk by another lab since this one read or wrote it is moved aside
  (`<step>.py.conflict-<time>`) before this lab's text is written, so both versions are kept;
- when writing fails (disk full, read-only folder) the text is held in memory (`unsaved`), returned
  by load() and written again on the next save.
Every such event is told to the learner once through lab.notices.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

from lab import notices, paths

MAX_DRAFT_BYTES = 1 << 20
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_UNKNOWN = object()


def _safe(name: str) -> str:
    return _SAFE.sub("_", name) or "_"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Drafts:
    def __init__(self, root: Path | None = None):
        self.root = root or paths.data_dir() / "drafts"
        self.unsaved: dict[tuple[str, str], str] = {}  # (lesson, step) -> text not on disk yet
        self.last_error: OSError | None = None
        self.last_failed: Path | None = None  # the draft whose write failed last
        self._known: dict[Path, str | None] = {}  # digest of what this lab last read/wrote; None: no file
        self._protected: dict[Path, str] = {}  # paths we must not overwrite -> why

    def path(self, lesson_id: str, step_id: str) -> Path:
        return self.root / _safe(lesson_id) / f"{_safe(step_id)}.py"

    # ------------------------------------------------------------ reading
    def load(self, lesson_id: str, step_id: str) -> str | None:
        """The step's draft (text held in memory after a failed save comes first), or None."""
        if (lesson_id, step_id) in self.unsaved:
            return self.unsaved[(lesson_id, step_id)]
        path = self.path(lesson_id, step_id)
        try:
            data = paths.read_regular_file(path, MAX_DRAFT_BYTES)
        except FileNotFoundError:
            self._known[path] = None
            return None
        except OSError as exc:
            self._protect(path, f"{paths.why(exc)}" if not isinstance(exc, paths.UnsafeFile) else exc.reason)
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return self._not_utf8(path, data, exc)
        self._known[path] = _digest(data)
        return text

    def _protect(self, path: Path, why: str) -> None:
        self._protected[path] = why
        notices.tell(f"Your draft {path} could not be read: {why}. The starter code is shown instead; that "
                     "path is left as it is and your edits are kept in memory until it is moved away.",
                     key=f"draft-unreadable:{path}")

    def _not_utf8(self, path: Path, data: bytes, exc: UnicodeDecodeError) -> str:
        text = data.decode("utf-8", errors="replace")
        try:
            aside = paths.set_aside(path, "bad")
        except OSError as err:
            self._protected[path] = f"not valid UTF-8 and could not be moved aside ({paths.why(err)})"
            notices.tell(f"Your draft {path} is not valid UTF-8 (byte {exc.start}); it is shown with � for the "
                         "bad bytes and the file is not overwritten.", key=f"draft-bad:{path}")
            return text
        self._known[path] = None
        notices.tell(f"Your draft {path} was not valid UTF-8 (byte {exc.start}); its bytes are kept unchanged "
                     f"at {aside}. The editor shows it with � for the bad bytes.", key=f"draft-bad:{aside}")
        return text

    # ------------------------------------------------------------ writing
    def save(self, lesson_id: str, step_id: str, text: str) -> bool:
        """Write the draft (atomically, under the drafts lock, keeping another lab's newer version aside).
        False when it is not on disk: `last_error` says why, the text is held in `unsaved`, the learner
        has been told once, and every later save() tries again."""
        self.unsaved[(lesson_id, step_id)] = text
        self.retry()
        return (lesson_id, step_id) not in self.unsaved

    def retry(self) -> bool:
        """Write every draft held in memory after a failed save (newest first). True when none is left."""
        for key in reversed(list(self.unsaved)):
            self._write(key)
        if not self.unsaved and self.last_error is not None:
            self.last_error = self.last_failed = None
            notices.forget("draft-not-saved")
            notices.tell("Your code is saved again.", key="drafts-saved-again")
        return not self.unsaved

    def _write(self, key: tuple[str, str]) -> bool:
        path, text = self.path(*key), self.unsaved[key]
        try:
            if path in self._protected:
                raise paths.UnsafeFile(path, f"{self._protected[path]}; not overwritten")
            data = text.encode("utf-8", errors="replace")  # a lone surrogate cannot be UTF-8: written as "?"
            text = data.decode("utf-8")
            if len(data) > MAX_DRAFT_BYTES:
                raise paths.UnsafeFile(path, f"over the {MAX_DRAFT_BYTES:,}-byte draft limit; not saved")
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.parent.mkdir(mode=0o700, exist_ok=True)
            with paths.locked(self.root / ".lock"):
                self._keep_other_version(path, _digest(data))
                paths.atomic_write_text(path, text)
        except OSError as exc:
            if self.last_error is None:
                notices.forget("drafts-saved-again")
            self.last_error, self.last_failed = exc, path
            notices.tell(f"Your code could not be saved to {path}: {paths.why(exc)}. It is still in the editor "
                         "(kept in memory); the lab keeps trying to save it.", key="draft-not-saved")
            return False
        self._known[path] = _digest(data)
        del self.unsaved[key]
        return True

    def _keep_other_version(self, path: Path, new_digest: str) -> None:
        """Under the lock: a file at `path` that this lab did not write or read last is another lab's (or
        the learner's by hand): move it aside and say where, rather than write over it."""
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return
        if not stat.S_ISREG(st.st_mode):
            raise paths.UnsafeFile(path, "not a regular file; not overwritten")
        if st.st_size <= MAX_DRAFT_BYTES:  # a bigger file was never written by a lab: set it aside unread
            current = _digest(paths.read_regular_file(path, MAX_DRAFT_BYTES))
            if current == new_digest or current == self._known.get(path, _UNKNOWN):
                return
        aside = paths.set_aside(path, "conflict")
        notices.tell(f"Your draft {path} was changed by another numba-lab (or by hand) since this one loaded "
                     f"it. Both versions are kept: that one at {aside}, this editor's text as the draft.",
                     key=f"draft-conflict:{aside}")

    def discard(self, lesson_id: str, step_id: str) -> bool:
        """Forget the step's draft (reset to starter). Another lab's newer version is kept aside, not
        deleted; a failure is told, never raised."""
        self.unsaved.pop((lesson_id, step_id), None)
        path = self.path(lesson_id, step_id)
        if path in self._protected:
            return False
        try:
            with paths.locked(self.root / ".lock"):
                self._keep_other_version(path, "")
                path.unlink(missing_ok=True)
        except OSError as exc:
            notices.tell(f"Your old draft {path} could not be removed: {paths.why(exc)}.", key=f"draft-rm:{path}")
            return False
        self._known[path] = None
        return True
