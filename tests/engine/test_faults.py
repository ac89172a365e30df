"""Learner faults: each is reported by cause and the next job still works (real processes)."""

from __future__ import annotations

import asyncio
import os

import pytest

from lab.engine.protocol import Job

from engine_support import ADD, OK_JOB, assert_ok_after, by_type, collect, one

pytestmark = [pytest.mark.asyncio(loop_scope="module")]


async def run_fault(runner, source, calls, *, setup="", **kw):
    job = Job(source=source, entry="f", calls=calls, setup=setup, views=[], **kw)
    events = await collect(runner, job)
    after = await collect(runner, Job(**OK_JOB))
    assert_ok_after(after)
    assert events[-1]["type"] == "done" and events[-1]["ok"] is False
    return events


NJIT = "import numpy as np\nfrom numba import njit\nimport os, sys, signal\n\n"


@pytest.mark.slow
async def test_infinite_loop_times_out(runner):
    src = NJIT + "@njit\ndef f(n):\n    i = 0\n    while i >= 0:\n        i = (i + 1) % 7\n    return i\n"
    events = await run_fault(runner, src, ["f(3)"], timeout_s=2.0)
    err = one(events, "error")
    assert err["etype"] == "Timeout" and err["stage"] == "worker" and err["hint"]
    assert err["summary"].startswith("stopped after 2 s") and "endless loop" in err["hint"]  # compiled, then looped
    assert events[-1]["cause"] == "timeout"


@pytest.mark.slow
async def test_endless_top_level_loop_is_named_as_such(runner):
    # nothing compiled and no event before the limit: neither "still compiling" nor a compiled loop
    src = NJIT + "while True:\n    pass\n\n@njit\ndef f(n):\n    return n\n"
    events = await run_fault(runner, src, ["f(3)"], timeout_s=1.5)
    err = one(events, "error")
    assert err["etype"] == "Timeout"
    assert err["summary"].startswith("stopped after 1.5 s before anything compiled"), err["summary"]
    assert "top-level code" in err["hint"] and not by_type(events, "compiled")


@pytest.mark.slow
async def test_out_of_bounds_write_segfaults(runner):
    src = NJIT + ("@njit(boundscheck=False)\ndef f(a):\n    for k in range(1, 60):\n"
                  "        for j in range(1 << 16):\n            a[(1 << k) + j * 4096] = 1.0\n    return a[0]\n")
    events = await run_fault(runner, src, ["f(np.zeros(4))"], setup="a = 1")
    err = one(events, "error")
    assert err["etype"] == "SIGSEGV" and "boundscheck=True" in err["hint"]
    assert events[-1]["cause"] == "signal"


@pytest.mark.slow
async def test_deep_recursion(runner):
    src = NJIT + "@njit('int64(int64)')\ndef f(n):\n    if n == 0:\n        return 0\n    return 1 + f(n - 1)\n"
    events = await run_fault(runner, src, ["f(10**9)"])
    err = by_type(events, "error")[0]
    assert err["etype"] in ("SIGSEGV", "RecursionError") and err["hint"]


@pytest.mark.slow
async def test_python_recursion_is_an_ordinary_error(runner):
    src = "def f(n):\n    return f(n + 1)\n"
    events = await run_fault(runner, src, ["f(0)"])
    assert one(events, "error")["etype"] == "RecursionError"


@pytest.mark.slow
async def test_huge_allocation_hits_memory_cap(runner):
    src = NJIT + "@njit\ndef f(n):\n    a = np.empty(n)\n    return a.size\n"
    events = await run_fault(runner, src, ["np.empty(10**12)", "f(10**12)"], memory_mb=512)
    err = by_type(events, "error")[0]
    assert err["etype"] == "MemoryError"


@pytest.mark.slow
async def test_print_flood_is_capped(runner):
    src = "def f():\n    line = 'x' * 99\n    for _ in range(500_000):\n        print(line)\n    return 1\n"
    job = Job(source="from numba import jit\n\n@jit(forceobj=True)\n" + src, entry="f", calls=["f()"], views=[])
    events = await collect(runner, job)
    out = one(events, "output")
    assert out["truncated"] is True and out["result"] == "1"
    assert "bytes truncated ...]" in out["stdout"] and len(out["stdout"]) < 2_100_000
    assert out["stdout"].startswith("x" * 99) and out["stdout"].rstrip().endswith("x" * 99)
    assert events[-1]["ok"]


@pytest.mark.slow
async def test_one_ten_megabyte_line(runner):
    events = await collect(runner, Job(source=ADD, entry="add", calls=["print('y' * 10_000_000)", "add(2, 3)"],
                                       views=[]))
    out = by_type(events, "output")[0]
    assert out["truncated"] and len(out["stdout"]) < 2_100_000
    assert events[-1]["ok"]


@pytest.mark.slow
async def test_os_exit(runner):
    src = NJIT + "def f():\n    os._exit(3)\n"
    events = await run_fault(runner, src, ["f()"])
    err = one(events, "error")
    assert err["etype"] == "ExitCode" and "3" in err["summary"]
    assert events[-1]["cause"] == "exit"


async def test_system_exit_is_caught(runner):
    src = NJIT + "def f():\n    sys.exit(4)\n"
    events = await run_fault(runner, src, ["f()"])
    err = one(events, "error")
    assert err["etype"] == "SystemExit" and err["stage"] == "run"
    assert events[-1]["cause"] is None


@pytest.mark.slow
async def test_kernel_ignoring_sigterm_is_killed(runner):
    src = NJIT + "@njit\ndef f(n):\n    i = 0\n    while i >= 0:\n        i = (i + 1) % 7\n    return i\n"
    events = await run_fault(runner, src, ["f(3)"], setup="signal.signal(signal.SIGTERM, signal.SIG_IGN)",
                             timeout_s=1.5)
    assert one(events, "error")["etype"] == "Timeout"


@pytest.mark.slow
async def test_forked_children_are_killed_with_the_group(runner, tmp_path):
    pidfile = tmp_path / "child.pid"
    src = NJIT + (f"def f():\n    pid = os.fork()\n    if pid == 0:\n        import time\n"
                  f"        signal.signal(signal.SIGTERM, signal.SIG_IGN)\n        time.sleep(600)\n        os._exit(0)\n"
                  f"    open({str(pidfile)!r}, 'w').write(str(pid))\n    while True:\n        pass\n")
    await run_fault(runner, src, ["f()"], timeout_s=2.0)
    child = int(pidfile.read_text())
    for _ in range(50):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        with open(f"/proc/{child}/stat") as fh:
            if fh.read().split(")")[1].split()[0] == "Z":
                break
        await asyncio.sleep(0.1)
    else:
        pytest.fail("forked child survived")


async def test_new_run_supersedes_running_job(runner):
    src = NJIT + "@njit\ndef f(n):\n    i = 0\n    while i >= 0:\n        i = (i + 1) % 7\n    return i\n"
    first = runner.run(Job(source=src, entry="f", calls=["f(3)"], views=[], timeout_s=60))
    seen = []
    async for e in first:
        seen.append(e)
        if e["type"] == "started":
            break
    second_events = await collect(runner, Job(**OK_JOB))
    rest = [e async for e in first]
    assert rest and rest[-1]["type"] == "done" and rest[-1]["cause"] == "superseded"
    assert_ok_after(second_events)
    assert runner.state == "idle"
