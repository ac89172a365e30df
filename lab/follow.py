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

import atexit
import json
import os
import pwd
import signal
import stat
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from lab import foreign_json, paths
from lab.foreign_json import owner_name  # noqa: F401 - part of this module's interface

PREFIX = "numba-lab-present-"
STALE_AFTER_S = 3 * 3600  # a presenter file older than this is shown as stale
MAX_PRESENT_BYTES = 64 * 1024  # ours are ~300 bytes; anything bigger is not a presenter file


class FollowError(ValueError):
    """A --follow/--present value that cannot be used; the message says what to do."""


_plain = foreign_json.printable  # control characters out: the text is shown in a one-line banner


class PresenterFile(BaseModel):
    """What a presenter file may hold. Other users write it, so every field is checked: strict types,
    finite numbers in range, bounded printable strings."""

    model_config = ConfigDict(strict=True, allow_inf_nan=False, extra="ignore")

    lesson: str = Field(min_length=1, max_length=200)
    lesson_title: str = Field("", max_length=500)
    lesson_index: int = Field(0, ge=0, le=100_000)
    step: int = Field(ge=1, le=100_000)
    step_title: str = Field("", max_length=500)
    ts: float = Field(0.0, ge=0, le=1e11)
    presenter: str = Field("", max_length=200)

    @field_validator("lesson", "lesson_title", "step_title", "presenter")
    @classmethod
    def _printable(cls, value: str) -> str:
        return _plain(value)


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
    def from_json(cls, raw) -> "FollowState":
        """Validated through PresenterFile; FollowError says what is wrong."""
        try:
            model = foreign_json.validate_flat(PresenterFile, raw, "numba-lab presenter file")
        except foreign_json.ForeignFileError as exc:
            raise FollowError(str(exc)) from None
        return cls(**model.model_dump())

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


def _candidates() -> list[tuple[Path, os.stat_result]]:
    out = []
    for p in Path(tempfile.gettempdir()).glob(f"{PREFIX}*.json"):
        try:
            out.append((p, os.lstat(p)))
        except OSError:  # gone between the listing and now
            continue
    return sorted(out, key=lambda c: c[1].st_mtime, reverse=True)


def discover_present_files() -> list[Path]:
    """Presenter files of every user in the temp folder (newest first), whatever their kind."""
    return [p for p, _ in _candidates()]


def discover_presenters() -> tuple[list[tuple[Path, str]], list[str]]:
    """([(file, owner's login name)], [why each other file was ignored]). Only a regular file (not a
    symlink) whose owner is the user its name says counts; the name shown is the owner's, from the
    password database, never the file's own "presenter" field."""
    found, ignored = [], []
    for path, st in _candidates():
        owner = owner_name(st.st_uid)
        if not stat.S_ISREG(st.st_mode):
            ignored.append(f"{path.name}: not a regular file")
            continue
        if presenter_uid(path) != st.st_uid:
            ignored.append(f"{path.name}: owned by {owner}, not by the user it names")
            continue
        found.append((path, owner))
    return found, ignored


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


def read_presenter(path: Path, *, expect_uid: int | None = None) -> FollowState:
    """The presenter's state, or FollowError saying why the file is ignored: missing, not a regular
    file, over MAX_PRESENT_BYTES, not JSON, nested, out-of-range numbers, or owned by someone other
    than ``expect_uid`` (a file another user planted under the presenter's name). The state's
    ``presenter`` is the file owner's login name, not what the file claims."""
    try:
        data, uid = foreign_json.read_json(path, MAX_PRESENT_BYTES, what="numba-lab presenter file",
                                           expect_uid=expect_uid)
    except foreign_json.ForeignFileError as exc:
        raise FollowError("not presenting right now" if exc.kind == "missing" else str(exc)) from None
    try:
        state = FollowState.from_json(data)
    except FollowError as exc:
        raise FollowError(f"ignored {path}: {exc}") from None
    return replace(state, presenter=owner_name(uid))


def read_follow(path: Path, *, expect_uid: int | None = None) -> FollowState | None:
    """The presenter's state, or None if the file is missing, unreadable, half-written, unsafe or not
    ours (read_presenter says why)."""
    try:
        return read_presenter(path, expect_uid=expect_uid)
    except FollowError:
        return None


