"""The same kernel compiled and timed in a plain Python process vs through the lab, in one run.

Fair by construction: the lab runs first and reports how many loops x runs it timed for the jit
function and for the Python baseline; the plain process then does exactly that work with timeit
(compile + first call, the same loops x runs for each), so the ratio is the lab's own cost.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

from lab.engine.protocol import Job, Timing

from .common import TRACE_KERNEL, TRACE_SETUP, Row, first_of, run_timed

N = 100

DIRECT = textwrap.dedent(
    """
    import sys, time, timeit, importlib.util
    import numpy as np
    t_ready = time.perf_counter()
    spec = importlib.util.spec_from_file_location("direct_kernel", sys.argv[1])
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    ns = {**vars(mod), "np": np, "n": int(sys.argv[2])}
    exec(sys.argv[3], ns)
    f = mod.go_fast
    f(ns["a"])                       # compile + first call
    for fn, loops, runs in ((f, int(sys.argv[4]), int(sys.argv[5])), (f.py_func, int(sys.argv[6]), int(sys.argv[7]))):
        fn(ns["a"])
        timeit.Timer(lambda: fn(ns["a"])).repeat(repeat=runs, number=loops)
    print(time.perf_counter() - t_ready)
    """
)


async def section(runner, tmp_dir) -> list[Row]:
    job = Job(source=TRACE_KERNEL + "\n# overhead\n", entry="go_fast", setup=f"n = {N}\n{TRACE_SETUP}",
              calls=["go_fast(a)"], views=[], timing=Timing(call="go_fast(a)", budget_s=10),
              workfile="bench/overhead")
    events, first = await run_timed(runner, job)
    lab_total = first["done"]
    t = first_of(events, "timings")
    jit, py = t["jit"], t["python"]

    kernel = tmp_dir / "direct_kernel.py"
    kernel.write_text(TRACE_KERNEL)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", DIRECT, str(kernel), str(N), TRACE_SETUP,
                          str(jit["loops"]), str(jit["runs"]), str(py["loops"]), str(py["runs"])],
                         capture_output=True, text=True, check=True)
    direct_total = time.perf_counter() - t0
    direct_work = float(out.stdout.strip().splitlines()[-1])
    work = (f"trace kernel n={N}: compile + first call, jit {jit['loops']}x{jit['runs']}, "
            f"python {py['loops']}x{py['runs']} calls")
    return [
        Row("overhead", "plain process: compile + time (after numba import)", direct_work * 1000, "ms", "", "",
            f"{work}; whole process incl. numba import {direct_total * 1000:.0f} ms"),
        Row("overhead", "warm lab: submit -> done, same work", lab_total * 1000, "ms", "", "",
            "includes IPC, writing the learner file, output capture"),
        Row("overhead", "lab / plain process (same work)", lab_total / direct_work, "x", "", "",
            f"vs a whole fresh plain process: {lab_total / direct_total:.2f}x"),
    ]
