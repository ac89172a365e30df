"""Issue 10's proof: public kernels (tests/corpus, kept verbatim) run through `numba-lab run`'s path
into the real engine give plain Python's result and non-empty views.

Each case's job is built by the CLI's own parser and `job_from_args` (what `numba-lab run FILE
--entry ... --call ... --json` does) and run by one warm Runner, so the corpus costs one numba
import, not one per kernel; three cases also go through the `numba-lab run` process itself.
The reference is the same harness in a plain-Python subprocess: NUMBA_DISABLE_JIT=1 for CPU
kernels, the CUDA simulator for CUDA kernels (how plain Python runs them). Results and views are
asserted, never timings.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lab.cli import build_parser
from lab.engine.headless import job_from_args
from engine_support import by_type, collect

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
_spec = importlib.util.spec_from_file_location("corpus_plain", CORPUS / "_plain_python.py")
plain_python = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(plain_python)
CASES = plain_python.cases()
CLI_CASES = ("ne_pi", "bm_centdiff", "doc_cuda_reduction")  # the issue's §1 cases, through the real process


def _reference(names: list[str], env_var: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env[env_var] = "1"
    p = subprocess.run([sys.executable, str(CORPUS / "_plain_python.py"), *names], capture_output=True,
                       text=True, env=env, timeout=300)
    assert "@@RESULTS@@" in p.stdout, p.stderr[-3000:]
    return json.loads(p.stdout.rsplit("@@RESULTS@@", 1)[1])


@pytest.fixture(scope="module")
def plain() -> dict:
    cpu = [n for n, c in CASES.items() if c.get("kind") != "cuda"]
    gpu = [n for n, c in CASES.items() if c.get("kind") == "cuda"]
    return {**_reference(cpu, "NUMBA_DISABLE_JIT"), **_reference(gpu, "NUMBA_ENABLE_CUDASIM")}


def _argv(case: dict) -> list[str]:
    # a generous time limit: compiling the larger kernels takes seconds on a busy CI box
    argv = [str(CORPUS / f"{case['file']}.py"), "--entry", case["entry"], "--kind", case.get("kind", "jit"),
            "--json", "--timeout", "120"]
    if case.get("target"):
        argv += ["--target", case["target"]]
    if case.get("setup"):
        argv += ["--setup", case["setup"]]
    for call in case["calls"]:
        argv += ["--call", call]
    return argv


_REPR_NAMES = {"array": np.array, "np": np, "nan": np.nan, "inf": np.inf,
               **{t: getattr(np, t) for t in ("float32", "float64", "int8", "int16", "int32", "int64",
                                               "uint8", "uint16", "uint32", "uint64", "bool_")}}


def _value(text: str):
    return eval(text, {"__builtins__": {}}, dict(_REPR_NAMES))  # reprs of numbers, arrays, tuples, lists


def _close(a, b, rtol: float, atol: float) -> bool:
    if isinstance(a, (tuple, list)) and not isinstance(a, np.ndarray):
        return isinstance(b, (tuple, list)) and len(a) == len(b) and all(
            _close(x, y, rtol, atol) for x, y in zip(a, b))
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return x.shape == y.shape and bool(np.allclose(x, y, rtol=rtol, atol=atol))


def assert_same(case: dict, got: str | None, want: str | None) -> None:
    assert got is not None and want is not None, (got, want)
    if case.get("compare", "exact") == "exact":
        assert got == want
    else:
        assert _close(_value(got), _value(want), case.get("rtol", 1e-9), case.get("atol", 1e-12)), (got, want)


def assert_views(case: dict, events: list[dict]) -> None:
    compiled = by_type(events, "compiled")
    assert compiled, [e["type"] for e in events]
    if case.get("kind") == "cuda":
        return  # the simulator compiles nothing: no IR to show (a real device gives PTX)
    assert compiled[0]["signatures"], compiled[0]
    for view in case.get("views", ["llvm", "asm", "types"]):
        [ev] = by_type(events, view)
        body = [ln for ln in ev["text"].splitlines() if ln.strip() and not ln.lstrip().startswith((";", "#"))]
        assert body, (view, ev["text"][:500])
        if view == "llvm":
            assert "define" in ev["text"] and ev["functions"]
    if case.get("parallel"):
        [par] = by_type(events, "parallel")
        assert par["loops"] >= 1, par["text"][:500]


def last_result(events: list[dict]) -> str | None:
    outputs = [e for e in by_type(events, "output") if e.get("call")]
    return outputs[-1]["result"] if outputs else None


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("name", list(CASES))
async def test_corpus_kernel(runner, plain, name):
    case = CASES[name]
    job = job_from_args(build_parser().parse_args(["run", *_argv(case)]))
    events = await collect(runner, job)
    errors = by_type(events, "error")
    assert not errors, [(e["etype"], e["summary"]) for e in errors]
    assert events[-1]["type"] == "done" and events[-1]["ok"], events[-1]
    assert "error" not in plain[name], plain[name]
    assert_same(case, last_result(events), plain[name]["result"])
    assert_views(case, events)


@pytest.mark.parametrize("name", CLI_CASES)
def test_corpus_through_the_cli(plain, name):
    case = CASES[name]
    p = subprocess.run([sys.executable, "-m", "lab", "run", *_argv(case), "--cuda", "sim"], capture_output=True,
                       text=True, timeout=300)
    events = [json.loads(line) for line in p.stdout.splitlines()]
    assert p.returncode == 0, (p.stderr[-2000:], [e for e in events if e["type"] == "error"])
    assert_same(case, last_result(events), plain[name]["result"])
    assert_views(case, events)
