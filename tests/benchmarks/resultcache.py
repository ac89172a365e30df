"""Returning to a source + options pair already run in this session: submit -> done from the result cache."""

from __future__ import annotations

import dataclasses

from lab.engine.protocol import Job, Timing
from lab.options import Options

from .common import TRACE_KERNEL, TRACE_SETUP, Row, judge, median, run_timed

ROUNDS = 7


async def section(runner) -> list[Row]:
    base = Job(source=TRACE_KERNEL, entry="go_fast", setup="n = 100\n" + TRACE_SETUP, calls=["go_fast(a)"],
               timing=Timing(call="go_fast(a)", budget_s=1.0), workfile="bench/cache")
    toggled = _again(base, options=Options(fastmath=True))
    fresh_events, fresh = await run_timed(runner, base, use_cache=True)  # compiled and kept
    await run_timed(runner, toggled, use_cache=True)  # the learner flips an option...
    revisits, cached = [], True
    for i in range(ROUNDS):  # ...and flips it back: each revisit answers from the cache
        events, first = await run_timed(runner, _again(base if i % 2 == 0 else toggled), use_cache=True)
        cached = cached and all(e.get("cached") for e in events)
        revisits.append(first["done"] * 1000)
    ms = median(revisits)
    return [Row("cache", "revisit a compiled source + options pair: submit -> done", ms, "ms", "< 50 ms",
                judge(ms, 50) if cached else "MISSED",
                f"median of {ROUNDS}, max {max(revisits):.1f} ms; all events marked cached: {cached}; "
                f"the same job run fresh took {fresh['done'] * 1000:.0f} ms")]


def _again(job: Job, **changes) -> Job:
    fields = {f.name: getattr(job, f.name) for f in dataclasses.fields(job) if f.name != "id"}
    return Job(**{**fields, **changes})
