"""Resource limits and process hygiene for the worker (Linux first; degrades quietly elsewhere)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import signal

try:
    import resource
except ImportError:  # pragma: no cover - not POSIX
    resource = None

PR_SET_PDEATHSIG = 1
_base_as: int | None = None


def worker_setup(parent: int) -> None:
    """No core files; die with the parent (kernel-level, works even while nopython code holds the GIL)."""
    if resource is not None:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # parent died before prctl took effect
        os._exit(0)
    import faulthandler

    faulthandler.enable(file=os.fdopen(os.dup(2), "w"), all_threads=False)


@contextlib.contextmanager
def alarm(seconds: float, exc_type: type[BaseException]):
    """Raise exc_type in the main thread if the block runs longer than `seconds` (SIGALRM); the timer
    is stopped and the old handler restored on the way out."""
    def fire(_sig, _frame):
        raise exc_type()

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _vm_size() -> int | None:
    try:
        with open("/proc/self/status") as fh:
            m = re.search(r"VmSize:\s+(\d+) kB", fh.read())
        return int(m.group(1)) * 1024 if m else None
    except OSError:
        return None


def job_limits(memory_mb: int | None) -> None:
    """Cap address space at the worker's current size + memory_mb MiB (None: lift the cap)."""
    if resource is None:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if memory_mb is None:
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
        return
    base = _vm_size() or 0
    cap = base + max(512, int(memory_mb)) * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def group_members(pgid: int) -> list[int]:
    out = []
    for name in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as fh:
                stat = fh.read()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[2]) == pgid:
                out.append(int(name))
        except (OSError, ValueError, IndexError):
            continue
    return out


def kill_group_members() -> None:
    """Kill every other process in the worker's process group (children forked by learner code)."""
    me = os.getpid()
    try:
        pgid = os.getpgrp()
    except OSError:
        return
    if pgid != me:  # not our own group (started by hand): never touch the caller's processes
        return
    for pid in group_members(pgid):
        if pid != me:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass
