"""The lab's reported speed-up vs an independent timeit measurement of the same kernels, same run."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from lab.engine.protocol import Job, Timing

from .common import (
    TRACE_KERNEL, TRACE_SETUP, UFUNC_KERNEL, UFUNC_SETUP, Row, first_of, judge, run_timed,
)

# Independent: plain timeit in a separate plain process, best of 7 autoranged repeats.
INDEPENDENT = textwrap.dedent(
    """
    import importlib.util, json, sys, timeit
    import numpy as np
    spec = importlib.util.spec_from_file_location("indep_kernel", sys.argv[1])
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    ns = {**vars(mod), "np": np, "n": int(sys.argv[2])}
    exec(sys.argv[3], ns)
    fast = eval(sys.argv[4], ns)
    slow = eval(sys.argv[5], ns)
    args = eval(sys.argv[6], ns)
    fast(*args)
    def best(fn):
        t = timeit.Timer(lambda: fn(*args))
        loops, _ = t.autorange()
        return min(t.repeat(repeat=7, number=loops)) / loops
    print(json.dumps({"fast": best(fast), "slow": best(slow)}))
    """
)

CASES = [
    # name, kernel, entry, setup, n, call, independent fast/slow callables, args
    ("trace kernel (n=100)", TRACE_KERNEL, "go_fast", TRACE_SETUP, 100, "go_fast(a)",
     "go_fast", "go_fast.py_func", "(a,)"),
    ("@vectorize kernel (n=100000)", UFUNC_KERNEL, "hypot_ish", UFUNC_SETUP, 100_000, "hypot_ish(x, y)",
     "hypot_ish", "np.vectorize(hypot_ish_py, otypes=[float])", "(x, y)"),
]


async def section(runner, tmp_dir) -> list[Row]:
    rows = []
    for name, kernel, entry, setup, n, call, fast, slow, args in CASES:
        path = tmp_dir / f"acc_{entry}.py"
        path.write_text(kernel + _py_twin(kernel, entry))
        kind = "vectorize" if "@vectorize" in kernel else "jit"
        job = Job(source=kernel, entry=entry, kind=kind, setup=f"n = {n}\n{setup}", calls=[], views=[], timing=Timing(call=call, budget_s=10),
                  workfile=f"bench/acc_{entry}")
        events, _ = await run_timed(runner, job)
        timings = first_of(events, "timings")
        lab = timings.get("speedup") if timings else None
        out = subprocess.run([sys.executable, "-c", INDEPENDENT, str(path), str(n), setup, fast, slow, args],
                             capture_output=True, text=True)
        if out.returncode:
            rows.append(Row("accuracy", f"speed-up, {name}", None, "x", "within 10%", "MISSED",
                            f"independent run failed: {out.stderr.strip().splitlines()[-1:]}"))
            continue
        ind = json.loads(out.stdout)
        indep = ind["slow"] / ind["fast"]
        if lab is None:
            rows.append(Row("accuracy", f"speed-up, {name}", None, "x", "within 10%", "MISSED",
                            f"lab gave no speed-up ({timings and timings.get('python_note')}); "
                            f"independent {indep:.1f}x"))
            continue
        diff = abs(lab - indep) / indep * 100
        rows.append(Row("accuracy", f"speed-up, {name}: lab vs timeit", diff, "% apart", "< 10%",
                        judge(diff, 10), f"lab {lab:.1f}x, independent timeit {indep:.1f}x"))
    return rows


def _py_twin(kernel: str, entry: str) -> str:
    """Append an undecorated copy of the entry as `<entry>_py` (the ufunc has no py_func)."""
    if "@vectorize" not in kernel:
        return ""
    body = kernel.split("@vectorize", 1)[1].split("\n", 1)[1]
    return "\n\n" + body.replace(f"def {entry}(", f"def {entry}_py(", 1)
