"""cache=True: a function loaded from Numba's disk cache still shows its IR, assembly and types (from
an uncached copy, which says so) and reports its cache load time instead of a compile time of 0."""

from __future__ import annotations

import pytest

from lab.engine.protocol import Job, Timing
from lab.engine.runner import Runner

from engine_support import by_type, collect, one

SRC = """from numba import njit


@njit(cache=True)
def total(n):
    s = 0.0
    for i in range(n):
        s += i * 0.5
    return s
"""


@pytest.mark.asyncio
async def test_second_cache_true_run_loads_from_the_disk_cache_and_still_shows_ir(tmp_path):
    # NUMBA_CACHE_DIR comes from NUMBA_LAB_HOME, a fresh folder per test (tests/conftest.py)
    runner = Runner(work_dir=tmp_path / "work", cuda="off", spare=False)
    job = dict(source=SRC, entry="total", calls=["total(10)"], views=["llvm", "asm", "types"],
               timing=Timing(call="total(10)", baseline=False, budget_s=0.2), workfile="cache/total")
    try:
        first = await collect(runner, Job(**job))
        again = await collect(runner, Job(**job))
    finally:
        await runner.close()
    assert first[-1]["ok"] and again[-1]["ok"], (first[-1], again[-1])
    compiled = one(first, "compiled")
    assert compiled["from_cache"] is False and compiled["cache_load_ms"] is None and compiled["compile_ms"] > 0

    compiled = one(again, "compiled")
    assert compiled["from_cache"] is True and compiled["cache_load_ms"] > 0
    assert one(again, "timings")["from_cache"] is True
    llvm, asm, types = one(again, "llvm"), one(again, "asm"), one(again, "types")
    assert "define" in llvm["text"] and llvm["functions"] == one(first, "llvm")["functions"]
    assert asm["functions"] and asm["functions"] == one(first, "asm")["functions"]
    assert ":: float64" in types["text"] and "could not annotate" not in types["text"]
    for text in (llvm["text"], asm["text"], types["text"]):
        assert text.splitlines()[0].endswith("compiled again without the cache, for this view")
    assert not by_type(again, "error")
