"""Edit -> compiled event, edit -> all panes, toggle -> new IR; each minus Numba's own compile time."""

from __future__ import annotations

from lab.engine.protocol import Job
from lab.options import Options

from .common import (
    SMALL_CALL, SMALL_KERNEL, SMALL_SETUP, TRACE_KERNEL, TRACE_SETUP, Row, bare_compile_ms, first_of,
    judge, median, run_timed,
)

ROUNDS = 5


async def section(runner) -> list[Row]:
    rows: list[Row] = []
    kernels = {
        "small kernel": (SMALL_KERNEL, "axpy", SMALL_SETUP, SMALL_CALL),
        "trace kernel": (TRACE_KERNEL, "go_fast", "n = 10\n" + TRACE_SETUP, "go_fast(a)"),
    }
    for name, (source, entry, setup, call) in kernels.items():
        to_compiled, to_panes = [], []
        for i in range(ROUNDS):
            edited = f"{source}\n# edit {name} {i}\n"  # a real edit: new text, so a real re-compile
            job = Job(source=edited, entry=entry, setup=setup, calls=[call], workfile=f"bench/lat{i}")
            events, first = await run_timed(runner, job)
            compiled = first_of(events, "compiled")
            if not compiled:
                raise RuntimeError(f"{name}: no compiled event: {events}")
            to_compiled.append(first["compiled"] * 1000 - compiled["compile_ms"])
            to_panes.append(first["done"] * 1000 - compiled["compile_ms"])
        ms = median(to_compiled)
        rows.append(Row("latency", f"edit -> compiled, minus compile ({name})", ms, "ms", "< 100 ms",
                        judge(ms, 100), f"median of {ROUNDS}; compile ~{compiled['compile_ms']:.0f} ms"))
        rows.append(Row("latency", f"edit -> all panes (IR, asm, types), minus compile ({name})",
                        median(to_panes), "ms", "", "", "no budget set; shown for reference"))

    # toggle -> new IR, against the bare compile time of the same toggled kernel in a warm process
    lab_ms, bare_ms = [], []
    bare_compile_ms(SMALL_KERNEL, "axpy", SMALL_CALL, "import numpy as np\n" + SMALL_SETUP,
                    fresh_module="bench_warmup")  # warm this process's compiler first
    for i in range(ROUNDS):
        fastmath = i % 2 == 0
        src = SMALL_KERNEL + f"\n# toggle {i}\n"
        job = Job(source=src, entry="axpy", setup=SMALL_SETUP, calls=[SMALL_CALL], views=["llvm"],
                  options=Options(fastmath=fastmath), workfile=f"bench/toggle{i}")
        events, first = await run_timed(runner, job)
        lab_ms.append(first["llvm"] * 1000)
        toggled = src.replace("@jit\n", "@jit(fastmath=True)\n" if fastmath else "@jit\n")
        bare_ms.append(bare_compile_ms(toggled, "axpy", SMALL_CALL, "import numpy as np\n" + SMALL_SETUP,
                                       fresh_module=f"bench_toggle_{i}"))
    ratio = median(lab_ms) / median(bare_ms)
    rows.append(Row("latency", "toggle -> new IR / bare Numba compile (small kernel)", ratio, "x",
                    "< 1.5x", judge(ratio, 1.5),
                    f"lab {median(lab_ms):.0f} ms vs bare compile {median(bare_ms):.0f} ms"))
    return rows
