"""Follow the instructor: a presenter publishes where it is, learners on the same box follow.

No network service: the presenter atomically rewrites one small JSON file (default
``/tmp/numba-lab-present-<presenter-user>.json``, or ``--present PATH``); a learner's lab polls that
file's mtime once a second (one ``os.stat``, no read unless it changed). Never imports textual or
numba, so the UI, tests and tools can all use it.

File format (docs/contracts.md "Follow the instructor")::

    {"lesson": "first-jit", "lesson_title": "Your first @jit", "lesson_index": 1, "step": 2,
     "step_title": "Compilation happens on the first call", "ts": 1764070000.0, "presenter": "alice"}

``lesson_index`` and ``step`` are 1-based; ``presenter`` is optional (older files lack it).

How the UI wires it (the UI shell owns the widgets; this module owns the file):

Presenter side (``numba-lab --present [FILE]``)::

    path = follow.resolve_present_path(args)          # None unless --present was given
    presenter = follow.Presenter(path) if path else None
    # whenever the shown lesson/step changes (cheap: writes only when something changed):
    presenter.update(lesson.id, lesson.title, lesson_index, step_index + 1, step.title)
    # on exit: presenter.close()  (removes the file, so learners see "not presenting")

Learner side (``numba-lab --follow [FILE|USER]``)::

    watcher = follow.FollowWatcher.for_value(args.follow)  # path, presenter user, or "" = discover
    self.set_interval(1.0, tick)                       # in the App
    def tick():
        new = watcher.poll()                           # FollowState when it changed, else None
        if new is not None or watcher.gone_changed:    # watcher.state is None while not presenting
            banner.show_text(watcher.banner_text())    # "instructor is at lesson 3, step 2: ..."
    # jump key (ctrl+j): open lesson watcher.state.lesson (match by id, not lesson_index: a learner's
    # list may differ), step watcher.state.step - 1. Navigation only: the learner's drafts stay as
    # they are (the step's saved draft is what the editor shows there).
"""

from __future__ import annotations

import json
import os
import pwd
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from lab import paths

PREFIX = "numba-lab-present-"
STALE_AFTER_S = 3 * 3600  # a presenter file older than this is shown as stale


class FollowError(ValueError):
    """A --follow/--present value that cannot be used; the message says what to do."""


