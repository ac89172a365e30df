"""The Unix domain socket `numba-lab serve --socket` listens on: only its owner can connect.

The socket file is created mode 600 (umask set around bind(), then chmod) in a folder of mode 700,
so no other local account can connect (Linux checks write permission on the socket file for
connect()). A leftover socket from a crashed start is removed only if it is a socket, owned by us,
and nothing answers on it.
"""

from __future__ import annotations

import errno
import os
import socket
import stat
from pathlib import Path

from lab import paths

MAX_PATH = 107  # sun_path is 108 bytes on Linux, with the closing NUL


class SocketPathError(OSError):
    pass


def default_path() -> Path:
    return paths.cache_dir() / "serve.sock"


def _private_folder(folder: Path, tighten: bool) -> None:
    """Create `folder` mode 700; an existing one is made 700 only when `tighten` (our own default folder:
    a folder the user named, say /tmp, is left as it is; the socket file's own mode 600 still holds)."""
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
        os.chmod(folder, 0o700)
        return
    st = folder.stat()
    if tighten and st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) & 0o077:
        os.chmod(folder, 0o700)


def _remove_stale(path: Path) -> None:
    try:
        st = path.lstat()
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(st.st_mode):
        raise SocketPathError(errno.EEXIST, f"{path} exists and is not a socket; choose another --socket path")
    if st.st_uid != os.getuid():
        raise SocketPathError(errno.EPERM, f"{path} is a socket owned by another user; not touching it")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(str(path))
    except OSError:
        path.unlink()  # ours, and nobody listens: left behind by a start that did not clean up
        return
    finally:
        probe.close()
    raise SocketPathError(errno.EADDRINUSE, f"another numba-lab serve is already listening on {path}")


def bind(path: Path, *, default: bool = False) -> socket.socket:
    """A listening-ready AF_UNIX socket at `path`, mode 600; its folder is made 700 when we create it
    (or, for the default path, when it is ours)."""
    path = path.expanduser().absolute()
    if len(os.fsencode(path)) > MAX_PATH:
        raise SocketPathError(errno.ENAMETOOLONG, f"the socket path {path} is longer than {MAX_PATH} bytes; "
                                                  "choose a shorter --socket path")
    _private_folder(path.parent, tighten=default)
    _remove_stale(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        sock.bind(str(path))
    except OSError:
        sock.close()
        raise
    finally:
        os.umask(old)
    os.chmod(path, 0o600)
    return sock
