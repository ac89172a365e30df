"""CUDA on a real NVIDIA GPU (skipped where there is none; CI has none, the simulator tests cover it).

Run on a GPU box with: python -m pytest tests/engine/test_cuda_gpu.py -m gpu -v
"""

from __future__ import annotations

import pytest
import pytest_asyncio

from lab.engine.protocol import Job, Timing
from lab.engine.runner import Runner, cuda_mode

from engine_support import by_type, collect, one

pytestmark = [pytest.mark.gpu, pytest.mark.asyncio(loop_scope="module"),
              pytest.mark.skipif(cuda_mode("auto") != "real", reason="no NVIDIA GPU/driver on this machine")]

KERNEL = """from numba import cuda


@cuda.jit
def axpy(out, a, x, y):
    i = cuda.grid(1)
    if i < out.size:
        out[i] = a * x[i] + y[i]
"""

UFUNC = """from numba import vectorize


@vectorize(['float32(float32, float32)'], target='cuda')
def hyp(a, b):
    return (a * a + b * b) ** 0.5
"""


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gpu_runner(tmp_path_factory):
    r = Runner(work_dir=tmp_path_factory.mktemp("work"), cuda="auto")
    await r.start()
    yield r
    await r.close()


async def test_kernel_on_real_device(gpu_runner):
    setup = ("n = 1 << 20\nx = np.arange(n, dtype=np.float32)\ny = np.ones(n, dtype=np.float32)\n"
             "dx, dy = cuda.to_device(x), cuda.to_device(y)\nout = cuda.device_array(n, dtype=np.float32)\n")
    job = Job(source=KERNEL, entry="axpy", kind="cuda", target="cuda", setup="from numba import cuda\n" + setup,
              calls=["axpy[(n + 255) // 256, 256](out, np.float32(2), dx, dy)", "out.copy_to_host()[:4]"],
              timing=Timing(call="axpy[(n + 255) // 256, 256](out, np.float32(2), dx, dy)", baseline=False),
              checks=[{"kind": "equal", "expr": "out.copy_to_host()", "expected": "2 * x + y"}])
    events = await collect(gpu_runner, job)
    assert not by_type(events, "error"), by_type(events, "error")
    started = one(events, "started")
    assert started["simulator"] is False
    compiled = one(events, "compiled")
    assert compiled["mode"] == "cuda" and compiled["compile_ms"] > 0
    ptx = one(events, "ptx")["text"]
    assert ".entry" in ptx and "axpy" in ptx
    timings = one(events, "timings")
    assert timings["cuda_events"] is True and timings["simulator"] is False
    assert timings["jit"]["min_s"] > 0
    assert "1." in by_type(events, "output")[-1]["result"]
    assert all(c["passed"] for c in by_type(events, "check"))
    assert events[-1]["ok"] is True
    assert "simulator" not in (gpu_runner.info.get("cuda") or "").lower()


async def test_vectorize_cuda_target_on_real_device(gpu_runner):
    job = Job(source=UFUNC, entry="hyp", kind="vectorize", target="cuda",
              setup="a = np.full(1000, 3, np.float32)\nb = np.full(1000, 4, np.float32)\n",
              calls=["hyp(a, b)[:3]"],
              checks=[{"kind": "equal", "expr": "hyp(a, b)", "expected": "np.full(1000, 5, np.float32)"}])
    events = await collect(gpu_runner, job)
    assert not by_type(events, "error"), by_type(events, "error")
    assert one(events, "compiled")["mode"] == "cuda", events
    assert "5." in by_type(events, "output")[-1]["result"], events
    assert all(c["passed"] for c in by_type(events, "check")), by_type(events, "check")
    assert events[-1]["ok"] is True, events


async def test_cuda_crash_is_reported_and_next_job_runs(gpu_runner):
    bad = KERNEL.replace("if i < out.size:\n        ", "if True:\n        ")
    job = Job(source=bad, entry="axpy", kind="cuda", target="cuda",
              setup="from numba import cuda\nout = cuda.device_array(10)\nx = cuda.to_device(np.ones(10))\n",
              calls=["axpy[64, 1024](out, 2.0, x, x)", "cuda.synchronize()"], timeout_s=30)
    events = await collect(gpu_runner, job)
    assert events[-1]["type"] == "done"
    good = Job(source=KERNEL, entry="axpy", kind="cuda", target="cuda",
               setup="from numba import cuda\nout = cuda.device_array(4)\nx = cuda.to_device(np.ones(4))\n",
               calls=["axpy[1, 4](out, 2.0, x, x)", "out.copy_to_host()"])
    events = await collect(gpu_runner, good)
    assert events[-1]["ok"] is True, by_type(events, "error")
