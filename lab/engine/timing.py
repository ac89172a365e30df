"""Worker side: steady-state timing of the compiled entry and of its pure-Python baseline.

Like ``timeit.Timer.autorange``: a warm-up call, then loops per repeat grown until one repeat takes
>= 0.01 s. The compiled call and its pure-Python baseline are then timed interleaved (jit, Python,
jit, Python, ...) so drift on a busy machine hits both alike, at least 5 repeats each; min, median
and the spread (interquartile range over median) per call. A spread over 10% marks the figure
uncertain (the machine was busy), as pyperf does. The baseline is the whole call graph interpreted
(see ``baseline.py``) and is bounded by ``budget_s`` (SIGALRM interrupts pure Python), so a slow
baseline is measured fewer times or cut, and says so.
"""

from __future__ import annotations

import statistics
import time

from lab.engine import limits

# Short repeats, many of them: on a busy machine a 50 ms repeat is almost always preempted, while
# the min of many 10 ms repeats catches quiet windows (measured: the reference timeit's speed-up
# varied 12-18x with 7 autoranged repeats under load, 11-12x with 30 repeats of 10 ms).
REPEAT_TARGET_S = 0.01
TOTAL_TARGET_S = 0.5  # per side: repeats go on past MIN_REPEATS until this much time is spent
MIN_REPEATS = 5
MAX_REPEATS = 40
BUSY_SPREAD = 0.10  # relative spread above which a figure is called uncertain


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


def spread(runs: list[float]) -> float | None:
    """Interquartile range over median of per-call times (None with fewer than 3 runs)."""
    if len(runs) < 3:
        return None
    q1, _, q3 = statistics.quantiles(runs, n=4, method="inclusive")
    med = statistics.median(runs)
    return (q3 - q1) / med if med > 0 else None


def uncertain(*run_lists: list[float], limit: float = BUSY_SPREAD) -> bool:
    """True when any sample list spreads wider than `limit` (the machine was busy)."""
    return any((s := spread(runs)) is not None and s > limit for runs in run_lists)


def stats_of(runs: list[float], loops: int) -> dict:
    return {"min_s": min(runs), "median_s": statistics.median(runs), "max_s": max(runs),
            "spread": spread(runs), "runs": len(runs), "loops": loops}


def busy_note(jit: dict | None, py: dict | None, limit: float = BUSY_SPREAD) -> str | None:
    parts = [f"{name} {d['spread'] * 100:.0f}%" for name, d in (("jit", jit), ("Python", py))
             if d and d.get("spread") is not None and d["spread"] > limit]
    if not parts:
        return None
    return (f"The machine was busy: run-to-run spread {', '.join(parts)} (over {limit * 100:.0f}%), so these "
            "times and the speed-up are uncertain; run again when the machine is quieter.")


def _autorange(timer, first: float, deadline: float | None = None) -> int:
    """Loops per repeat so that one repeat takes >= REPEAT_TARGET_S (first: the warm-up's time)."""
    loops, per_repeat = 1, (timer(1) if first < REPEAT_TARGET_S * 2 or deadline is None else first)
    while per_repeat < REPEAT_TARGET_S:
        loops *= 10 if per_repeat < REPEAT_TARGET_S / 20 else 2
        if deadline and time.perf_counter() + per_repeat * 10 > deadline:
            break
        per_repeat = timer(loops)
    return loops


def measure(timer, *, deadline: float | None = None) -> dict:
    """Warm-up, autorange, repeats. Stops early at `deadline` (perf_counter) with what it has."""
    first = timer(1)  # warm-up: may include compilation, so it never sizes the loops
    loops = _autorange(timer, first, deadline)
    runs, spent = [], 0.0
    while len(runs) < MIN_REPEATS or (len(runs) < MAX_REPEATS and spent < TOTAL_TARGET_S):
        if runs and deadline and time.perf_counter() + runs[-1] * loops > deadline:
            break
        t = timer(loops)
        spent += t
        runs.append(t / loops)
    return {**stats_of(runs, loops), "first_s": first}


