"""Every event kind from real jobs through a real warm worker."""

from __future__ import annotations

import pytest

from lab.engine.protocol import Job, Timing
from lab.options import Options

from engine_support import ADD, by_type, collect, one

pytestmark = pytest.mark.asyncio(loop_scope="module")

ORDER = ["started", "compiled", "error", "output", "llvm", "asm", "types", "parallel", "ptx", "timings",
         "check", "lines", "done"]


def assert_order(events):
    kinds = [e["type"] for e in events]
    assert kinds[0] == "started" and kinds[-1] == "done"
    assert kinds.count("done") == 1
    ranks = [ORDER.index(k) if k not in ("error", "output") else None for k in kinds]
    seen = [r for r in ranks if r is not None]
    assert seen == sorted(seen), kinds
    if "compiled" in kinds:
        assert kinds.index("compiled") < min(i for i, k in enumerate(kinds) if k in ("output", "llvm") or i == len(kinds) - 1)


async def test_jit_job_emits_every_cpu_event(runner):
    job = Job(source=ADD.replace("return x + y", "print('adding')\n    return x + y"), entry="add",
              calls=["add(2, 3)", "add(2.5, 1.0)", "z = 7"],
              timing=Timing(call="add(2, 3)", budget_s=1.0),
              checks=[{"kind": "equal", "expr": "add(2, 3)", "expected": "5"},
                      {"kind": "output_contains", "text": "adding"}, {"kind": "nopython"},
                      {"kind": "signatures", "min": 2}, {"kind": "no_error"},
                      {"kind": "option", "name": "nogil", "value": False},
                      {"kind": "raises", "expr": "add('a', 1)", "error": "TypingError"}])
    events = await collect(runner, job)
    assert_order(events)
    started = one(events, "started")
    assert started["numba"] and started["simulator"] is False and started["target"] == "cpu"
    # machine facts for lesson placeholders (lab/placeholders.py): present and well-formed, never assumed
    assert isinstance(started["cpu"], str) and started["cpu"]
    assert started["cores"] >= 1 and started["threads"] >= 1
    compiled = one(events, "compiled")
    assert compiled["mode"] == "nopython" and compiled["compile_ms"] > 0
    assert compiled["signatures"] == ["(int64, int64) -> int64"]  # emitted right after the first call
    outs = by_type(events, "output")
    assert [o["call"] for o in outs] == ["add(2, 3)", "add(2.5, 1.0)", "z = 7"]
    assert outs[0]["result"] == "5" and outs[0]["stdout"] == "adding\n" and outs[2]["result"] is None
    llvm = one(events, "llvm")
    assert "define" in llvm["text"] and "declare" not in llvm["text"]
    assert "cpython" not in llvm["text"] and "cfunc" not in llvm["text"]  # wrappers filtered out
    assert "add(int64, int64)" in llvm["functions"] and "add(float64, float64)" in llvm["functions"]
    assert "_ZN" in llvm["full"] and len(llvm["full"]) > 3 * len(llvm["text"])
    asm = one(events, "asm")
    assert "add(int64, int64):" in asm["text"] and "ret" in asm["text"]
    assert "LINE" in one(events, "types")["text"] and "int64" in one(events, "types")["text"]
    assert not by_type(events, "parallel")  # parallel=False: no view
    t = one(events, "timings")
    assert t["jit"]["min_s"] > 0 and t["python"]["min_s"] > 0 and t["speedup"] > 0
    assert t["jit"]["median_s"] >= t["jit"]["min_s"] and t["first_call_ms"] >= 0
    checks = by_type(events, "check")
    assert [c["passed"] for c in checks] == [True] * 7, checks
    done = events[-1]
    assert done["ok"] is True and done["cause"] is None


async def test_typing_error_condensed_with_learner_line(runner):
    src = ADD.replace("return x + y", "return x + 'a'")
    events = await collect(runner, Job(source=src, entry="add", calls=["add(1, 2)"]))
    assert_order(events)
    err = one(events, "error")
    assert err["stage"] == "compile" and err["etype"] == "TypingError"
    assert err["line"] == 6 and err["source_line"].strip() == "return x + 'a'"
    assert "Failed in nopython" not in err["summary"] and len(err["summary"].splitlines()) <= 6
    assert "During:" in err["full"] or len(err["full"]) > len(err["summary"])
    assert err["expected"] is False and events[-1]["ok"] is False
    assert not by_type(events, "compiled")


async def test_expected_error_makes_done_ok(runner):
    src = ADD.replace("return x + y", "return x + 'a'")
    job = Job(source=src, entry="add", calls=["add(1, 2)"],
              expect_error={"type": "TypingError", "match": "(?i)add"})
    events = await collect(runner, job)
    assert one(events, "error")["expected"] is True
    assert events[-1]["ok"] is True


async def test_syntax_error_has_line_and_col(runner):
    src = "from numba import jit\n\n@jit\ndef add(x, y):\n    return x +* y\n"
    events = await collect(runner, Job(source=src, entry="add", calls=["add(1, 2)"]))
    err = one(events, "error")
    assert err["stage"] == "syntax" and err["etype"] == "SyntaxError"
    assert err["line"] == 5 and err["col"] and err["source_line"].strip() == "return x +* y"
    assert events[-1]["ok"] is False


async def test_runtime_error_names_learner_line(runner):
    src = ("from numba import njit\nimport numpy as np\n\n@njit(boundscheck=True)\ndef get(a, i):\n"
           "    b = a * 2\n    return b[i]\n")
    events = await collect(runner, Job(source=src, entry="get", setup="a = np.zeros(3)",
                                       calls=["get(a, 1)", "get(a, 10)"], views=[]))
    err = one(events, "error")
    assert err["stage"] == "run" and err["etype"] == "IndexError"
    assert "compiled" in [e["type"] for e in events]
    py = "def f(x):\n    return 1 / x\n"
    events = await collect(runner, Job(source="from numba import jit\n\n@jit(forceobj=True)\n" + py, entry="f",
                                       calls=["f(0)"], views=[]))
    err = one(events, "error")
    assert err["etype"] == "ZeroDivisionError" and err["line"] == 5 and "1 / x" in err["source_line"]


async def test_object_mode_and_options_applied(runner):
    job = Job(source=ADD, entry="add", options=Options(forceobj=True), calls=["add(1, 2)"], views=[],
              checks=[{"kind": "nopython"}, {"kind": "option", "name": "forceobj", "value": True}])
    events = await collect(runner, job)
    assert one(events, "compiled")["mode"] == "object"
    checks = by_type(events, "check")
    assert [c["passed"] for c in checks] == [False, True]
    assert events[-1]["ok"] is False


async def test_eager_signature_compiles_at_import_and_cache_true_works(runner):
    src = ("from numba import jit\n\n@jit('float64(float64)', cache=True)\ndef sq(x):\n    return x * x\n")
    for _ in range(2):  # second run loads from Numba's cache on disk
        events = await collect(runner, Job(source=src, entry="sq", calls=["sq(3.0)"], workfile="t/cached"))
        compiled = one(events, "compiled")
        assert compiled["signatures"] == ["(float64,) -> float64"]
        assert one(events, "output")["result"] == "9.0"
        assert not by_type(events, "error"), by_type(events, "error")
        assert events[-1]["ok"]
    assert list((runner.work_dir / "t").glob("cached.py"))


async def test_parallel_view_counts_loops(runner):
    src = ("import numpy as np\nfrom numba import njit, prange\n\n@njit(parallel=True)\ndef total(a):\n"
           "    s = 0.0\n    for i in prange(a.shape[0]):\n        s += a[i]\n    return s\n")
    job = Job(source=src, entry="total", setup="a = np.ones(1000)", calls=["total(a)"],
              views=["parallel"], checks=[{"kind": "parallel_loop", "min": 1}])
    events = await collect(runner, job)
    par = one(events, "parallel")
    assert par["loops"] >= 1 and "Parallel loop listing" in par["text"]
    assert one(events, "check")["passed"] and events[-1]["ok"]


async def test_prange_loops_count_only_the_codes_own_prange(runner):
    """np.zeros(1) is a parallel loop too: replacing prange by range leaves 1 loop but 0 prange loops."""
    body = ("import numpy as np\nfrom numba import njit, prange\n\n@njit(parallel=True)\ndef total(a):\n"
            "    acc = np.zeros(1)\n    for i in {rng}(a.shape[0]):\n        acc[0] += a[i]\n    return acc[0]\n")
    checks = [{"kind": "parallel_loop", "min": 1}, {"kind": "parallel_loop", "min": 1, "prange": True}]
    got = {}
    for rng in ("prange", "range"):
        job = Job(source=body.format(rng=rng), entry="total", setup="a = np.ones(1000)", calls=["total(a)"],
                  views=["parallel"], checks=checks)
        events = await collect(runner, job)
        par = one(events, "parallel")
        got[rng] = (par["loops"], par["prange_loops"], [c["passed"] for c in by_type(events, "check")])
    assert got["prange"] == (2, 1, [True, True])
    assert got["range"] == (1, 0, [True, False])


async def test_vectorized_loop_detected(runner):
    src = ("from numba import njit\n\n@njit(fastmath=True)\ndef s(a):\n    t = 0.0\n"
           "    for i in range(a.shape[0]):\n        t += a[i]\n    return t\n")
    job = Job(source=src, entry="s", setup="a = np.ones(1000)", calls=["s(a)"], views=["llvm", "asm"],
              checks=[{"kind": "vectorized"}])
    events = await collect(runner, job)
    llvm = one(events, "llvm")
    assert llvm["vectorized"] and any("x double>" in v for v in llvm["vector_types"])
    assert one(events, "check")["passed"]


@pytest.mark.parametrize("decorator,target", [
    ("@vectorize(['float64(float64)'])", "cpu"),
    ("@vectorize(['float64(float64)'], target='parallel')", "parallel"),
    ("@vectorize", "cpu"),
])
async def test_vectorize_views(runner, decorator, target):
    src = f"from numba import vectorize\n\n{decorator}\ndef inc(x):\n    return x + 1.0\n"
    job = Job(source=src, entry="inc", kind="vectorize", target=target, setup="a = np.arange(4.0)",
              calls=["inc(a)"], views=["llvm", "types"], timing=Timing(call="inc(a)", budget_s=0.5))
    events = await collect(runner, job)
    assert not by_type(events, "error"), by_type(events, "error")
    assert one(events, "compiled")["signatures"]
    assert one(events, "output")["result"] == "array([1., 2., 3., 4.])"
    assert "inc(float64)" in one(events, "llvm")["functions"]
    assert one(events, "timings")["python"] is not None
    assert events[-1]["ok"]


async def test_guvectorize_views(runner):
    src = ("from numba import guvectorize\n\n@guvectorize(['void(float64[:], float64[:])'], '(n)->(n)')\n"
           "def cum(a, out):\n    s = 0.0\n    for i in range(a.shape[0]):\n        s += a[i]\n        out[i] = s\n")
    job = Job(source=src, entry="cum", kind="guvectorize", setup="a = np.ones(3)", calls=["cum(a)"],
              views=["llvm"])
    events = await collect(runner, job)
    assert not by_type(events, "error"), by_type(events, "error")
    assert one(events, "output")["result"] == "array([1., 2., 3.])"
    assert one(events, "llvm")["functions"]


async def test_timing_series_and_baseline_cut(runner):
    src = ("from numba import njit\n\n@njit\ndef work(n):\n    s = 0\n    for i in range(n):\n"
           "        s += i % 7\n    return s\n")
    job = Job(source=src, entry="work", views=[],
              timing=Timing(call="work(n)", sizes=[10, 1000], setup="", budget_s=1.0))
    t = one(await collect(runner, job), "timings")
    assert [row["size"] for row in t["series"]] == [10, 1000]
    assert all(row["jit_s"] > 0 and row["python_s"] > 0 for row in t["series"])
    slow = Job(source=src, entry="work", views=[], timing=Timing(call="work(30_000_000)", budget_s=0.3))
    t = one(await collect(runner, slow), "timings")
    assert t["python"] is None and t["speedup"] is None and "cut" in t["python_note"]
    assert t["jit"]["min_s"] > 0


async def test_missing_entry_and_bad_job_are_reported(runner):
    events = await collect(runner, Job(source=ADD, entry="nope", calls=["1"]))
    assert one(events, "error")["etype"] == "NameError" and events[-1]["ok"] is False
    events = await collect(runner, Job(source=ADD, entry="add", kind="bogus"))
    assert one(events, "error")["etype"] == "JobError" and events[-1]["type"] == "done"


