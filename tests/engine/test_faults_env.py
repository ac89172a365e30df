"""Faults from the environment rather than the kernel: a slow compile, an unwritable cache directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab import paths
from lab.engine.protocol import Job
from lab.engine.runner import Runner

from engine_support import OK_JOB, assert_ok_after, by_type, collect, one

CACHED = "from numba import njit\n\n\n@njit(cache=True)\ndef f(x):\n    return x * 2\n"


def _slow_source(lines: int = 4000) -> str:
    body = "".join(f"    x = x * 1.0000001 + {i % 7}.0\n    if x > 1e300:\n        x = 0.0\n" for i in range(lines))
    return "from numba import njit\n\n\n@njit\ndef f(x):\n" + body + "    return x\n"


@pytest.mark.slow
async def test_slow_compile_is_stopped_at_the_timeout_and_named(tmp_path):
    runner = Runner(work_dir=tmp_path, cuda="off")
    await runner.start()
    try:
        events = await collect(runner, Job(source=_slow_source(), entry="f", calls=["f(1.0)"], views=[],
                                           timeout_s=3.0))
        err = one(events, "error")
        assert err["etype"] == "Timeout" and err["hint"]
        # stopped before the compiled event, while Numba compiles: not an endless loop
        assert err["summary"].startswith("still compiling after 3 s"), err["summary"]
        assert "endless loop" not in err["hint"] and not by_type(events, "compiled")
        assert events[-1]["cause"] == "timeout"
        assert_ok_after(await collect(runner, Job(**OK_JOB)))
    finally:
        await runner.close()


async def test_unwritable_cache_dir_is_explained(tmp_path, monkeypatch):
    # Even root cannot create folders under /proc, so this is unwritable for every user.
    monkeypatch.setattr(paths, "numba_cache_dir", lambda: Path("/proc/numba-lab-no-cache"))
    runner = Runner(work_dir=tmp_path, cuda="off", spare=False)
    await runner.start()
    try:
        events = await collect(runner, Job(source=CACHED, entry="f", calls=["f(21)"], views=[]))
        errors = by_type(events, "error")
        outputs = by_type(events, "output")
        if errors:  # Numba refuses to cache: the message must say why, in a learner's words
            text = (errors[0]["summary"] + (errors[0].get("hint") or "")).lower()
            assert "cache" in text and errors[0]["hint"]
        else:  # Numba falls back to __pycache__ beside the learner file: the call works, and we say why
            assert any(o["result"] == "42" for o in outputs)
            note = "".join(o["stderr"] for o in outputs)
            assert "/proc/numba-lab-no-cache" in note and "not writable" in note
        assert_ok_after(await collect(runner, Job(**OK_JOB)))
    finally:
        await runner.close()


async def test_unusable_gpu_falls_back_to_the_simulator_and_says_why(tmp_path):
    runner = Runner(work_dir=tmp_path, cuda="sim", spare=False)
    if runner.cuda == "sim":
        runner.cuda = "real"  # as if a GPU were present: on this machine CUDA cannot start, which is the fault
    src = ("from numba import cuda\n\n\n@cuda.jit\ndef inc(a):\n    i = cuda.grid(1)\n    if i < a.size:\n"
           "        a[i] += 1\n")
    try:
        events = await collect(runner, Job(source=src, entry="inc", kind="cuda", target="cuda",
                                           setup="a = np.zeros(4)", calls=["inc[1, 4](a)", "a.sum()"], views=[]))
        if runner.cuda_fallback is None:
            pytest.skip("a real GPU worked here")
        assert events[-1]["ok"] is True and events[-1]["simulator"] is True, events
        assert "4.0" in by_type(events, "output")[-1]["result"]
        assert runner.info["cuda"].startswith("CUDA simulator (GPU unusable: ")
    finally:
        await runner.close()
