"""Real engine jobs for the results-pane tests: each runs once per test session through one warm
Runner (real worker subprocess, real numba), and the tests feed their events to ResultsPanel.

    events = real_events("fastmath_on")      # cached: every job runs once per process
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import os
import shutil
import tempfile
import threading
from pathlib import Path

from lab.engine.protocol import Job, Timing
from lab.engine.runner import Runner
from lab.options import Options

SUM = """from numba import njit


@njit
def total(a):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * 2.0
    return s
"""

PAR = """import numpy as np
from numba import njit, prange


@njit(parallel=True)
def scale(a):
    out = np.empty_like(a)
    for i in prange(a.shape[0]):
        out[i] = a[i] * 2.0 + 1.0
    return out
"""

TYPO = """from numba import jit


@jit
def add(x, y):
    return x + "a"
"""

PRINTS = """from numba import njit


@njit
def square(x):
    return x * x


def shout(n):
    for i in range(n):
        print("line", i)
    return n
"""

FLOOD = """from numba import njit


@njit
def one():
    return 1


def flood(mb):
    line = "x" * 99 + "\\n"
    import sys
    for _ in range(mb * 10_000):
        sys.stdout.write(line)
"""

SPIN = """from numba import njit


@njit
def spin(n):
    s = 0
    while n > 0:
        s += 1
    return s
"""

BIG = """import numpy as np
from numba import njit


@njit
def big(a):
    return (np.sort(a)[0] + np.argsort(a)[0] + np.unique(a).size + np.argsort(a, kind="mergesort")[0]
            + np.median(a))
"""

INC = """from numba import cuda


@cuda.jit
def inc(a):
    i = cuda.grid(1)
    if i < a.size:
        a[i] += 1
