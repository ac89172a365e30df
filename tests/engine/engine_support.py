"""Helpers shared by the engine tests."""

from __future__ import annotations

from lab.engine.protocol import Job
from lab.engine.runner import Runner


async def collect(runner: Runner, job: Job, *, use_cache: bool = False) -> list[dict]:
    """The job's events from a real run; these tests look at the worker, so the session result
    cache (tested on its own in test_timing_cache.py) is bypassed unless asked for."""
    return [e async for e in runner.run(job, use_cache=use_cache)]


def by_type(events: list[dict], type_: str) -> list[dict]:
    return [e for e in events if e["type"] == type_]


def one(events: list[dict], type_: str) -> dict:
    found = by_type(events, type_)
    assert len(found) == 1, (type_, [e["type"] for e in events], [e.get("summary") for e in events])
    return found[0]


ADD = """from numba import jit


@jit
def add(x, y):
    return x + y
"""

OK_JOB = dict(source=ADD, entry="add", calls=["add(2, 3)"], views=[])


def assert_ok_after(events: list[dict]) -> None:
    """The job after a fault still works."""
    done = events[-1]
    assert done["type"] == "done" and done["ok"], events
    assert one(events, "output")["result"] == "5"
