"""Per-user directories. Nothing is ever written to the install or lesson folders.

Every location can be moved at once with NUMBA_LAB_HOME (tests and shared boxes use it); otherwise
platformdirs gives the user's own data/cache directories, so two learners never share files.
"""

from __future__ import annotations

import errno
import fcntl
import getpass
import os
import stat
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

APP = "numba-lab"


def builtin_lessons_dir() -> Path:
    """lessons/ of a source checkout, or lab/builtin_lessons inside an installed wheel."""
    here = Path(__file__).resolve().parent
    packaged = here / "builtin_lessons"
    if packaged.is_dir():
        return packaged
    return here.parent / "lessons"


def _home_override() -> Path | None:
    value = os.environ.get("NUMBA_LAB_HOME")
    return Path(value).expanduser() if value else None


class StateDirError(OSError):
    """A per-user state folder that cannot be created: one clear line for the learner, no traceback."""

    def __str__(self) -> str:
        return str(self.strerror)


def _ensure(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StateDirError(exc.errno, f"cannot create the numba-lab folder {path}: {why(exc)}. "
                                       "Set NUMBA_LAB_HOME to a folder you can write.") from None
    return path


_WHY = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied", errno.EPERM: "not permitted (read-only or immutable)",
        errno.EDQUOT: "over your disk quota", errno.EISDIR: "a folder is in the way",
        errno.ENOTDIR: "a file is in the way of a folder"}


def why(exc: OSError) -> str:
    """A short plain reason for an OSError: 'the disk is full', 'the file system is read-only', ..."""
    if isinstance(exc, UnsafeFile):
        return exc.reason
    return _WHY.get(exc.errno, exc.strerror or str(exc) or type(exc).__name__)


def data_dir() -> Path:
    """Drafts and progress: what must survive anything."""
    home = _home_override()
    if home:
        return _ensure(home / "data")
    from platformdirs import user_data_dir

    return _ensure(Path(user_data_dir(APP, appauthor=False)))


def cache_dir() -> Path:
    home = _home_override()
    if home:
        return _ensure(home / "cache")
    from platformdirs import user_cache_dir

    return _ensure(Path(user_cache_dir(APP, appauthor=False)))


def work_dir() -> Path:
    """Where learner kernels are written as real files before the worker imports them."""
    return _ensure(cache_dir() / "work")


def numba_cache_dir() -> Path:
    """Exported to workers as NUMBA_CACHE_DIR so cache=True writes here, not beside lesson files."""
    return _ensure(cache_dir() / "numba")


def drafts_dir() -> Path:
    return _ensure(data_dir() / "drafts")


def progress_file() -> Path:
    return data_dir() / "progress.json"


def user_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (containers)
        return str(os.getuid())


def default_present_file() -> Path:
    """Where a presenter publishes its position; readable by learners on the same box."""
    return Path(tempfile.gettempdir()) / f"numba-lab-present-{user_name()}.json"


def atomic_write_text(path: Path, text: str, *, mode: int | None = None, fsync: bool = True) -> None:
    """Write via a temp file in the same folder and os.replace, so a kill never leaves half a file.
    `mode`: the file's permissions (mkstemp makes 0600); `fsync=False` for files that need not survive
    a power cut."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            if mode is not None:  # on the descriptor: in a shared folder the name could be swapped for a symlink
                os.fchmod(handle.fileno(), mode)
            handle.write(text)
            if fsync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


# ----------------------------------------------------------------------------- reading files from outside
class UnsafeFile(OSError):
    """A file that must not be read: not a regular file (FIFO, socket, device, directory), a symlink
    loop, or bigger than the cap. str() names the file and why; `.reason` is the why alone."""

    def __init__(self, path, reason: str, err: int = errno.EINVAL) -> None:
        super().__init__(err, reason, str(path))
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.filename}: {self.reason}"


SYMLINK_LOOP = "a symlink loop (following its links leads back in a circle)"
_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory"),
          (stat.S_ISLNK, "a symlink"))


def _kind_problem(st: os.stat_result) -> str | None:
    if stat.S_ISREG(st.st_mode):
        return None
    kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a plain file")
    return f"not a regular file: it is {kind}; only regular files are read"


def _too_big(size: int, max_bytes: int) -> str:
    return f"too big: {size} bytes > {max_bytes} bytes allowed"


def read_regular_file(path, max_bytes: int, *, follow_symlinks: bool = True) -> bytes:
    """The bytes of `path`, read only if it is a regular file (symlinks to one are fine) of at most
    `max_bytes`. A FIFO, socket, device or directory is refused without being opened for reading (so
    it cannot block), a symlink loop is named as such, a file over the cap is never read into memory.
    Raises UnsafeFile for those, and the ordinary OSError (FileNotFoundError, PermissionError...)
    otherwise. stat first, then open non-blocking and check fstat again, so a file swapped for a FIFO
    in between still cannot block. `follow_symlinks=False` (files in a folder other accounts write): a
    symlink is refused as not a regular file, also when it is swapped in between (O_NOFOLLOW)."""
    try:
        st = os.stat(path) if follow_symlinks else os.lstat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeFile(path, SYMLINK_LOOP, errno.ELOOP) from None
        raise
    problem = _kind_problem(st)
    if problem:
        raise UnsafeFile(path, problem)
    if st.st_size > max_bytes:
        raise UnsafeFile(path, _too_big(st.st_size, max_bytes), errno.EFBIG)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    if not follow_symlinks:
        flags |= os.O_NOFOLLOW
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow_symlinks:
            raise UnsafeFile(path, "not a regular file: it is a symlink; only regular files are read",
                             errno.ELOOP) from None
        if exc.errno == errno.ELOOP:
            raise UnsafeFile(path, SYMLINK_LOOP, errno.ELOOP) from None
        raise
    try:
        st = os.fstat(fd)  # what we actually opened, not what stat saw a moment ago
        problem = _kind_problem(st)
        if problem:
            raise UnsafeFile(path, problem)
        if st.st_size > max_bytes:
            raise UnsafeFile(path, _too_big(st.st_size, max_bytes), errno.EFBIG)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:  # it grew while we read
                raise UnsafeFile(path, _too_big(total, max_bytes) + " (and growing)", errno.EFBIG)
        return b"".join(chunks)
    finally:
        os.close(fd)


def set_aside(path: Path, tag: str) -> Path:
    """Rename `path` to a free sibling name `<name>.<tag>-<YYYYmmdd-HHMMSS>[-n]` and return it (its bytes
    are kept exactly). Raises OSError when the rename fails."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1, 1000):
        aside = path.with_name(f"{path.name}.{tag}-{stamp}" + (f"-{n}" if n > 1 else ""))
        if not os.path.lexists(aside):
            os.rename(path, aside)
            return aside
    raise FileExistsError(errno.EEXIST, "no free name to set the file aside", str(path))


@contextmanager
def locked(lock_path: Path, wait_s: float = 2.0):
    """Hold an exclusive flock on `lock_path` (created 0600) for the block, so two labs of one user take
    turns re-reading and writing a state file. Never hangs: after `wait_s` (a stopped lab holding it) or
    when the lock file cannot be created (read-only folder) the block runs without the lock."""
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError:
        yield False
        return
    try:
        deadline = time.monotonic() + wait_s
        got = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                got = True
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            except OSError:
                break
        yield got
    finally:
        os.close(fd)  # closing the descriptor releases the lock
