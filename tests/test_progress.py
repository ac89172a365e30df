import json
import os
import signal
import subprocess
import sys

from lab import notices, paths
from lab.progress import Drafts, Progress


def test_state_lives_under_lab_home(_isolated_lab_home):
    for d in (paths.data_dir(), paths.cache_dir(), paths.work_dir(), paths.numba_cache_dir()):
        assert str(d).startswith(str(_isolated_lab_home))


def test_progress_records_attempts_and_survives_reload():
    p = Progress.load()
    p.set_position("first-jit", 2)
    p.mark_visited("first-jit", "lazy")
    assert p.record_attempt("first-jit", "ex", passed=False).status == "in_progress"
    state = p.record_attempt("first-jit", "ex", passed=True)
    assert state.status == "done" and state.attempts == 2 and state.passed_at
    again = Progress.load()
    assert again.current_step("first-jit") == 2
    assert again.last_lesson == "first-jit"
    assert again.step_state("first-jit", "ex").attempts == 2
    assert again.lesson_status("first-jit", ["lazy", "ex"]) == "in_progress"
    again.mark_done("first-jit", "lazy")
    assert Progress.load().lesson_status("first-jit", ["lazy", "ex"]) == "done"
    assert Progress.load().lesson_status("types", ["a"]) == "new"


def test_corrupt_progress_file_is_set_aside_not_fatal():
    paths.progress_file().write_text("{not json")
    p = Progress.load()
    assert p.lessons == {}
    aside = list(paths.data_dir().glob("progress.json.bad-*"))
    assert len(aside) == 1 and aside[0].read_text() == "{not json"
    (told,) = notices.drain()
    assert str(aside[0]) in told and "not valid JSON" in told


def test_drafts_round_trip_and_odd_names():
    d = Drafts()
    d.save("les/son", "step 1", "x = 1\n")
    assert d.load("les/son", "step 1") == "x = 1\n"
    assert d.path("les/son", "step 1").parent.parent == paths.drafts_dir()
    d.discard("les/son", "step 1")
    assert d.load("les/son", "step 1") is None


def test_atomic_write_never_leaves_torn_file(tmp_path):
    """A writer killed at any moment leaves the old or the new content, never a mix."""
    target = tmp_path / "draft.py"
    paths.atomic_write_text(target, "old\n" * 1000)
    code = (
        "import sys; from pathlib import Path; from lab.paths import atomic_write_text\n"
        "p = Path(sys.argv[1])\n"
        "i = 0\n"
        "while True:\n"
        "    i += 1; atomic_write_text(p, f'new{i}\\n' * 1000)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(target)])
    try:
        import time

        time.sleep(0.5)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    lines = target.read_text().splitlines()
    assert len(lines) == 1000 and len(set(lines)) == 1
    leftovers = [p for p in tmp_path.iterdir() if p.name != "draft.py"]
    # at most the one temp file the killed writer had open; never a replaced, torn target
    assert len(leftovers) <= 1


def test_progress_json_is_plain_json():
    p = Progress.load()
    p.record_attempt("l", "s", passed=True)
    data = json.loads(paths.progress_file().read_text())
    assert data["lessons"]["l"]["steps"]["s"]["status"] == "done"


def test_merge_keeps_both_labs_progress_and_adds_attempts():
    a, b = Progress.load(), Progress.load()  # two labs, same file
    a.record_attempt("l", "s", passed=False)
    a.record_attempt("l", "s", passed=True)
    b.record_attempt("l", "s", passed=False)  # b never saw a's attempts
    b.set_position("l", 3)
    b.mark_visited("l", "t")
    final = Progress.load()
    state = final.step_state("l", "s")
    assert state.status == "done" and state.attempts == 3 and state.passed_at  # never goes back
    assert final.current_step("l") == 3 and final.step_state("l", "t").status == "in_progress"


def test_progress_save_failure_is_told_and_kept_in_memory(monkeypatch):
    import errno

    def no_space(*a, **k):  # the one injected fault: ENOSPC at the OS boundary
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    p = Progress.load()
    p.record_attempt("l", "a", passed=False)
    other = Progress.load()  # a second lab
    other.set_position("m", 2)  # saved by the other lab: p first sees lesson m in its failing save
    real = os.replace
    monkeypatch.setattr(os, "replace", no_space)
    p.mark_done("l", "s")  # does not raise
    p.set_position("m", 5)  # moved here while only in memory: must win over the disk's 2
    p.record_attempt("l", "a", passed=False)
    p.record_attempt("l", "a", passed=False)
    assert p.step_state("l", "s").status == "done" and p.save_error is not None
    (text,) = notices.drain()
    assert "could not be saved" in text and "disk is full" in text and str(paths.progress_file()) in text
    monkeypatch.setattr(os, "replace", real)
    other.record_attempt("l", "a", passed=True)  # the other lab's attempt lands while ours are in memory
    p.mark_visited("l", "t")
    final = Progress.load()
    assert final.step_state("l", "s").status == "done"
    assert final.step_state("l", "a").attempts == 4 and final.step_state("l", "a").status == "done"
    assert final.current_step("m") == 5
    assert "saved again" in notices.drain()[0]