def measure_pair(jit_timer, py_timer, budget_s: float) -> tuple[dict, dict | None, str | None]:
    """Time the compiled call and its Python baseline interleaved (ABAB...). The baseline gets
    `budget_s` in all. Returns (jit stats with first_s, Python stats or None, note or None)."""
    first = jit_timer(1)
    loops_j = _autorange(jit_timer, first)
    start = time.perf_counter()
    deadline = start + budget_s * 0.9

    def within(fn, *args):
        remaining = budget_s - (time.perf_counter() - start)
        if remaining <= 0:
            raise BudgetExceeded()
        with limits.alarm(remaining, BudgetExceeded):
            return fn(*args)

    note, py_runs, loops_p, py_on = None, [], 1, True
    try:
        p_first = within(py_timer, 1)
    except BudgetExceeded:
        return ({**stats_of(_jit_only(jit_timer, loops_j), loops_j), "first_s": first}, None,
                f"Python baseline cut: one call did not finish within the {budget_s:g} s budget, "
                "so there is no speed-up figure.")
    if p_first * 2 > budget_s - (time.perf_counter() - start):
        py_runs, py_on = [p_first], False
        note = (f"Python baseline measured once ({p_first:.3g} s per call); more runs would exceed "
                f"the {budget_s:g} s budget.")
    else:
        try:
            loops_p = within(_autorange, py_timer, p_first, deadline)
        except BudgetExceeded:
            py_runs, py_on = [p_first], False
            note = f"Python baseline measured once; repeats were cut at the {budget_s:g} s budget."
    jit_runs, spent_j, spent_p = [], 0.0, 0.0
    while True:
        more_j = len(jit_runs) < MIN_REPEATS or (len(jit_runs) < MAX_REPEATS and spent_j < TOTAL_TARGET_S)
        more_p = py_on and (len(py_runs) < MIN_REPEATS or (len(py_runs) < MAX_REPEATS and spent_p < TOTAL_TARGET_S))
        if not (more_j or more_p):
            break
        t = jit_timer(loops_j)  # the jit side keeps pace while the baseline still runs (ABAB)
        spent_j += t
        jit_runs.append(t / loops_j)
        if more_p:
            if py_runs and time.perf_counter() + py_runs[-1] * loops_p > deadline:
                py_on = False
                continue
            try:
                t = within(py_timer, loops_p)
            except BudgetExceeded:
                py_on = False
                continue
            spent_p += t
            py_runs.append(t / loops_p)
    if not py_runs:
        return ({**stats_of(jit_runs, loops_j), "first_s": first}, None,
                f"Python baseline cut: no repeat finished within the {budget_s:g} s budget.")
    if note is None and len(py_runs) < MIN_REPEATS:
        note = f"Python baseline: only {len(py_runs)} run(s) fit in the {budget_s:g} s budget."
    return {**stats_of(jit_runs, loops_j), "first_s": first}, stats_of(py_runs, loops_p), note


def _jit_only(timer, loops: int) -> list[float]:
    return [timer(loops) / loops for _ in range(MIN_REPEATS)]


def run_timing(timing, ns: dict, entry: str, entry_obj, py_entry, *, compile_seconds, sync=None,
               simulator: bool = False, cuda_events: bool = False) -> dict:
    """The `timings` event fields. `py_entry` is the entry's plain-Python twin (None: no baseline);
    `compile_seconds()` reads Numba's compile-event total so far."""
    from lab.engine.baseline import Swap

    series = []
    sizes = list(timing.sizes) or [None]
    jit_stats = py_stats = None
    notes = []
    first_call_ms = None
    baseline = None
    per_size_budget = timing.budget_s / len(sizes)
    for n in sizes:
        size_ns = dict(ns)
        if n is not None:
            size_ns["n"] = n
        if timing.setup:
            exec(compile(timing.setup, "<timing setup>", "exec"), size_ns)
        timer = make_cuda_event_timer(timing.call, size_ns) if cuda_events else make_timer(timing.call, size_ns, sync)
        py = None
        if timing.baseline and py_entry is None:
            notes.append("No pure-Python baseline for this kind of function.")
        if timing.baseline and py_entry is not None:
            swap = Swap(py_entry, size_ns, entry=entry_obj)
            swap.ns[entry] = py_entry
            baseline = baseline or {"mode": "swap", "swapped": swap.count, "kept": swap.kept,
                                    "text": swap.describe()}
            raw = make_timer(timing.call, swap.ns)

            def py_timer(loops, raw=raw, swap=swap):
                with swap.active():
                    return raw(loops)

            try:
                stats, py, note = measure_pair(timer, py_timer, per_size_budget)
            except Exception as exc:  # noqa: BLE001 - the baseline failed, not the learner's kernel
                stats, py = measure(timer), None
                note = f"Python baseline could not run ({type(exc).__name__}: {exc}), so there is no speed-up figure."
            if note and note not in notes:
                notes.append(note if n is None else f"n={n}: {note}")
        else:
            stats = measure(timer)
        if first_call_ms is None:
            first_call_ms = stats["first_s"] * 1000
        stats.pop("first_s", None)
        jit_stats = jit_stats or stats
        py_stats = py_stats if py_stats is not None else py
        if n is not None:
            series.append({"size": n, "jit_s": stats["min_s"], "python_s": py["min_s"] if py else None,
                           "uncertain": bool(busy_note(stats, py))})
    speedup = speedup_median = None
    if jit_stats and py_stats and jit_stats["min_s"] > 0:
        speedup = py_stats["min_s"] / jit_stats["min_s"]
        speedup_median = py_stats["median_s"] / jit_stats["median_s"] if jit_stats["median_s"] > 0 else None
    busy = busy_note(jit_stats, py_stats)
    if simulator:
        notes.append("CUDA simulator: times are of Python emulating the GPU, not of a GPU.")
    return {
        "compile_ms": compile_seconds() * 1000,
        "first_call_ms": first_call_ms,
        "jit": jit_stats,
        "python": py_stats,
        "python_note": " ".join(dict.fromkeys(notes)) or None,
        "baseline": baseline,
        "speedup": speedup,
        "speedup_median": speedup_median,
        "interleaved": py_stats is not None,
        "uncertain": busy is not None,
        "busy_note": busy,
        "series": series,
        "simulator": simulator,
        "cuda_events": cuda_events,
    }
