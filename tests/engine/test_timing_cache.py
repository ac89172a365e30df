"""Timings through the real worker (interleaved, spread, whole-graph baseline) and the session
result cache in the runner (replayed with cached: true; never after an edit, an option change, a
timeout)."""

from __future__ import annotations

import dataclasses

import pytest

from lab.engine.protocol import Job, Timing
from lab.options import Options

from engine_support import by_type, one
from engine_support import collect as collect_fresh


async def collect(runner, job: Job, use_cache: bool = True) -> list[dict]:
    return await collect_fresh(runner, job, use_cache=use_cache)

pytestmark = pytest.mark.asyncio(loop_scope="module")

CALLEE = """import numpy as np
from numba import njit


@njit
def callee(x):
    return np.tanh(x)


@njit
def trace(a):
    t = 0.0
    for i in range(a.shape[0]):
        t += callee(a[i, i])
    print("traced")
    return t
"""
SETUP = "a = np.arange(400.0).reshape(20, 20) / 400"


def again(job: Job, **changes) -> Job:
    """The same job as a new submission (new id), with `changes`."""
    fields = {f.name: getattr(job, f.name) for f in dataclasses.fields(job) if f.name != "id"}
    return Job(**{**fields, **changes})


async def test_timings_interleave_with_spread_and_interpret_the_whole_call_graph(runner):
    job = Job(source=CALLEE.replace('    print("traced")\n', ""), entry="trace", setup=SETUP, calls=[],
              views=[], timing=Timing(call="trace(a)", budget_s=3.0))
    t = one(await collect(runner, job), "timings")
    assert t["interleaved"] is True
    assert t["jit"]["runs"] >= 5
    # at least 5 Python runs, or the note says the budget allowed fewer (a very busy machine)
    assert t["python"]["runs"] >= 5 or "fit in the 3 s budget" in t["python_note"], t
    for side in ("jit", "python"):
        assert t[side]["min_s"] <= t[side]["median_s"] <= t[side]["max_s"]
        assert t[side]["spread"] is not None and t[side]["spread"] >= 0
    assert isinstance(t["uncertain"], bool) and (t["busy_note"] is not None) == t["uncertain"]
    assert t["speedup"] > 0 and t["speedup_median"] > 0
    assert t["baseline"]["mode"] == "swap" and t["baseline"]["swapped"] == 1
    assert "whole call graph interpreted (1 jitted callee" in t["baseline"]["text"]


async def test_a_revisit_is_replayed_from_the_result_cache_and_marked(runner):
    runner.results.clear()
    job = Job(source=CALLEE, entry="trace", setup=SETUP, calls=["trace(a)"], views=["llvm"],
              checks=[{"kind": "no_error"}], timing=Timing(call="trace(a)", budget_s=0.5))
    first = await collect(runner, job)
    assert not any(e.get("cached") for e in first)
    revisit = again(job)
    second = await collect(runner, revisit)
    assert [e["type"] for e in second] == [e["type"] for e in first]
    assert all(e["cached"] is True and e["job"] == revisit.id for e in second)
    assert one(second, "output")["stdout"] == "traced\n"  # the earlier run's print, replayed
    assert one(second, "timings")["speedup"] == one(first, "timings")["speedup"]
    assert [c["passed"] for c in by_type(second, "check")] == [c["passed"] for c in by_type(first, "check")]
    done = second[-1]
    assert done["ok"] is True and done["original_elapsed_ms"] == first[-1]["elapsed_ms"]

    edited = await collect(runner, again(job, source=CALLEE.replace('"traced"', '"edited"')))
    assert not any(e.get("cached") for e in edited) and one(edited, "output")["stdout"] == "edited\n"
    toggled = await collect(runner, again(job, options=Options(fastmath=True)))
    assert not any(e.get("cached") for e in toggled)
    other_checks = await collect(runner, again(job, checks=[]))
    assert not any(e.get("cached") for e in other_checks)
    rerun = [e async for e in runner.run(again(job), use_cache=False)]
    assert not any(e.get("cached") for e in rerun)


async def test_an_error_is_cached_but_a_timeout_is_not(runner):
    runner.results.clear()
    broken = Job(source=CALLEE, entry="trace", calls=["trace(undefined_name)"], views=[])
    assert one(await collect(runner, broken), "error")["etype"] == "NameError"
    replay = await collect(runner, again(broken))
    assert one(replay, "error")["etype"] == "NameError" and replay[-1]["cached"] is True

    endless = Job(source="def spin():\n    while True:\n        pass\n", entry="spin", kind="jit",
                  calls=["spin()"], views=[], timeout_s=1.0)
    first = await collect(runner, endless)
    assert first[-1]["cause"] == "timeout"
    assert len(runner.results) == 1  # only the error run is kept
    assert not any(e.get("cached") for e in await collect(runner, again(endless, timeout_s=1.0)))


async def test_code_using_numbas_disk_cache_always_runs_again(runner):
    runner.results.clear()
    job = Job(source="from numba import njit\n\n\n@njit(cache=True)\ndef f(x):\n    return x * 2\n",
              entry="f", calls=["f(2)"], views=[], workfile="rc/disk")
    await collect(runner, job)
    again_events = await collect(runner, again(job))
    assert not any(e.get("cached") for e in again_events)
    assert one(again_events, "compiled")["from_cache"] is True  # Numba's own cache, seen by the learner
    assert len(runner.results) == 0
