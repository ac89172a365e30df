"""Shared pieces of the benchmarks: a result row with its budget, kernels, and the engine driver."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import asdict, dataclass

SMALL_KERNEL = '''from numba import jit


@jit
def axpy(a, x, y):
    out = 0.0
    for i in range(x.shape[0]):
        out += a * x[i] + y[i]
    return out
'''
SMALL_SETUP = "x = np.arange(1000.0)\ny = np.ones(1000)"
SMALL_CALL = "axpy(2.0, x, y)"

TRACE_KERNEL = '''import numpy as np
from numba import jit


@jit
def go_fast(a):
    trace = 0.0
    for i in range(a.shape[0]):
        trace += np.tanh(a[i, i])
    return a + trace
'''
TRACE_SETUP = "a = np.arange(n * n, dtype=np.float64).reshape(n, n) / (n * n)"

UFUNC_KERNEL = '''import math
from numba import vectorize


@vectorize(["float64(float64, float64)"])
def hypot_ish(x, y):
    return math.sqrt(x * x + y * y) + math.sin(x) * math.cos(y)
'''
UFUNC_SETUP = "x = np.linspace(0, 1, n)\ny = np.linspace(1, 2, n)"


@dataclass
class Row:
    section: str
    name: str
    value: float | None
    unit: str
    budget: str = ""
    verdict: str = ""  # "ok" | "MISSED" | "" (no budget)
    note: str = ""

    def to_json(self) -> dict:
        return asdict(self)


def judge(value: float | None, limit: float | None, *, below: bool = True) -> str:
    if value is None or limit is None:
        return ""
    return "ok" if (value < limit if below else value > limit) else "MISSED"


async def run_timed(runner, job, *, use_cache: bool = False):
    """Run one job through a warm Runner; returns (events, {type: seconds from submit to first arrival}).
    The session result cache is bypassed unless asked for: a benchmark measures the work itself."""
    events, first = [], {}
    t0 = time.perf_counter()
    async for ev in runner.run(job, use_cache=use_cache):
        first.setdefault(ev["type"], time.perf_counter() - t0)
        events.append(ev)
    return events, first


async def warm_runner(**kwargs):
    """A started Runner whose worker has finished warming (numba imported, first compile done)."""
    from lab.engine.runner import Runner

    runner = Runner(**kwargs)
    await runner.start()
    deadline = time.perf_counter() + 60
    while runner.state == "warming" and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    return runner


def first_of(events, type_):
    return next((e for e in events if e["type"] == type_), None)


def bare_compile_ms(source: str, entry: str, call: str, setup: str, *, fresh_module: str) -> float:
    """Numba's compile time for `source` in THIS (already warm) process: import from a real file,
    call once, read the dispatcher's compile events. The reference for the lab's overhead."""
    import importlib.util
    import sys
    import tempfile
    from pathlib import Path

    from numba.core import event as nb_event

    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    path = folder / f"{fresh_module}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(fresh_module, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[fresh_module] = module
    spec.loader.exec_module(module)
    ns = dict(vars(module))
    import numpy as np

    ns["np"] = np
    exec(setup, ns)
    rec = nb_event.TimingListener()
    with nb_event.install_listener("numba:compile", rec):
        t0 = time.perf_counter()
        eval(call, ns)
        wall = time.perf_counter() - t0
    return (rec.duration if rec.done else wall) * 1000


def median(values):
    return statistics.median(values) if values else None
