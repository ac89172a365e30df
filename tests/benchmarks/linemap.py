"""What the source-line map costs, and whether the code it was read from is the code that runs.

    python -m tests.benchmarks.linemap

For each kernel, through a real warm worker: Numba's compile time of the job, the time of the `lines`
step (a second compile with line tables only, then matching), whether the copy's IR/asm equal the
real ones line for line, the instruction counts of both, and how many real instructions got a line.
Numbers only, no assertions.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from lab.engine import linemap
from lab.engine.protocol import Job
from lab.engine.runner import Runner

from .common import TRACE_KERNEL

AXPY = """import numpy as np
from numba import njit


@njit
def axpy(x, y, out):
    for i in range(x.size):
        out[i] = 2.5 * x[i] * y[i] + y[i]
    return out
"""
PSUM = """import numpy as np
from numba import njit, prange


@njit(parallel=True)
def psum(x):
    s = 0.0
    for i in prange(x.size):
        s += x[i] * x[i]
    return s
"""
KERNELS = [
    ("trace (go_fast)", TRACE_KERNEL, "go_fast", "go_fast(np.arange(100.0).reshape(10, 10))"),
    ("axpy", AXPY, "axpy", "axpy(np.ones(64), np.ones(64), np.zeros(64))"),
    ("prange sum (parfor)", PSUM, "psum", "psum(np.ones(1000))"),
]


def _instructions(text: str) -> int:
    return sum(1 for ln in text.split("\n") if linemap.is_code(ln))


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        runner = Runner(work_dir=Path(tmp), cuda="off", spare=False)
        await runner.start()
        try:
            print(f"{'kernel':22} {'compile':>8} {'lines':>8} {'exact ir/asm':>13} "
                  f"{'ir instr':>9} {'mapped':>7} {'asm instr':>10} {'mapped':>7}")
            for name, src, entry, call in KERNELS:
                events = [e async for e in runner.run(Job(source=src, entry=entry, calls=[call],
                                                          views=["llvm", "asm"]))]
                ev = {e["type"]: e for e in events}
                lines = ev["lines"]
                row = [f"{name:22}", f"{ev['compiled']['compile_ms']:7.0f}ms", f"{lines['ms']:7.0f}ms",
                       f"{str(lines['llvm_exact'])[0]}/{str(lines['asm_exact'])[0]:>11}"]
                for what in ("llvm", "asm"):
                    text = ev[what]["text"].split("\n")
                    n = _instructions(ev[what]["text"])
                    mapped = sum(1 for t, m in zip(text, lines[what]) if m and linemap.is_code(t))
                    row += [f"{n:9d}", f"{mapped / max(n, 1):6.0%}"]
                print(" ".join(row), flush=True)
        finally:
            await runner.close()


if __name__ == "__main__":
    asyncio.run(main())
