"""On-demand measurement (not a test): numba import time vs first-job latency with the warm worker,
and submit->compiled time minus Numba's own compile time.  `.venv/bin/python tests/engine/bench_latency.py`"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lab.engine.protocol import Job
from lab.engine.runner import Runner


def numba_import_s() -> float:
    out = subprocess.run([sys.executable, "-c", "import time; t = time.perf_counter(); import numba; "
                          "print(time.perf_counter() - t)"], capture_output=True, text=True, check=True)
    return float(out.stdout)


async def main(n: int = 6) -> None:
    imports = [numba_import_s() for _ in range(3)]
    runner = Runner(work_dir=Path(tempfile.mkdtemp()), cuda="off")
    t = time.perf_counter()
    await runner.start()
    while runner.state != "idle":
        await asyncio.sleep(0.01)
    warm_s = time.perf_counter() - t
    await asyncio.sleep(3)  # let the spare finish warming too
    first, overheads, compiles, dones = [], [], [], []
    for i in range(n):
        src = f"from numba import jit\n\n@jit\ndef add(x, y):\n    return x + y + {i}\n"
        job = Job(source=src, entry="add", calls=["add(2, 3)"], views=["llvm"])
        t0 = time.perf_counter()
        async for e in runner.run(job):
            now = time.perf_counter() - t0
            if e["type"] == "started":
                first.append(now)
            if e["type"] == "compiled":
                compiles.append(e["compile_ms"] / 1000)
                overheads.append(now - e["compile_ms"] / 1000)
            if e["type"] == "done":
                dones.append(now)
    await runner.close()
    ms = lambda xs: f"median {statistics.median(xs) * 1000:.0f} ms (min {min(xs) * 1000:.0f}, max {max(xs) * 1000:.0f})"
    print(f"numba import in a fresh process: {ms(imports)}")
    print(f"worker spawn until warm (import + trivial compile): {warm_s * 1000:.0f} ms")
    print(f"submit -> started (warm worker): {ms(first)}")
    print(f"numba compile time (compile events): {ms(compiles)}")
    print(f"submit -> compiled minus numba compile time: {ms(overheads)}")
    print(f"submit -> done (with llvm view): {ms(dones)}")


if __name__ == "__main__":
    asyncio.run(main())
