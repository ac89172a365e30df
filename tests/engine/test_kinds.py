"""Issue 10 §1/§2 in the real engine: every kind of compiled object gets views, the entry's own
compile time is apart from compile work at import, an entry made by the setup is found, a CUDA
ufunc on the simulator names the limitation."""

from __future__ import annotations

import pytest

from engine_support import by_type, collect, one
from lab.engine.protocol import Job

pytestmark = pytest.mark.asyncio(loop_scope="module")

EAGER_OTHER = """import numpy as np
from numba import njit

@njit("float64(float64[:])")
def other(a):
    return a.sum() * 2.0

@njit
def entry(x):
    return x + 1
"""

JITCLASS_AND_DICT = """import numpy as np
from numba import float64, njit
from numba.experimental import jitclass

@jitclass([("total", float64)])
class Acc:
    def __init__(self):
        self.total = 0.0

    def add(self, x):
        self.total += x
        return self.total

@njit
def use_dict(d):
    return d["a"] + 1.0
"""

CUDA_UFUNC = """import math
from numba import vectorize

@vectorize(['float64(float64, float64)'], target='cuda')
def hyp(a, b):
    return math.sqrt(a * a + b * b)
"""


async def test_compile_at_import_is_reported_apart(runner):
    events = await collect(runner, Job(source=EAGER_OTHER, entry="entry", calls=["entry(1)"], views=[],
                                       timeout_s=120))
    compiled = one(events, "compiled")
    assert compiled["import_compile_ms"] and compiled["import_compile_ms"] > 0, compiled
    assert compiled["compile_ms"] > 0 and compiled["signatures"] == ["(int64,) -> int64"]


async def test_jitclass_methods_have_views(runner):
    events = await collect(runner, Job(source=JITCLASS_AND_DICT, entry="Acc", calls=["Acc().add(2.5)"],
                                       views=["llvm", "asm", "types"], timeout_s=120))
    assert events[-1]["ok"], [e.get("summary") for e in by_type(events, "error")]
    assert len(one(events, "compiled")["signatures"]) >= 2  # __init__ and add
    llvm = one(events, "llvm")
    assert "add(Acc, float64)" in llvm["functions"], llvm["functions"]
    assert "self.total += x" in one(events, "types")["text"]


async def test_typed_dict_signature_reads_as_a_type(runner):
    setup = "from numba.typed import Dict\nd = Dict()\nd['a'] = 1.0"
    events = await collect(runner, Job(source=JITCLASS_AND_DICT, entry="use_dict", setup=setup,
                                       calls=["use_dict(d)"], views=["llvm"], timeout_s=120))
    assert one(events, "output")["result"] == "2.0"
    names = one(events, "llvm")["functions"]
    assert any(n.startswith("use_dict(DictType[unicode_type,float64]") for n in names), names


async def test_entry_missing_after_setup_is_named(runner):
    events = await collect(runner, Job(source="def setup():\n    pass\n", entry="run_x", setup="setup()",
                                       calls=["run_x(1)"], views=[]))
    err = one(events, "error")
    assert err["stage"] == "setup" and "run_x" in err["summary"] and "setup" in err["summary"]


async def test_cuda_ufunc_on_the_simulator_names_the_limitation(runner):
    events = await collect(runner, Job(source=CUDA_UFUNC, entry="hyp", kind="vectorize", target="cuda",
                                       calls=["hyp(1.0, 1.0)"], views=[]))
    err = one(events, "error")
    if not events[0].get("simulator"):
        pytest.skip("a real GPU runs CUDA ufuncs")
    assert "FakeOverload" in err["summary"]
    assert "simulator" in err["hint"] and "lesson 10" in err["hint"] and "@cuda.jit" in err["hint"]
