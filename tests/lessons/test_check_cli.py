"""`numba-lab check` end to end on a tiny lesson folder, with real engine runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

TINY = """\
id: tiny
title: Tiny
order: 1
steps:
  - id: passes
    title: A passing exercise
    code: |
      from numba import njit

      @njit
      def inc(x):
          return x
    entry: inc
    calls: ["inc(1)"]
    checks:
      - {kind: equal, expr: "inc(1)", expected: "2", message: "inc(1) should be 2"}
      - {kind: nopython}
    solution: |
      from numba import njit

      @njit
      def inc(x):
          return x + 1
  - id: expected-error
    title: Fails the way it says
    code: |
      from numba import njit

      @njit
      def bad(x):
          return x + "a"
    entry: bad
    calls: ["bad(1)"]
    expect_error: {type: TypingError, match: "add|\\\\+"}
  - id: broken-solution
    title: A solution that does not pass
    code: |
      from numba import njit

      @njit
      def dbl(x):
          return x
    entry: dbl
    checks:
      - {kind: equal, expr: "dbl(2)", expected: "4", message: "dbl(2) should be 4"}
    solution: |
      from numba import njit

      @njit
      def dbl(x):
          return x + 1
"""


def run_check(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lab", "check", *args], capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    return tmp_path


def test_check_passes_and_fails_for_real(tiny):
    out = run_check(str(tiny))
    assert out.returncode == 1, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert any(ln.startswith("PASS tiny/passes  starter ok, solution 2/2 checks (") for ln in lines), lines
    assert any(ln.startswith("PASS tiny/expected-error  starter fails as expected") for ln in lines), lines
    fail = [ln for ln in lines if ln.startswith("FAIL tiny/broken-solution")]
    assert fail and "dbl(2) should be 4" in fail[0] and "dbl(2) gave 3" in fail[0]
    assert "3 step(s): 2 passed, 0 warning(s), 1 failed" in lines[-1]


def test_check_json_only_and_quiet(tiny):
    out = run_check(str(tiny), "--json", "--only", "tiny/passes")
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads(out.stdout)
    assert report["errors"] == []
    (step,) = report["steps"]
    assert step["lesson"] == "tiny" and step["step"] == "passes" and step["status"] == "PASS"
    assert step["file"].endswith("tiny.yaml") and step["line"] == 5
    assert report["summary"]["passed"] == 1 and report["summary"]["failed"] == 0

    out = run_check(str(tiny), "-q", "--only", "tiny/passes")
    assert out.returncode == 0
    assert out.stdout.splitlines() == [out.stdout.splitlines()[-1]]  # only the summary


def test_starter_passing_every_check_is_a_warning(tmp_path):
    text = TINY.split("  - id: expected-error")[0].replace("return x\n    entry", "return x + 1\n    entry", 1)
    (tmp_path / "w.yaml").write_text(text, encoding="utf-8")
    out = run_check(str(tmp_path))
    assert out.returncode == 0, out.stdout
    assert "WARN tiny/passes" in out.stdout and "starter already passes every check" in out.stdout


def test_validation_errors_exit_2_with_file_line(tmp_path):
    (tmp_path / "bad.yaml").write_text("id: bad\ntitle: Bad\nsteps:\n  - id: s\n    titel: S\n", encoding="utf-8")
    out = run_check(str(tmp_path), "--validate-only")
    assert out.returncode == 2
    assert f"{tmp_path / 'bad.yaml'}:5:5: unknown key 'titel'" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr


def test_validate_only_on_the_shipped_lessons():
    out = run_check("--validate-only", timeout=120)
    assert out.returncode == 0, out.stdout
    assert "0 validation error(s)" in out.stdout


def test_only_that_matches_nothing_says_so(tiny):
    out = run_check(str(tiny), "--only", "tiny/nope", "--validate-only")
    assert out.returncode == 1
    assert "nothing matches tiny/nope" in out.stderr and "tiny" in out.stderr
