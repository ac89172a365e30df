"""Follow the instructor: the presenter file (atomic, world-readable) and the learner's watcher."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest

from lab import follow
from lab.follow import FollowState, FollowWatcher, Presenter, publish, read_follow

from .support import ROOT


def _state(step=1, lesson="first-jit", index=1):
    return FollowState(lesson, "Your first @jit", index, step, f"step {step}", time.time(), "teacher")


def test_publish_then_read_round_trips(tmp_path):
    path = tmp_path / "present.json"
    publish(_state(2), path)
    got = read_follow(path)
    assert got is not None and (got.lesson, got.step, got.lesson_index, got.step_title) == ("first-jit", 2, 1, "step 2")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # learners are other users: they must read it
    assert [p.name for p in tmp_path.iterdir()] == ["present.json"]  # no temp file left behind


def test_read_follow_tolerates_missing_garbage_and_half_files(tmp_path):
    path = tmp_path / "p.json"
    assert read_follow(path) is None
    path.write_text("{\"lesson\": \"x\", \"st")
    assert read_follow(path) is None
    path.write_text(json.dumps({"something": "else"}))
    assert read_follow(path) is None
    path.write_text(json.dumps({"lesson": "types", "step": 3}))  # older/minimal files still read
    assert read_follow(path).step == 3


def test_read_follow_ignores_a_file_owned_by_someone_else(tmp_path):
    path = tmp_path / "p.json"
    publish(_state(), path)
    assert read_follow(path, expect_uid=os.getuid()) is not None
    assert read_follow(path, expect_uid=os.getuid() + 12345) is None


def test_watcher_sees_each_move_once_and_the_presenter_leaving(tmp_path):
    path = tmp_path / "p.json"
    watcher = FollowWatcher(path, check_owner=False)
    assert watcher.poll() is None and watcher.state is None
    presenter = Presenter(path)
    assert presenter.update("first-jit", "Your first @jit", 1, 1, "What Numba is")
    first = watcher.poll()
    assert first is not None and first.step == 1
    assert watcher.poll() is None  # unchanged file: nothing new (one stat, no read)
    assert not presenter.update("first-jit", "Your first @jit", 1, 1, "What Numba is")  # same place: no write
    assert presenter.update("types", "Types", 2, 3, "Eager signatures")
    moved = watcher.poll()
    assert moved is not None and (moved.lesson, moved.lesson_index, moved.step) == ("types", 2, 3)
    assert "lesson 2, step 3" in watcher.banner_text() and "ctrl+j" in watcher.banner_text()
    presenter.close()
    assert not path.exists()
    assert watcher.poll() is None and watcher.state is None and watcher.gone_changed
    assert "not presenting" in watcher.banner_text()


def test_presenter_in_another_process_moves_the_learner(tmp_path):
    """Presenter and learner are separate processes sharing only the file (same box, no network)."""
    path = tmp_path / "numba-lab-present-teacher.json"
    watcher = FollowWatcher(path, check_owner=False)
    code = ("import sys, time\nfrom lab.follow import Presenter\np = Presenter(sys.argv[1])\n"
            "for step in (1, 2, 3):\n    p.update('first-jit', 'Your first @jit', 1, step, f's{step}')\n"
            "    print(step, flush=True)\n    sys.stdin.readline()\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, cwd=str(ROOT))
    try:
        seen = []
        for expected in (1, 2, 3):
            assert proc.stdout.readline().strip() == str(expected)
            state = watcher.poll()
            assert state is not None
            seen.append(state.step)
            proc.stdin.write("\n")
            proc.stdin.flush()
        assert seen == [1, 2, 3]
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    assert proc.returncode == 0


def test_resolve_paths(tmp_path, monkeypatch):
    monkeypatch.delenv("NUMBA_LAB_PRESENTER", raising=False)
    assert follow.resolve_present_path(SimpleNamespace(present=None)) is None
    default = follow.resolve_present_path(SimpleNamespace(present=""))
    assert default.name.startswith("numba-lab-present-") and default.suffix == ".json"
    assert follow.resolve_present_path(SimpleNamespace(present=str(tmp_path / "x.json"))) == tmp_path / "x.json"
    assert follow.resolve_follow_path(str(tmp_path / "x.json")) == tmp_path / "x.json"
    by_user = follow.resolve_follow_path("alice")
    assert by_user.name == "numba-lab-present-alice.json"
    monkeypatch.setenv("NUMBA_LAB_PRESENTER", "bob")
    assert follow.resolve_follow_path("").name == "numba-lab-present-bob.json"
    monkeypatch.delenv("NUMBA_LAB_PRESENTER")
    assert follow.resolve_follow_path("") is None  # discover


def test_watcher_discovers_the_only_presenter(tmp_path, monkeypatch):
    monkeypatch.setattr(follow.tempfile, "gettempdir", lambda: str(tmp_path))
    watcher = FollowWatcher.for_value("")
    assert watcher.path is None
    assert watcher.poll() is None and "no presenter" in watcher.error
    publish(_state(4), follow.default_present_path("teacher"))
    state = watcher.poll()
    assert state is not None and state.step == 4 and watcher.path.name == "numba-lab-present-teacher.json"
    other = FollowWatcher.for_value("")
    publish(_state(1), follow.default_present_path("someone"))
    assert other.poll() is None and "several presenters" in other.error


def test_publish_into_a_file_someone_else_owns_is_an_error_not_a_crash(tmp_path):
    if os.getuid() == 0:
        pytest.skip("root can replace any file")
    d = tmp_path / "ro"
    d.mkdir()
    d.chmod(0o500)
    try:
        p = Presenter(d / "p.json")
        assert not p.update("a", "A", 1, 1, "s")
        assert p.error
    finally:
        d.chmod(0o700)


def test_describe_mentions_staleness():
    old = FollowState("perf", "Performance", 4, 2, "Scaling", time.time() - 5 * 3600, "")
    assert "lesson 4, step 2" in old.describe() and "h ago" in old.describe()
