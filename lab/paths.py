"""Per-user directories. Nothing is ever written to the install or lesson folders.

Every location can be moved at once with NUMBA_LAB_HOME (tests and shared boxes use it); otherwise
platformdirs gives the user's own data/cache directories, so two learners never share files.
"""

from __future__ import annotations

import errno
import getpass
import os
import stat
import tempfile
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


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


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
            handle.write(text)
            if fsync:
                handle.flush()
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
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
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory"))


def _kind_problem(st: os.stat_result) -> str | None:
    if stat.S_ISREG(st.st_mode):
        return None
    kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a plain file")
    return f"not a regular file: it is {kind}; only regular files are read"


def _too_big(size: int, max_bytes: int) -> str:
    return f"too big: {size} bytes > {max_bytes} bytes allowed"


def read_regular_file(path, max_bytes: int) -> bytes:
    """The bytes of `path`, read only if it is a regular file (symlinks to one are fine) of at most
    `max_bytes`. A FIFO, socket, device or directory is refused without being opened for reading (so
    it cannot block), a symlink loop is named as such, a file over the cap is never read into memory.
    Raises UnsafeFile for those, and the ordinary OSError (FileNotFoundError, PermissionError...)
    otherwise. stat first, then open non-blocking and check fstat again, so a file swapped for a FIFO
    in between still cannot block."""
    try:
        st = os.stat(path)
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
    try:
        fd = os.open(path, flags)
    except OSError as exc:
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
