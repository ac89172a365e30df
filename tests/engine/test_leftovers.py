"""Processes and threads the learner's code leaves behind (real runner, real worker processes).

Each child process a job starts, wherever it moved (its own session, a double fork), dies with
the job; exited children are reaped at once; a forked child never acts as the worker; a thread
left busy retires the worker. (A time limit hit while Numba compiles: test_faults_env.py.)
"""

from __future__ import annotations

import asyncio

import psutil
import pytest

from lab.engine.protocol import Job

from engine_support import OK_JOB, assert_ok_after, by_type, collect, one

pytestmark = [pytest.mark.asyncio(loop_scope="module")]

WAIT_FOR_PIDFILE = (
    "def wait_for(path):\n"
    "    for _ in range(500):\n"
    "        if os.path.exists(path) and open(path).read().strip():\n"
    "            return int(open(path).read())\n"
    "        time.sleep(0.01)\n"
    "    raise RuntimeError('no pid file')\n\n"
)
HEAD = "import os, subprocess, sys, threading, time\n\n" + WAIT_FOR_PIDFILE


def gone(pid: int) -> bool:
    """Not running: no such process, or an exited one nobody has reaped yet (not ours to reap)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


async def assert_gone(pid: int, within_s: float = 5.0) -> None:
    for _ in range(int(within_s / 0.05)):
        if gone(pid):
            return
        await asyncio.sleep(0.05)
    pytest.fail(f"process {pid} started by the job is still running")


async def run_then_ok(runner, source: str, calls: list[str], **kw) -> list[dict]:
    events = await collect(runner, Job(source=source, entry="f", calls=calls, views=[], **kw))
    assert_ok_after(await collect(runner, Job(**OK_JOB)))
    return events


async def test_a_child_in_its_own_session_dies_with_the_job(runner, tmp_path):
    pidfile = tmp_path / "setsid.pid"
    src = HEAD + ("def f():\n    p = subprocess.Popen(['sleep', '300'], start_new_session=True)\n"
                  f"    open({str(pidfile)!r}, 'w').write(str(p.pid))\n    return p.pid\n")
    events = await run_then_ok(runner, src, ["f()"])
    assert events[-1]["ok"], events
    await assert_gone(int(pidfile.read_text()))


async def test_a_double_forked_orphan_dies_with_the_job(runner, tmp_path):
    pidfile = tmp_path / "grandchild.pid"
    src = HEAD + ("def f():\n    pid = os.fork()\n    if pid == 0:\n        os.setsid()\n"
                  "        if os.fork() == 0:\n"
                  f"            open({str(pidfile)!r}, 'w').write(str(os.getpid()))\n"
                  "            time.sleep(300)\n        os._exit(0)\n"
                  f"    os.waitpid(pid, 0)\n    return wait_for({str(pidfile)!r})\n")
    events = await run_then_ok(runner, src, ["f()"])
    assert events[-1]["ok"], events
    await assert_gone(int(pidfile.read_text()))


@pytest.mark.slow
async def test_a_child_in_its_own_session_dies_when_the_runner_kills_the_worker(runner, tmp_path):
    pidfile = tmp_path / "escaped.pid"
    src = HEAD + ("def f():\n    p = subprocess.Popen(['sleep', '300'], start_new_session=True)\n"
                  f"    open({str(pidfile)!r}, 'w').write(str(p.pid))\n    while True:\n        pass\n")
    events = await run_then_ok(runner, src, ["f()"], timeout_s=1.5)
    assert one(events, "error")["etype"] == "Timeout"
    await assert_gone(int(pidfile.read_text()))


async def test_an_exited_fork_leaves_no_zombie(runner):
    src = HEAD + "def f():\n    pid = os.fork()\n    if pid == 0:\n        os._exit(0)\n    return pid\n"
    events = await run_then_ok(runner, src, ["f()"])
    child = int(one(events, "output")["result"])
    assert not psutil.pid_exists(child), "the exited child was not reaped"


async def test_a_fork_that_returns_does_not_run_the_job_as_a_second_worker(runner):
    # the child returns from f() into the worker's code: it must neither report events for the job
    # nor read the next job from the worker's pipe (that next job used to hang until its time limit)
    src = HEAD + "def f():\n    return os.fork()\n"
    events = await run_then_ok(runner, src, ["f()", "'after'"])
    outputs = by_type(events, "output")
    assert [o["call"] for o in outputs] == ["f()", "'after'"], outputs
    assert int(outputs[0]["result"]) > 0  # the worker's answer, not the child's 0
    await assert_gone(int(outputs[0]["result"]))


@pytest.mark.slow
async def test_a_forked_child_does_not_hold_the_event_pipe_when_the_worker_dies(runner, tmp_path):
    # the worker exits while its forked child sleeps: the runner must see the exit at once, not wait
    # for EOF on an event pipe the child inherited (that ended as a Timeout)
    pidfile = tmp_path / "child.pid"
    src = HEAD + ("def f():\n    pid = os.fork()\n    if pid == 0:\n"
                  f"        open({str(pidfile)!r}, 'w').write(str(os.getpid()))\n        time.sleep(300)\n"
                  f"        os._exit(0)\n    wait_for({str(pidfile)!r})\n    os._exit(3)\n")
    events = await run_then_ok(runner, src, ["f()"], timeout_s=8)
    assert one(events, "error")["etype"] == "ExitCode" and events[-1]["cause"] == "exit"
    await assert_gone(int(pidfile.read_text()))


async def test_a_busy_thread_left_running_retires_the_worker(runner):
    src = HEAD + ("def spin():\n    while True:\n        pass\n\n"
                  "def f():\n    threading.Thread(target=spin, daemon=True, name='spinner').start()\n"
                  "    return os.getpid()\n")
    events = await collect(runner, Job(source=src, entry="f", calls=["f()"], views=[]))
    done = events[-1]
    assert done["ok"] and "spinner" in (done["retire"] or ""), done
    assert any("spinner" in o["stderr"] and "fresh worker" in o["stderr"] for o in by_type(events, "output"))
    busy = int(one(events, "started")["pid"])
    after = await collect(runner, Job(**OK_JOB))
    assert_ok_after(after)
    assert one(after, "started")["pid"] != busy, "the next job ran in the worker with the busy thread"
    await assert_gone(busy)


async def test_threads_that_finish_or_wait_idle_do_not_retire_the_worker(runner):
    # lesson 6 keeps a ThreadPoolExecutor open: its idle threads slow nothing and must not cost a worker
    src = HEAD + ("from concurrent.futures import ThreadPoolExecutor\n\npool = ThreadPoolExecutor(max_workers=2)\n\n"
                  "def f():\n    threading.Thread(target=time.sleep, args=(0.01,)).start()\n"
                  "    return sum(pool.map(abs, [-1, -2, -3]))\n")
    events = await collect(runner, Job(source=src, entry="f", calls=["f()"], views=[]))
    assert events[-1]["ok"] and events[-1]["retire"] is None, events[-1]
    after = await collect(runner, Job(**OK_JOB))
    assert one(after, "started")["pid"] == one(events, "started")["pid"]