async def test_cuda_simulator_job(runner):
    src = ("from numba import cuda\n\n@cuda.jit\ndef inc(a):\n    i = cuda.grid(1)\n    if i < a.size:\n"
           "        a[i] += 1\n")
    job = Job(source=src, entry="inc", kind="cuda", target="cuda", setup="a = np.zeros(8)",
              calls=["inc[1, 8](a)", "a.sum()"], timing=Timing(call="inc[1, 8](a)", baseline=False),
              checks=[{"kind": "equal", "expr": "a.sum() >= 8", "expected": "True"}])
    events = await collect(runner, job)
    assert not by_type(events, "error"), by_type(events, "error")
    assert all(e.get("simulator") is True for e in events)
    assert "8.0" in by_type(events, "output")[-1]["result"]
    assert one(events, "compiled")["mode"] == "cuda"
    assert one(events, "timings")["simulator"] is True
    assert events[-1]["ok"]


RAISING_KERNEL = """from numba import cuda


@cuda.jit
def add(x, y, out):
    i = cuda.grid(1)
    if i < x.shape[0]:
        out[i] = x[i] + y[i] + "a"
"""


async def test_cuda_simulator_thread_exceptions_are_one_error_with_the_learners_line(runner):
    # lesson 11 step 2 with a str added: NumPy's ufunc error cannot be rebuilt by the simulator with a
    # thread-naming message; every thread used to print its own traceback and the run said ok
    job = Job(source=RAISING_KERNEL, entry="add", kind="cuda", target="cuda",
              setup="x = np.arange(100.0)\ny = 2 * x\nout = np.zeros(100)",
              calls=["add[2, 64](x, y, out)", "'not reached'"], views=["ptx", "types"])
    events = await collect(runner, job)
    err = one(events, "error")
    assert err["line"] == 8 and err["source_line"].strip() == 'out[i] = x[i] + y[i] + "a"'
    assert "ufunc 'add'" in err["summary"] and "CUDA simulator's thread tid=" in err["full"]
    assert not any("Exception in thread" in o["stderr"] for o in by_type(events, "output"))
    assert [o["call"] for o in by_type(events, "output")] == ["add[2, 64](x, y, out)"]
    assert events[-1]["ok"] is False


async def test_cuda_simulator_index_error_still_names_the_thread(runner):
    src = RAISING_KERNEL.replace(' + "a"', "").replace("    if i < x.shape[0]:\n    ", "")
    job = Job(source=src, entry="add", kind="cuda", target="cuda",
              setup="x = np.arange(100.0)\ny = 2 * x\nout = np.zeros(100)", calls=["add[2, 64](x, y, out)"],
              views=[])
    err = one(await collect(runner, job), "error")
    assert err["etype"] == "IndexError" and "tid=[" in err["summary"] and err["line"] == 7


async def test_timing_loops_are_sized_after_the_compiling_first_call(runner):
    # No calls before timing: the first timed call compiles. It must not size the loops, or every
    # later "repeat" is a single microsecond call dominated by the clock's own overhead.
    job = Job(source=ADD, entry="add", calls=[], views=[], timing=Timing(call="add(2, 3)", baseline=True))
    events = await collect(runner, job)
    t = one(events, "timings")
    assert t["jit"]["loops"] >= 1000 and t["python"]["loops"] >= 1000, t
    assert t["first_call_ms"] > t["jit"]["min_s"] * 1000 * 100  # the first call paid for compiling


async def test_worker_limits_are_in_force_for_learner_code(runner):
    # No core files, and an address-space cap of about the job's memory_mb on top of the warm worker.
    job = Job(source=ADD, entry="add", views=[], memory_mb=1024,
              setup="import resource", calls=["resource.getrlimit(resource.RLIMIT_CORE)",
                                              "resource.getrlimit(resource.RLIMIT_AS)[0] // 2**20"])
    events = await collect(runner, job)
    outs = by_type(events, "output")
    assert outs[-2]["result"] == "(0, 0)"
    cap_mib = int(outs[-1]["result"])
    assert 1024 < cap_mib < 1024 + 4096, cap_mib  # worker's own size + 1024 MiB, never unlimited
