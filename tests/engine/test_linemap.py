"""Source line <-> LLVM IR / assembly lines: real jobs through a real worker, and the matching itself."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from lab.engine import linemap
from lab.engine.protocol import Job

from engine_support import collect, one

from tests.benchmarks.linemap import AXPY, PSUM  # the kernels the line-map benchmark measures

BODY = 8  # the line of the loop body in AXPY

PRANGE, PBODY = 8, 9


def _pairs(ev_text: str, lines: list) -> list[tuple[str, int | None]]:
    text = ev_text.split("\n")
    assert len(text) == len(lines)  # one source line (or None) per shown line
    return list(zip(text, lines))


@pytest.mark.asyncio(loop_scope="module")
async def test_loop_body_maps_to_its_arithmetic(runner):
    job = Job(source=AXPY, entry="axpy", calls=["axpy(np.ones(64), np.ones(64), np.zeros(64))"],
              views=["llvm", "asm"])
    events = await collect(runner, job)
    kinds = [e["type"] for e in events]
    assert kinds.index("lines") > kinds.index("asm") and kinds[-1] == "done"
    lines = one(events, "lines")
    assert "error" not in lines, lines
    llvm = _pairs(one(events, "llvm")["text"], lines["llvm"])
    body_ir = [t for t, n in llvm if n == BODY]
    assert any(" fmul " in t for t in body_ir) and any(" fadd " in t for t in body_ir)
    assert all(n is None or 5 <= n <= 9 for _, n in llvm)  # every mapped line is inside the function
    assert all(n is None for t, n in llvm if t.startswith(("define", "}", ";")) or not t.strip())
    asm = _pairs(one(events, "asm")["text"], lines["asm"])
    body_asm = [t for t, n in asm if n == BODY]
    assert body_asm and all(t.startswith("\t") for t in body_asm)  # instructions, not labels
    assert any(re.search(r"\bv?(mul|fmadd)", t) for t in body_asm)  # the multiply, whatever the SIMD width
    assert lines["source"][str(BODY)].strip() == "out[i] = 2.5 * x[i] * y[i] + y[i]"
    # the copy was compiled with line tables only: its code is the learner's, line for line
    assert lines["llvm_exact"] is True and lines["asm_exact"] is True
    assert lines["ms"] > 0


@pytest.mark.asyncio(loop_scope="module")
async def test_parfor_gufunc_maps_to_the_prange_loop(runner):
    job = Job(source=PSUM, entry="psum", calls=["psum(np.ones(1000))"], views=["llvm", "asm"],
              options=None)
    events = await collect(runner, job)
    lines = one(events, "lines")
    for what in ("llvm", "asm"):
        pairs = _pairs(one(events, what)["text"], lines[what])
        in_gufunc, mapped = False, []
        for text, n in pairs:
            if text.startswith(("define", "__numba_parfor_gufunc")) or (
                    not text.startswith(("\t", " ", ";", "#")) and text.endswith(":") and "(" in text):
                in_gufunc = "parfor_gufunc" in text
            elif in_gufunc and n is not None:
                mapped.append((text, n))
        assert mapped, what  # the outlined loop body has source lines
        assert {n for _, n in mapped} <= {PRANGE, PBODY}, (what, {n for _, n in mapped})
        assert PBODY in {n for _, n in mapped}


def test_run_json_carries_lines(tmp_path):
    f = tmp_path / "k.py"
    f.write_text(AXPY)
    p = subprocess.run([sys.executable, "-m", "lab", "run", str(f), "--entry", "axpy", "--json", "--views", "asm",
                        "--call", "axpy(np.ones(8), np.ones(8), np.zeros(8))"],
                       capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, p.stderr
    events = [json.loads(x) for x in p.stdout.splitlines()]
    asm = next(e for e in events if e["type"] == "asm")
    lines = next(e for e in events if e["type"] == "lines")
    pairs = _pairs(asm["text"], lines["asm"])
    assert BODY in {n for _, n in pairs}
    assert "llvm" not in lines  # only the views that were shown


def test_transfer_exact_and_approximate():
    copy = "f:\n\tmovq %rax, %rbx\t;@L3\n\taddq $1, %rbx\t;@L4\n.Ltmp0:\n\tret\t;@L0\n"
    real = "f:\n\tmovq %rax, %rbx\n\taddq $1, %rbx\n\tret\n"
    assert linemap.transfer(real, copy) == ([None, 3, 4, None, None], True)
    changed = "f:\n\tmovq %rax, %rcx\n\taddq $1, %rcx\n\tnop\n\tret\n"
    lines, exact = linemap.transfer(changed, copy)
    assert not exact and lines[1:4] == [3, 4, 4]


def test_comment_above_blocks():
    text = ["f:", "\tmovq %rax, %rbx", "\taddq $1, %rbx", ".LBB0_1:", "\taddq $1, %rbx"]
    shown, index = linemap.comment_above_blocks(text, [None, 3, 3, None, 3], {"3": "  x += 1"}, "#")
    assert shown == ["f:", "\t# 3: x += 1", "\tmovq %rax, %rbx", "\taddq $1, %rbx", ".LBB0_1:",
                     "\t# 3: x += 1", "\taddq $1, %rbx"]
    assert index == [0, None, 1, 2, 3, None, 4]
