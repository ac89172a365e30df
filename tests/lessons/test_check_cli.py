"""`numba-lab check` end to end on a tiny lesson folder, with real engine runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
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
    assert "0 of 0 wrong fix(es) rejected" in lines[-1]


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


# ----------------------------------------------------------------------------- files of the wrong kind
GOOD = Path(__file__).parent / "valid" / "good.yaml"


def test_check_on_a_fifo_answers_at_once(tmp_path):
    fifo = tmp_path / "lesson.yaml"
    os.mkfifo(fifo)  # nobody writes to it: a plain read would block for ever
    # the timeout only guards against a hang; it is not a timing assertion
    proc = run_check("--validate-only", str(fifo), timeout=60)
    assert proc.returncode == 2
    assert f"{fifo}:1:1: not a regular file" in proc.stdout and "FIFO" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_check_names_a_symlink_loop_and_a_device(tmp_path):
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    proc = run_check("--validate-only", str(loop), "/dev/zero", str(GOOD), timeout=60)
    assert proc.returncode == 2
    assert f"{loop}:1:1: a symlink loop" in proc.stdout
    assert "/dev/zero:1:1: not a regular file: it is a character device" in proc.stdout
    assert "1 lesson(s)" in proc.stdout  # the good file beside them still loads


def _as_nobody() -> list[str]:
    """Command prefix that runs as uid/gid 65534 when we are root (so chmod 000 really denies)."""
    if os.getuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a folder unreadable")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_check_on_an_unreadable_folder_is_one_error_not_a_traceback():
    # pytest's tmp_path is mode 700 under root: the other user needs a folder it can reach
    base = Path(tempfile.mkdtemp(prefix="numba-lab-unreadable-"))
    base.chmod(0o755)
    locked = base / "locked"
    locked.mkdir()
    shutil.copy(GOOD, locked / "a.yaml")
    locked.chmod(0)
    home = base / "home"
    home.mkdir()
    home.chmod(0o777)
    env = {**os.environ, "NUMBA_LAB_HOME": str(home), "HOME": str(home)}
    try:
        proc = subprocess.run(_as_nobody() + [sys.executable, "-m", "lab", "check", "--validate-only", str(locked),
                                              str(GOOD)],
                              capture_output=True, text=True, timeout=120, env=env, cwd=str(base))
    finally:
        locked.chmod(0o700)
        shutil.rmtree(base, ignore_errors=True)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr[-2000:]
    assert f"{locked}:1:1: cannot read this lesson folder: permission denied" in proc.stdout
    assert "1 lesson(s)" in proc.stdout and proc.returncode == 2  # the other file still loads


WRONG_FIXES = """\
    wrong_fixes:
      - why: Returning a constant that only fits the one call the checks make.
        code: |
          from numba import njit

          @njit
          def inc(x):
              return 2
      - why: Adding in Python mode would still be right, so this one must be rejected by the nopython check.
        code: |
          from numba import jit

          @jit(forceobj=True)
          def inc(x):
              return x + 1
      - why: A typo that does not compile.
        code: |
          from numba import njit

          @njit
          def inc(x):
              return x + undefined_name
"""


def _with_wrong_fixes(tmp_path: Path, fixes: str) -> Path:
    head = TINY.split("  - id: expected-error")[0]
    (tmp_path / "tiny.yaml").write_text(head + fixes, encoding="utf-8")
    return tmp_path


def test_wrong_fix_that_passes_the_checks_is_a_failure_with_its_why(tmp_path):
    folder = _with_wrong_fixes(tmp_path, WRONG_FIXES)
    out = run_check(str(folder), "--json")
    assert out.returncode == 1, out.stdout + out.stderr
    report = json.loads(out.stdout)
    (step,) = report["steps"]
    assert step["status"] == "FAIL"
    # 1 (constant 2 == inc(1)) passes every check; 2 fails nopython; 3 does not compile: both rejected
    assert [p for p in step["problems"] if p.startswith("wrong fix")] == [
        "wrong fix 1 passes the checks: Returning a constant that only fits the one call the checks make. "
        "(yaml line 26)"]
    assert step["wrong_fixes"] == 3 and step["wrong_fixes_passing"] == 1
    v = step["wrong_fix_verdicts"]
    assert v[0] == "wrong fix 1: passes every check" and v[1] == "wrong fix 2: rejected by 'nopython'"
    assert v[2].startswith("wrong fix 3: rejected: NameError") or v[2].startswith("wrong fix 3: rejected: TypingError")
    assert report["summary"]["wrong_fixes"] == 3 and report["summary"]["wrong_fixes_passing"] == 1


def test_wrong_fixes_all_rejected_pass_and_count_in_the_summary(tmp_path):
    folder = _with_wrong_fixes(tmp_path, WRONG_FIXES.replace("return 2", "return x - 1"))
    out = run_check(str(folder))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "solution 2/2 checks, 3/3 wrong fix(es) rejected" in out.stdout
    assert "3 of 3 wrong fix(es) rejected" in out.stdout.splitlines()[-1]
    assert "    wrong fix 2: rejected by 'nopython'" in out.stdout.splitlines()


def test_wrong_fix_syntax_error_is_reported_at_its_yaml_line(tmp_path):
    folder = _with_wrong_fixes(tmp_path, WRONG_FIXES.replace("return 2", "return (2"))
    out = run_check(str(folder), "--validate-only")
    assert out.returncode == 2
    assert f"{folder / 'tiny.yaml'}:31:" in out.stdout and "wrong_fixes[0].code: Python syntax error" in out.stdout