_CLEANUP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Presenter:
    """Publishes the presenter's position; writes only when the place changes. The file is removed
    on close() (quit), at interpreter exit, and on SIGTERM / SIGHUP (a killed terminal): the handler
    removes it, then lets the signal do what it did before (the previous handler, or the default)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.last: FollowState | None = None
        self.error: str | None = None
        self._previous: dict | None = None  # signal -> the handler we replaced

    def update(self, lesson: str, lesson_title: str, lesson_index: int, step: int, step_title: str) -> bool:
        state = FollowState(lesson, lesson_title, int(lesson_index), int(step), step_title, time.time(),
                            paths.user_name())
        if state.same_place(self.last):
            return False
        try:
            publish(state, self.path)
        except FollowError as exc:
            self.error = str(exc)
            return False
        except OSError as exc:
            self.error = f"cannot publish to {self.path}: {exc.strerror or exc}"
            return False
        self.last, self.error = state, None
        self._install_cleanup()
        return True

    def close(self) -> None:
        """Remove the file so followers see that the presenter stopped."""
        if self.last is not None:
            _unlink(self.path)
            self.last = None
        self._remove_cleanup()

    # ---------------------------------------------------------------- SIGTERM / SIGHUP / exit
    def _install_cleanup(self) -> None:
        if self._previous is not None:
            return
        self._previous = {}
        atexit.register(self.close)
        for sig in _CLEANUP_SIGNALS:
            try:
                previous = signal.getsignal(sig)
                if previous is signal.SIG_IGN:  # nohup: the process goes on presenting
                    continue
                signal.signal(sig, self._on_signal)
                self._previous[sig] = previous
            except (ValueError, OSError):  # not the main thread: quit and exit still clean up
                pass

    def _remove_cleanup(self) -> None:
        previous, self._previous = self._previous, None
        if previous is None:
            return
        atexit.unregister(self.close)
        for sig, handler in previous.items():
            try:
                if signal.getsignal(sig) == self._on_signal:
                    signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
            except (ValueError, OSError):
                pass

    def _on_signal(self, signum, frame) -> None:
        previous = (self._previous or {}).get(signum, signal.SIG_DFL)
        self.close()
        if callable(previous):
            previous(signum, frame)
        else:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)


class FollowWatcher:
    """Learner side: ``poll()`` once a second; one stat per call, a read only when mtime/size moved.

    ``path=None`` discovers the presenter: the only presenter file in the temp folder whose owner is
    the user it names (re-scanned each poll until exactly one exists; ``error`` says why not yet).
    A file that cannot be trusted or read is ignored and ``error`` says why; ``changed`` is set by a
    poll after which the banner text differs."""

    def __init__(self, path: Path | None, *, check_owner: bool = True):
        self.path = Path(path) if path is not None else None
        self.check_owner = check_owner
        self.expect_uid = presenter_uid(self.path) if (check_owner and self.path) else None
        self.state: FollowState | None = None
        self.error: str | None = None
        self._sig: tuple | None = None
        self.gone_changed = False  # True after a poll in which the file disappeared
        self.changed = False  # True after a poll that changed state or error

    @classmethod
    def for_value(cls, value: str | None) -> "FollowWatcher":
        """From the --follow value: a path, a presenter user name, or "" (discover)."""
        return cls(resolve_follow_path(value))

    def _discover(self) -> bool:
        found, ignored = discover_presenters()
        if len(found) == 1:
            self.path, self.error = found[0][0], None
            self.expect_uid = presenter_uid(self.path) if self.check_owner else None
            return True
        if not found:
            error = "no presenter is publishing on this machine yet"
            if ignored:
                error += f" (ignored {len(ignored)} file(s): {'; '.join(ignored[:2])})"
        else:
            error = f"several presenters on this machine ({', '.join(owner for _, owner in found)}): " \
                    f"start with --follow USER"
        self._set(None, error)
        return False

    def _set(self, state: FollowState | None, error: str | None) -> None:
        if (state, error) != (self.state, self.error):
            self.changed = True
        self.state, self.error = state, error

    def poll(self) -> FollowState | None:
        """The new state if the presenter moved since the last poll, else None.
        When the file disappears, ``state`` becomes None and ``gone_changed`` is set for that poll."""
        self.gone_changed = self.changed = False
        if self.path is None and not self._discover():
            return None
        try:
            st = os.stat(self.path)
        except OSError:
            if self.state is not None:
                self.gone_changed = True
            self._set(None, None)
            self._sig = None
            return None
        sig = (st.st_mtime_ns, st.st_size, st.st_ino, st.st_uid, st.st_mode)
        if sig == self._sig:
            return None
        self._sig = sig
        before = self.state
        try:
            new = read_presenter(self.path, expect_uid=self.expect_uid)
        except FollowError as exc:
            self._set(None, str(exc))
            return None
        except Exception as exc:  # noqa: BLE001 - a follower never crashes on someone else's file
            self._set(None, f"ignored {self.path}: {type(exc).__name__}")
            return None
        self._set(new, None)
        return None if new == before else new

    def banner_text(self) -> str:
        if self.state is None:
            return f"following the instructor: {self.error or 'not presenting right now'}"
        return self.state.describe() + "  (ctrl+j: jump there)"
