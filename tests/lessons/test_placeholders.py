"""Machine-fact placeholders in lesson text (lab/placeholders.py): found with positions, filled from
a real run's events as plain text, and reported by `numba-lab check` when the run leaves one unfilled."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from lab.placeholders import NOT_SEEN, PENDING, PLACEHOLDERS, facts_from_events, fill, find, unknown, vector_bits

AXPY = """\
from numba import njit
import numpy as np


@njit
def axpy(a, b, out):
    for i in range(a.shape[0]):
        out[i] = 2.5 * a[i] + b[i]
"""


def test_find_gives_name_line_and_column():
    text = "First line.\nThe CPU is {{cpu}}, `{{ vector_type }}` and {{nope}}."
    assert find(text) == [("cpu", 2, 12), ("vector_type", 2, 22), ("nope", 2, 45)]
    assert unknown(text) == [("nope", 2, 45)]


def test_fill_is_plain_text_escaped_outside_code_and_pending_before_the_run():
    text = "CPU {{cpu}}; IR `{{vector_type}}`; {{vector_type}}; {{unknown_one}}\n```\n{{cores}}\n```"
    facts = {"cpu": "[x](http://e) *b*", "vector_type": "<8 x double>", "cores": "`16`"}
    out = fill(text, facts)
    assert out.startswith(r"CPU \[x\]\(http://e\) \*b\*; IR `<8 x double>`; \<8 x double\>; {{unknown_one}}")
    assert out.endswith("```\n'16'\n```")  # in a fenced block: no escapes, no backtick can close it
    assert fill("{{cpu}} and {{speedup}}", {}) == f"{PENDING} and {PENDING}".replace("(", "\\(").replace(")", "\\)")
    assert fill("`{{speedup}}`", {}, ran=True) == f"`{NOT_SEEN}`"
    assert fill("no placeholders", {"cpu": "x"}) == "no placeholders"


def test_vector_bits():
    assert vector_bits("<4 x double>") == 256 and vector_bits("<16 x float>") == 512
    assert vector_bits("<2 x i64>") == 128 and vector_bits("not a vector") == 0


def test_facts_from_a_real_run(tmp_path: Path):
    f = tmp_path / "k.py"
    f.write_text(AXPY)
    setup = "a = np.arange(64.0); b = np.ones(64); out = np.empty(64)"
    p = subprocess.run([sys.executable, "-m", "lab", "run", str(f), "--entry", "axpy", "--setup", setup,
                        "--call", "axpy(a, b, out)", "--json", "--views", "llvm,asm"],
                       capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, p.stdout + p.stderr
    facts = facts_from_events(json.loads(line) for line in p.stdout.splitlines())
    # whatever the machine: the facts exist and are consistent with each other (no CPU or width assumed)
    assert facts["cpu"] and int(facts["cores"]) >= 1 and int(facts["threads"]) >= 1
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", facts["numba_version"])
    m = re.fullmatch(r"<(\d+) x (double|i64|float|i32)>", facts["vector_type"])
    assert m and facts["simd_width"] == m.group(1)
    assert int(facts["vector_bits"]) == vector_bits(facts["vector_type"]) >= 128
    if "vector_register" in facts:  # x86 only
        assert facts["vector_register"] in ("xmm", "ymm", "zmm")
    assert set(facts) <= set(PLACEHOLDERS)


def test_check_warns_when_the_starter_run_does_not_fill_a_placeholder(tmp_path: Path):
    lesson = (
        "id: ph\ntitle: Ph\nsteps:\n  - id: s\n    title: S\n    text: |\n"
        "      LLVM calls this CPU {{cpu}}; the IR shows {{vector_type}}.\n"
        "    code: |\n" + "".join(f"      {ln}\n" if ln else "\n" for ln in
                                   "from numba import njit\n\n@njit\ndef inc(x):\n    return x + 1".splitlines())
        + "    entry: inc\n    calls: [\"inc(1)\"]\n")
    (tmp_path / "ph.yaml").write_text(lesson, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "lab", "check", str(tmp_path)], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    warn = [ln for ln in out.stdout.splitlines() if ln.startswith("WARN ph/s")]
    assert warn and "does not report {{vector_type}}" in warn[0] and "{{cpu}}" not in warn[0]