"""

CACHED = SUM.replace("@njit", "@njit(cache=True)")

RAISING = INC.replace("a[i] += 1", 'a[i] += "a"')

SIZES = [1_000, 10_000, 100_000]


def _jobs() -> dict[str, Job]:
    setup = "import numpy as np\na = np.arange(1000.0)"
    base = dict(entry="total", setup=setup, calls=["total(a)"], views=["llvm", "asm", "types"])
    return {
        "fastmath_off": Job(source=SUM, options=Options(decorator="njit"), workfile="results/sum", **base),
        "fastmath_on": Job(source=SUM, options=Options(decorator="njit", fastmath=True), workfile="results/sum",
                           **base),
        "parallel": Job(source=PAR, entry="scale", target="parallel", setup="import numpy as np\na = np.ones(1000)",
                        calls=["scale(a)[:3]"], views=["parallel", "llvm", "asm"], workfile="results/par"),
        "big_module": Job(source=BIG, entry="big", views=["llvm", "asm"], workfile="results/big",
                          setup="import numpy as np\na = np.linspace(0.0, 1.0, 100)", calls=["big(a) > 0"],
                          timeout_s=60.0),
        "expected_error": Job(source=TYPO, entry="add", calls=["add(2, 3)"], views=["llvm"], workfile="results/typo2",
                              expect_error={"type": "TypingError", "match": "add"}),
        "cuda": Job(source=INC, entry="inc", kind="cuda", target="cuda", setup="import numpy as np\na = np.zeros(8)",
                    calls=["inc[1, 8](a)", "a.sum()"], timing=Timing(call="inc[1, 8](a)", baseline=False),
                    workfile="results/inc"),
        "cuda_raise": Job(source=RAISING, entry="inc", kind="cuda", target="cuda", setup="import numpy as np\na = np.zeros(8)",
                          calls=["inc[1, 8](a)"], views=["ptx", "types"], workfile="results/inc_raise"),
        # the same cache=True job twice: the second loads from the disk cache (NUMBA_CACHE_DIR is per test session)
        **{name: Job(source=CACHED, entry="total", setup="import numpy as np\na = np.arange(1000.0)", calls=["total(a)"],
                     views=["llvm", "asm", "types"], timing=Timing(call="total(a)", baseline=False, budget_s=0.2),
                     workfile="results/cached") for name in ("cache_first", "cache_again")},
        "typing_error": Job(source=TYPO, entry="add", calls=["add(2, 3)"], views=["llvm"], workfile="results/typo"),
        "output": Job(source=PRINTS, entry="square", calls=["square(7)", "shout(3)", "print('to stdout')",
                                                             "import sys; sys.stderr.write('warned\\n')"],
                      views=[], workfile="results/out"),
        "timings": Job(source=SUM, entry="total", setup="import numpy as np\na = np.arange(1000.0)",
                       calls=["total(a)"], views=[],
                       timing=Timing(call="total(a)", setup="a = np.arange(float(n))", sizes=SIZES, budget_s=1.0),
                       workfile="results/time"),
        "timing_once": Job(source=SUM, entry="total", setup="import numpy as np\na = np.arange(1000.0)",
                           calls=[], views=[], timing=Timing(call="total(a)", budget_s=0.3), workfile="results/time1"),
        "checks": Job(source=SUM, entry="total", setup="import numpy as np\na = np.arange(4.0)", calls=["total(a)"],
                      views=[], workfile="results/chk",
                      checks=[{"kind": "equal", "expr": "total(a)", "expected": "12.0"},
                              {"kind": "equal", "expr": "total(a)", "expected": "13.0",
                               "message": "total(a) should double every element"},
                              {"kind": "nopython"}]),
        "flood": Job(source=FLOOD, entry="one", calls=["one()", "flood(10)"], views=[], output_cap=10_500_000,
                     workfile="results/flood"),
        "long_line": Job(source=FLOOD, entry="one", calls=["print('y' * 3_000_000)", "list(range(300_000))"],
                         views=[], workfile="results/long"),
        "flood_capped": Job(source=FLOOD, entry="one", calls=["flood(3)"], views=[], workfile="results/flood2"),
        "crash": Job(source=SPIN, entry="spin", calls=["import ctypes; ctypes.string_at(0)"], views=[],
                     workfile="results/crash"),
        "timeout": Job(source=SPIN, entry="spin", calls=["spin(1)"], views=[], timeout_s=2.0, workfile="results/spin"),
    }


async def _run_all(jobs: dict[str, Job], work: Path) -> dict[str, list[dict]]:
    runner = Runner(work_dir=work, cuda="auto")  # simulator here; a real GPU where there is one
    await runner.start()
    try:
        out = {}
        for name, job in jobs.items():
            out[name] = [e async for e in runner.run(job, use_cache=False)]  # real runs, each one
        return out
    finally:
        await runner.close()


_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _all_events() -> dict[str, list[dict]]:
    work = Path(tempfile.mkdtemp(prefix="results-ui-work-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    result: dict = {}

    def go() -> None:  # its own thread: the caller may already run an event loop (pytest-asyncio)
        result.update(asyncio.run(_run_all(_jobs(), work)))

    t = threading.Thread(target=go)
    t.start()
    t.join()
    return result


def real_events(name: str) -> list[dict]:
    """The events of one real job (a fresh list each call; the jobs run once per process)."""
    with _lock:
        events = _all_events()[name]
    return [dict(e) for e in events]


def main(argv: list[str] | None = None) -> None:
    """python -m tests.ui.results_jobs [--only NAME,...] [--dump DIR]: run the jobs, print a digest,
    optionally write each job's events to DIR/NAME.json (e.g. from a GPU machine, to look at real PTX)."""
    import argparse
    import json
    import time

    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="")
    ap.add_argument("--dump", default="")
    args = ap.parse_args(argv)
    jobs = _jobs()
    if args.only:
        jobs = {k: v for k, v in jobs.items() if k in args.only.split(",")}
    t0 = time.perf_counter()
    events = asyncio.run(_run_all(jobs, Path(tempfile.mkdtemp(prefix="results-ui-work-"))))
    for name, evs in events.items():
        print(name, [(e["type"], e.get("etype") or e.get("cause") or "") for e in evs])
        if args.dump:
            Path(args.dump).mkdir(parents=True, exist_ok=True)
            (Path(args.dump) / f"{name}.json").write_text(json.dumps(evs))
    print(f"{time.perf_counter() - t0:.1f} s for {len(jobs)} jobs", os.cpu_count(), "cpus")


if __name__ == "__main__":
    main()
