"""`numba-lab run` end to end (real CLI subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lab.engine.headless import parse_option_list
from lab.options import Options, OptionsError

KERNEL = "from numba import jit\n\n@jit  # the kernel\ndef add(x, y):\n    return x + y\n"


def _run(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "lab", "run", *args], capture_output=True, text=True,
                          timeout=timeout)


def test_run_json_events(tmp_path):
    f = tmp_path / "k.py"
    f.write_text(KERNEL)
    p = _run(str(f), "--entry", "add", "--call", "add(1, 2)", "--options", "nogil,cache", "--json",
             "--views", "llvm")
    assert p.returncode == 0, p.stderr
    events = [json.loads(line) for line in p.stdout.splitlines()]
    assert [e["type"] for e in events] == ["started", "compiled", "output", "llvm", "lines", "done"]
    assert events[2]["result"] == "3"
    assert f.read_text() == KERNEL  # the learner's file is never rewritten


def test_run_human_output_and_failure_code(tmp_path):
    f = tmp_path / "k.py"
    f.write_text(KERNEL.replace("x + y", "x + 'a'"))
    p = _run(str(f), "--entry", "add", "--call", "add(1, 2)")
    assert p.returncode == 1
    assert "TypingError at line 5" in p.stdout and "FAILED" in p.stdout


def test_run_bad_input_messages(tmp_path):
    p = _run(str(tmp_path / "missing.py"), "--entry", "f")
    assert p.returncode == 2 and "no such file" in p.stderr
    f = tmp_path / "k.py"
    f.write_text(KERNEL)
    p = _run(str(f), "--entry", "add", "--options", "nogil=maybe")
    assert p.returncode == 2 and "not true/false" in p.stderr


def test_parse_option_list():
    o = parse_option_list("parallel,fastmath,no-nogil,signature=f8(f8[:], i8),boundscheck=none", None, "jit")
    assert o == Options(parallel=True, fastmath=True, nogil=False, signature="f8(f8[:], i8)")
    assert parse_option_list("", None, "jit") is None
    with pytest.raises(OptionsError):
        parse_option_list("bogus", None, "jit")


# ---------------------------------------------------------------- issue 10 §1

PRANGE = ("import numpy as np\nfrom numba import njit, prange\n\n@njit\ndef total(a):\n    s = 0.0\n"
          "    for i in prange(a.shape[0]):\n        s += a[i]\n    return s\n")


def test_run_target_parallel_applies_parallel_true_like_the_ui(tmp_path):
    f = tmp_path / "k.py"
    f.write_text(PRANGE)
    p = _run(str(f), "--entry", "total", "--target", "parallel", "--call", "total(np.arange(10.0))",
             "--views", "parallel", "--json", "--timeout", "120")
    events = [json.loads(line) for line in p.stdout.splitlines()]
    assert p.returncode == 0, (p.stderr, [e for e in events if e["type"] == "error"])
    assert events[0]["target"] == "parallel"
    [par] = [e for e in events if e["type"] == "parallel"]
    assert par["loops"] >= 1 and "@njit(parallel=True)" in par["text"]


@pytest.mark.parametrize("extra, etype", [(["--options", "parallel=maybe"], "OptionsError"),
                                          (["--kind", "jit", "--entry", "9x"], "JobError")])
def test_run_json_refusals_are_json_events(tmp_path, extra, etype):
    f = tmp_path / "k.py"
    f.write_text(KERNEL)
    p = _run(str(f), "--entry", "add", *extra, "--json")
    events = [json.loads(line) for line in p.stdout.splitlines()]
    assert p.returncode == 2 and [e["type"] for e in events] == ["error", "done"], p.stdout
    assert events[0]["etype"] == etype and events[0]["summary"] and not events[1]["ok"]


def test_run_json_missing_file_is_a_json_event(tmp_path):
    p = _run(str(tmp_path / "nope.py"), "--entry", "add", "--json")
    events = [json.loads(line) for line in p.stdout.splitlines()]
    assert p.returncode == 2 and events[0]["etype"] == "FileNotFoundError" and "nope.py" in events[0]["summary"]
