"""Worker side: steady-state timing of the compiled entry and of its pure-Python baseline.

Like ``timeit.Timer.autorange``: a warm-up call, then loops per repeat grown until one repeat takes
>= 0.05 s, then repeats until ~0.5 s or 7 repeats; min and median per call. The baseline swaps the
entry's name for its ``py_func`` in the call's namespace and is bounded by ``budget_s`` (SIGALRM
interrupts pure Python), so a slow baseline is measured fewer times or cut, and says so.
"""

from __future__ import annotations

import statistics
import time

from lab.engine import limits

REPEAT_TARGET_S = 0.05
TOTAL_TARGET_S = 0.5
MAX_REPEATS = 7


class BudgetExceeded(Exception):
    pass


def make_timer(call: str, ns: dict, sync=None):
    """A function f(loops) -> seconds for `loops` evaluations of `call` in namespace ns."""
    src = "def __lab_timer(_loops, _clock):\n    _t0 = _clock()\n    for _ in range(_loops):\n        " \
          f"{call}\n" + ("        _sync()\n" if sync else "") + "    return _clock() - _t0\n"
    code = compile(src, "<timing>", "exec")
    local_ns = dict(ns)
    if sync:
        local_ns["_sync"] = sync
    exec(code, local_ns)
    fn = local_ns["__lab_timer"]
    return lambda loops: fn(loops, time.perf_counter)


def make_cuda_event_timer(call: str, ns: dict):
    """Time launches on the GPU with CUDA events (kernel launches are asynchronous)."""
    from numba import cuda

    src = f"def __lab_loop(_loops):\n    for _ in range(_loops):\n        {call}\n"
    local_ns = dict(ns)
    exec(compile(src, "<timing>", "exec"), local_ns)
    loop = local_ns["__lab_loop"]

    def timer(loops: int) -> float:
        start, end = cuda.event(), cuda.event()
        start.record()
        loop(loops)
        end.record()
        end.synchronize()
        return cuda.event_elapsed_time(start, end) / 1000.0

    return timer


def measure(timer, *, deadline: float | None = None) -> dict:
    """Warm-up, autorange, repeats. Stops early at `deadline` (perf_counter) with what it has."""
    first = timer(1)  # warm-up: may include compilation, so it never sizes the loops
    loops, per_repeat = 1, (timer(1) if first < REPEAT_TARGET_S * 2 or deadline is None else first)
    while per_repeat < REPEAT_TARGET_S:
        loops *= 10 if per_repeat < REPEAT_TARGET_S / 20 else 2
        if deadline and time.perf_counter() + per_repeat * 10 > deadline:
            break
        per_repeat = timer(loops)
    runs = [per_repeat / loops]
    spent = per_repeat
    while len(runs) < MAX_REPEATS and spent < TOTAL_TARGET_S:
        if deadline and time.perf_counter() + per_repeat > deadline:
            break
        t = timer(loops)
        spent += t
        runs.append(t / loops)
    return {"min_s": min(runs), "median_s": statistics.median(runs), "runs": len(runs), "loops": loops,
            "first_s": first}


def measure_baseline(timer, budget_s: float) -> tuple[dict | None, str | None]:
    """Time the Python version within budget_s. Returns (stats or None, note or None)."""
    start = time.perf_counter()
    with limits.alarm(max(budget_s, 0.01), BudgetExceeded):
        try:
            first = timer(1)
        except BudgetExceeded:
            return None, (f"Python baseline cut: one call did not finish within the {budget_s:g} s budget, "
                          "so there is no speed-up figure.")
        remaining = budget_s - (time.perf_counter() - start)
        if first * 2 > remaining:
            return ({"min_s": first, "median_s": first, "runs": 1, "loops": 1},
                    f"Python baseline measured once ({first:.3g} s per call); more runs would exceed "
                    f"the {budget_s:g} s budget.")
        try:
            stats = measure(timer, deadline=start + budget_s * 0.9)
        except BudgetExceeded:
            return ({"min_s": first, "median_s": first, "runs": 1, "loops": 1},
                    f"Python baseline measured once; repeats were cut at the {budget_s:g} s budget.")
        stats.pop("first_s", None)
        note = None
        if stats["runs"] < 3:
            note = f"Python baseline: only {stats['runs']} run(s) fit in the {budget_s:g} s budget."
        return stats, note


def run_timing(timing, ns: dict, entry: str, py_func, *, compile_seconds, sync=None,
               simulator: bool = False, cuda_events: bool = False) -> dict:
    """The `timings` event fields. `compile_seconds()` reads Numba's compile-event total so far."""
    series = []
    sizes = list(timing.sizes) or [None]
    jit_stats = py_stats = None
    notes = []
    first_call_ms = None
    per_size_budget = timing.budget_s / len(sizes)
    for n in sizes:
        size_ns = dict(ns)
        if n is not None:
            size_ns["n"] = n
        if timing.setup:
            exec(compile(timing.setup, "<timing setup>", "exec"), size_ns)
        timer = make_cuda_event_timer(timing.call, size_ns) if cuda_events else make_timer(timing.call, size_ns, sync)
        stats = measure(timer)
        if first_call_ms is None:
            first_call_ms = stats["first_s"] * 1000
        stats.pop("first_s", None)
        jit_stats = jit_stats or stats
        py = None
        if timing.baseline:
            if py_func is None:
                notes.append("No pure-Python baseline for this kind of function.")
            else:
                py_ns = dict(size_ns)
                py_ns[entry] = py_func
                py, note = measure_baseline(make_timer(timing.call, py_ns), per_size_budget)
                if note and note not in notes:
                    notes.append(note if n is None else f"n={n}: {note}")
        py_stats = py_stats if py_stats is not None else py
        if n is not None:
            series.append({"size": n, "jit_s": stats["min_s"], "python_s": py["min_s"] if py else None})
    speedup = None
    if jit_stats and py_stats and jit_stats["min_s"] > 0:
        speedup = py_stats["min_s"] / jit_stats["min_s"]
    if simulator:
        notes.append("CUDA simulator: times are of Python emulating the GPU, not of a GPU.")
    return {
        "compile_ms": compile_seconds() * 1000,
        "first_call_ms": first_call_ms,
        "jit": jit_stats,
        "python": py_stats,
        "python_note": " ".join(dict.fromkeys(notes)) or None,
        "speedup": speedup,
        "series": series,
        "simulator": simulator,
        "cuda_events": cuda_events,
    }
