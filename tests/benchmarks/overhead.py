"""The same kernel compiled and timed in a plain Python process vs through the lab, in one run."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

from lab.engine.protocol import Job, Timing

from .common import TRACE_KERNEL, TRACE_SETUP, Row, run_timed

N = 100

DIRECT = textwrap.dedent(
    """
    import sys, time, timeit, importlib.util
    t0 = time.perf_counter()
    import numpy as np
    spec = importlib.util.spec_from_file_location("direct_kernel", sys.argv[1])
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    n = int(sys.argv[2])
    ns = {**vars(mod), "np": np, "n": n}
    exec(sys.argv[3], ns)
    t_ready = time.perf_counter()
    f = mod.go_fast
    f(ns["a"])                       # compile + first call
    for fn in (f, f.py_func):
        timer = timeit.Timer(lambda: fn(ns["a"]))
        loops, _ = timer.autorange()
        timer.repeat(repeat=5, number=loops)
    print(time.perf_counter() - t_ready)
    """
)


async def section(runner, tmp_dir) -> list[Row]:
    kernel = tmp_dir / "direct_kernel.py"
    kernel.write_text(TRACE_KERNEL)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", DIRECT, str(kernel), str(N), TRACE_SETUP],
                         capture_output=True, text=True, check=True)
    direct_total = time.perf_counter() - t0
    direct_work = float(out.stdout.strip().splitlines()[-1])

    job = Job(source=TRACE_KERNEL + "\n# overhead\n", entry="go_fast", setup=TRACE_SETUP.replace("n", str(N)),
              calls=["go_fast(a)"], views=[], timing=Timing(call="go_fast(a)", budget_s=10),
              workfile="bench/overhead")
    events, first = await run_timed(runner, job)
    lab_total = first["done"]
    return [
        Row("overhead", "compile + time, plain process (after imports)", direct_work * 1000, "ms", "", "",
            f"whole process incl. numba import: {direct_total * 1000:.0f} ms"),
        Row("overhead", "compile + time, through the warm lab (submit -> done)", lab_total * 1000, "ms"),
        Row("overhead", "lab / plain process (after imports)", lab_total / direct_work, "x", "", "",
            f"vs whole plain process: {lab_total / direct_total:.2f}x"),
    ]
