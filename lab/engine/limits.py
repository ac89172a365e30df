"""Resource limits and process hygiene for the worker (Linux first; degrades quietly elsewhere)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import signal
import sys

try:
    import resource
except ImportError:  # pragma: no cover - not POSIX
    resource = None

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
_subreaper = [False]  # set by become_subreaper(): then every leftover is a descendant


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
    become_subreaper()
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


def become_subreaper() -> bool:
    """Orphans of our descendants (double forks, setsid children whose parent exited) are
    reparented to this process instead of init, so they stay findable and killable (Linux only)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        _subreaper[0] = libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        _subreaper[0] = False
    return _subreaper[0]


def _children(pid: int) -> list[int]:
    """Direct children of pid: /proc/PID/task/*/children (cheap), else psutil."""
    task_dir = f"/proc/{pid}/task"
    try:
        tids = os.listdir(task_dir)
    except OSError:
        tids = []
    out: list[int] = []
    found_file = False
    for tid in tids:
        try:
            with open(f"{task_dir}/{tid}/children") as fh:
                found_file = True
                out += [int(x) for x in fh.read().split()]
        except (OSError, ValueError):
            continue
    if found_file:
        return out
    try:
        import psutil

        return [c.pid for c in psutil.Process(pid).children()]
    except Exception:  # noqa: BLE001 - gone, or no psutil
        return []


def descendants(pid: int) -> list[int]:
    """Every live descendant of pid (children first)."""
    out: list[int] = []
    todo = _children(pid)
    seen = {pid}
    while todo:
        child = todo.pop(0)
        if child in seen:
            continue
        seen.add(child)
        out.append(child)
        todo += _children(child)
    return out


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except OSError:
        pass


def kill_descendants(root: int | None = None) -> list[int]:
    """SIGKILL every descendant of `root` (default: this process), whatever session or process
    group it moved to. Each one found is stopped first, and the tree walked again until nothing
    new turns up, so a forking child cannot outrun the walk. Returns the pids signalled."""
    root = os.getpid() if root is None else root
    stopped: list[int] = []
    for _round in range(50):
        new = [pid for pid in descendants(root) if pid not in stopped]
        if not new:
            break
        for pid in new:
            _signal(pid, signal.SIGSTOP)
        stopped += new
    for pid in stopped:
        _signal(pid, signal.SIGKILL)
    if root == os.getpid():
        reap_children()
    return stopped


def reap_children() -> int:
    """waitpid(-1, WNOHANG) until no exited child is left; returns how many were reaped."""
    n = 0
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            n += 1
    except ChildProcessError:
        pass
    return n


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


def kill_job_processes() -> None:
    """After a job: kill every process the learner's code started (descendants, wherever they
    moved, and any member of the worker's process group), then reap them."""
    kill_descendants()
    if _subreaper[0]:
        return
    me = os.getpid()
    try:
        pgid = os.getpgrp()
    except OSError:
        return
    if pgid == me:  # our own group (not started by hand): its other members are the learner's
        for pid in group_members(pgid):
            if pid != me:
                _signal(pid, signal.SIGKILL)
    reap_children()
