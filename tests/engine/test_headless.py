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