@dataclass(frozen=True)
class FollowState:
    lesson: str
    lesson_title: str
    lesson_index: int  # 1-based, in the presenter's list
    step: int  # 1-based
    step_title: str
    ts: float
    presenter: str = ""

    @classmethod
    def from_json(cls, raw: dict) -> "FollowState":
        try:
            return cls(
                lesson=str(raw["lesson"]),
                lesson_title=str(raw.get("lesson_title", "")),
                lesson_index=int(raw.get("lesson_index", 0)),
                step=int(raw["step"]),
                step_title=str(raw.get("step_title", "")),
                ts=float(raw.get("ts", 0.0)),
                presenter=str(raw.get("presenter", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise FollowError(f"not a numba-lab presenter file ({exc})") from exc

    def to_json(self) -> dict:
        return asdict(self)

    def same_place(self, other: "FollowState | None") -> bool:
        return other is not None and (self.lesson, self.step) == (other.lesson, other.step)

    def describe(self, now: float | None = None) -> str:
        """'instructor is at lesson 3, step 2: Title' (plus 'last update 4 h ago' when stale)."""
        who = f"instructor ({self.presenter})" if self.presenter else "instructor"
        where = f"lesson {self.lesson_index}" if self.lesson_index > 0 else f"lesson {self.lesson}"
        text = f"{who} is at {where}, step {self.step}"
        title = " / ".join(t for t in (self.lesson_title, self.step_title) if t)
        if title:
            text += f": {title}"
        age = (time.time() if now is None else now) - self.ts
        if self.ts and age > STALE_AFTER_S:
            text += f" (last update {age / 3600:.0f} h ago)"
        return text


# ----------------------------------------------------------------------------- paths
def default_present_path(user: str | None = None) -> Path:
    return Path(tempfile.gettempdir()) / f"{PREFIX}{user or paths.user_name()}.json"


def resolve_present_path(args) -> Path | None:
    """--present absent -> None (not presenting); --present with no value -> the default file."""
    value = getattr(args, "present", None)
    if value is None:
        return None
    if value == "":
        return default_present_path()
    return Path(value).expanduser()


def _looks_like_path(value: str) -> bool:
    return os.sep in value or value.endswith(".json") or value.startswith((".", "~"))


def resolve_follow_path(value: str | None) -> Path | None:
    """A presenter file path, or a presenter's user name (-> their default file).

    No value: the presenter named by $NUMBA_LAB_PRESENTER; else None, meaning "discover": the
    FollowWatcher then follows the only presenter file in the temp folder once one appears."""
    value = (value or "").strip()
    if value:
        if _looks_like_path(value) or Path(value).is_file():
            return Path(value).expanduser()
        return default_present_path(value)
    env = os.environ.get("NUMBA_LAB_PRESENTER", "").strip()
    if env:
        return resolve_follow_path(env)
    return None


def discover_present_files() -> list[Path]:
    """Presenter files of every user in the temp folder (newest first)."""
    found = list(Path(tempfile.gettempdir()).glob(f"{PREFIX}*.json"))
    return sorted(found, key=lambda p: p.stat().st_mtime if p.exists() else 0, reverse=True)


def presenter_uid(path: Path) -> int | None:
    """The uid a default presenter file must belong to (from its name), or None if unknown."""
    name = path.name
    if not (name.startswith(PREFIX) and name.endswith(".json")):
        return None
    user = name[len(PREFIX):-len(".json")]
    try:
        return pwd.getpwnam(user).pw_uid
    except KeyError:
        return int(user) if user.isdigit() else None


# ----------------------------------------------------------------------------- read / write
def publish(state: FollowState, path: Path) -> None:
    """Atomic write (temp file in the same folder + os.replace), world-readable so learners who are
    other users can read it. Raises FollowError if the file belongs to someone else."""
    path = Path(path)
    try:
        # 0644: learners are other users; no fsync, a presenter's position need not survive a power cut
        paths.atomic_write_text(path, json.dumps(state.to_json()), mode=0o644, fsync=False)
    except PermissionError as exc:
        raise FollowError(f"cannot publish to {path}: {exc.strerror} (another user owns it? "
                          f"use --present PATH)") from exc


def _unlink(path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def read_follow(path: Path, *, expect_uid: int | None = None) -> FollowState | None:
    """The presenter's state, or None if the file is missing, unreadable, half-written or not ours
    (``expect_uid``: ignore a file that another user planted under the presenter's name)."""
    try:
        if expect_uid is not None and os.stat(path).st_uid != expect_uid:
            return None
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        return FollowState.from_json(raw)
    except (OSError, ValueError, FollowError):
        return None


class Presenter:
    """Publishes the presenter's position; writes only when the place changes."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.last: FollowState | None = None
        self.error: str | None = None

    def update(self, lesson: str, lesson_title: str, lesson_index: int, step: int, step_title: str) -> bool:
        state = FollowState(lesson, lesson_title, int(lesson_index), int(step), step_title, time.time(),
                            paths.user_name())
        if state.same_place(self.last):
            return False
        try:
            publish(state, self.path)
        except (FollowError, OSError) as exc:
            self.error = str(exc)
            return False
        self.last, self.error = state, None
        return True

    def close(self) -> None:
        """Remove the file so followers see that the presenter stopped."""
        if self.last is not None:
            _unlink(self.path)
            self.last = None


class FollowWatcher:
    """Learner side: ``poll()`` once a second; one stat per call, a read only when mtime/size moved.

    ``path=None`` discovers the presenter: the only ``numba-lab-present-*.json`` in the temp folder
    (re-scanned each poll until exactly one exists; ``error`` says why not yet)."""

    def __init__(self, path: Path | None, *, check_owner: bool = True):
        self.path = Path(path) if path is not None else None
        self.check_owner = check_owner
        self.expect_uid = presenter_uid(self.path) if (check_owner and self.path) else None
        self.state: FollowState | None = None
        self.error: str | None = None
        self._sig: tuple | None = None
        self.gone_changed = False  # True after a poll in which the file disappeared

    @classmethod
    def for_value(cls, value: str | None) -> "FollowWatcher":
        """From the --follow value: a path, a presenter user name, or "" (discover)."""
        return cls(resolve_follow_path(value))

    def _discover(self) -> bool:
        found = discover_present_files()
        if len(found) == 1:
            self.path, self.error = found[0], None
            self.expect_uid = presenter_uid(self.path) if self.check_owner else None
            return True
        if not found:
            self.error = "no presenter is publishing on this machine yet"
        else:
            names = ", ".join(p.stem[len(PREFIX):] for p in found)
            self.error = f"several presenters ({names}): start with --follow USER"
        return False

    def poll(self) -> FollowState | None:
        """The new state if the presenter moved since the last poll, else None.
        When the file disappears, ``state`` becomes None and ``gone_changed`` is set for that poll."""
        self.gone_changed = False
        if self.path is None and not self._discover():
            return None
        try:
            st = os.stat(self.path)
        except OSError:
            if self.state is not None:
                self.state, self.gone_changed = None, True
            self._sig = None
            return None
        sig = (st.st_mtime_ns, st.st_size, st.st_ino)
        if sig == self._sig:
            return None
        self._sig = sig
        new = read_follow(self.path, expect_uid=self.expect_uid)
        if new is None or new == self.state:
            return None
        self.state = new
        return new

    def banner_text(self) -> str:
        if self.state is None:
            return f"following the instructor: {self.error or 'not presenting right now'}"
        return self.state.describe() + "  (ctrl+j: jump there)"
