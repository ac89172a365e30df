"""The lab's reported speed-up vs an independent interleaved timeit of the same kernels, on a quiet
machine and with one core kept busy by a CPU hog the benchmark starts itself (killed at the end).

Independent: a separate plain process imports the kernel file twice, once as written (the compiled
side) and once with every Numba decorator stripped (the pure-Python side, the whole call graph
interpreted), and times them with timeit interleaved (A B A B ..., 30 repeats of ~10 ms each, best
of each), in 3 separate processes, median of the 3. On a loaded machine both figures are noisy;
each row shows the reference's 3 figures and the lab's own spread.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import subprocess
import sys
import textwrap
import time

from lab.engine.protocol import Job, Timing

from .common import TRACE_KERNEL, TRACE_SETUP, UFUNC_KERNEL, UFUNC_SETUP, Row, first_of, judge

INDEPENDENT = textwrap.dedent(
    """
    import importlib.util, json, re, sys, timeit
    import numpy as np
    path, n, setup, entry, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    def load(name, text):
        spec = importlib.util.spec_from_loader(name, loader=None, origin=path)
        mod = importlib.util.module_from_spec(spec); mod.__file__ = path
        exec(compile(text, path, "exec"), vars(mod)); return mod
    src = open(path).read()
    jit_mod = load("indep_jit", src)
    py_mod = load("indep_py", re.sub(r"(?m)^@(jit|njit|vectorize)\\b.*$", "", src))
    ns = {"np": np, "n": n}
    exec(setup, ns)
    args = (ns["a"],) if "a" in ns else (ns["x"], ns["y"])
    fast = getattr(jit_mod, entry)
    slow = getattr(py_mod, entry)
    if kind == "vectorize":
        slow = np.vectorize(slow, otypes=[float])
    fast(*args)
    tf, ts = timeit.Timer(lambda: fast(*args)), timeit.Timer(lambda: slow(*args))
    def size(t):
        n = 1
        while t.timeit(n) < 0.01:
            n *= 2
        return n
    lf, ls = size(tf), size(ts)
    f, s = [], []
    for _ in range(30):
        f.append(tf.timeit(lf) / lf); s.append(ts.timeit(ls) / ls)
    print(json.dumps({"fast": min(f), "slow": min(s)}))
    """
)

CALLEE_KERNEL = '''from numba import njit


@njit
def row_norm2(a, i):
    s = 0.0
    for j in range(a.shape[1]):
        s += a[i, j] * a[i, j]
    return s


@njit
def go_fast(a):
    total = 0.0
    for i in range(a.shape[0]):
        total += row_norm2(a, i)
    return total
'''

CASES = [
    # name, kernel, entry, setup, n, call
    ("trace kernel (n=100)", TRACE_KERNEL, "go_fast", TRACE_SETUP, 100, "go_fast(a)"),
    ("@vectorize kernel (n=100000)", UFUNC_KERNEL, "hypot_ish", UFUNC_SETUP, 100_000, "hypot_ish(x, y)"),
    ("trace with a jitted callee (n=100)", CALLEE_KERNEL, "go_fast", TRACE_SETUP, 100, "go_fast(a)"),
]

HOG = "while True:\n    pass\n"
REFERENCE_RUNS = 3  # the reference is noisy too on a loaded box: the median of 3 separate processes


@contextlib.contextmanager
def cpu_hog():
    """One process spinning on a core for as long as the block runs."""
    proc = subprocess.Popen([sys.executable, "-c", HOG])
    try:
        time.sleep(0.2)
        yield proc
    finally:
        proc.kill()
        proc.wait()


async def section(runner, tmp_dir) -> list[Row]:
    rows = await _cases(runner, tmp_dir, "quiet")
    with cpu_hog():
        rows += await _cases(runner, tmp_dir, "one core busy")
    return rows


async def _cases(runner, tmp_dir, load: str) -> list[Row]:
    rows = []
    for name, kernel, entry, setup, n, call in CASES:
        label = f"speed-up, {name}, {load}"
        path = tmp_dir / f"acc_{entry}_{abs(hash(kernel))}.py"
        path.write_text(kernel)
        kind = "vectorize" if "@vectorize" in kernel else "jit"
        job = Job(source=kernel, entry=entry, kind=kind, setup=f"n = {n}\n{setup}", calls=[], views=[],
                  timing=Timing(call=call, budget_s=10), workfile=f"bench/acc_{entry}")
        events = [e async for e in runner.run(job, use_cache=False)]
        timings = first_of(events, "timings") or {}
        lab = timings.get("speedup")
        refs = []
        for _ in range(REFERENCE_RUNS):
            out = subprocess.run([sys.executable, "-c", INDEPENDENT, str(path), str(n), setup, entry, kind],
                                 capture_output=True, text=True)
            if out.returncode:
                break
            ind = json.loads(out.stdout)
            refs.append(ind["slow"] / ind["fast"])
        if out.returncode:
            rows.append(Row("accuracy", label, None, "x", "within 10%", "MISSED",
                            f"independent run failed: {out.stderr.strip().splitlines()[-1:]}"))
            continue
        indep = statistics.median(refs)
        if lab is None:
            rows.append(Row("accuracy", label, None, "x", "within 10%", "MISSED",
                            f"lab gave no speed-up ({timings.get('python_note')}); independent {indep:.1f}x"))
            continue
        diff = abs(lab - indep) / indep * 100
        spread = " ".join(f"{k} {(timings.get(k) or {}).get('spread', 0) * 100:.0f}%" for k in ("jit", "python")
                          if (timings.get(k) or {}).get("spread") is not None)
        flag = " UNCERTAIN (lab says the machine was busy)" if timings.get("uncertain") else ""
        baseline = (timings.get("baseline") or {}).get("swapped")
        rows.append(Row("accuracy", f"{label}: lab vs timeit", diff, "% apart", "< 10%", judge(diff, 10),
                        f"lab {lab:.1f}x, independent interleaved timeit {indep:.1f}x (median of "
                        f"{', '.join(f'{r:.1f}' for r in refs)}); lab spread {spread}; "
                        f"callees swapped {baseline}{flag}"))
    return rows
