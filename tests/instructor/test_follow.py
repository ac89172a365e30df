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
    me = follow.owner_name(os.getuid())
    watcher = FollowWatcher.for_value("")
    assert watcher.path is None
    assert watcher.poll() is None and "no presenter" in watcher.error
    publish(_state(4), follow.default_present_path(me))
    state = watcher.poll()
    assert state is not None and state.step == 4 and watcher.path.name == f"numba-lab-present-{me}.json"
    assert state.presenter == me  # the owner's name, not the file's "teacher"


def test_discovery_trusts_only_the_owner(tmp_path, monkeypatch):
    """A file named for user "teacher" (or for root) but owned by someone else is not a presenter."""
    monkeypatch.setattr(follow.tempfile, "gettempdir", lambda: str(tmp_path))
    publish(_state(2), follow.default_present_path("teacher"))  # no such user: nobody can own it
    watcher = FollowWatcher.for_value("")
    assert watcher.poll() is None and watcher.state is None
    assert "no presenter" in watcher.error and "ignored 1 file" in watcher.error


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to make a file another user owns")
def test_several_presenters_are_listed_by_owner(tmp_path, monkeypatch):
    import pwd

    monkeypatch.setattr(follow.tempfile, "gettempdir", lambda: str(tmp_path))
    other = pwd.getpwuid(65534).pw_name  # nobody
    publish(_state(1), follow.default_present_path(follow.owner_name(0)))
    theirs = follow.default_present_path(other)
    publish(_state(3), theirs)
    os.chown(theirs, 65534, 65534)
    watcher = FollowWatcher.for_value("")
    assert watcher.poll() is None and watcher.state is None
    assert "several presenters" in watcher.error
    assert other in watcher.error and follow.owner_name(0) in watcher.error
    assert "--follow USER" in watcher.banner_text()


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


# ----------------------------------------------------------------------------- hostile presenter files
def _reason(path, **kw) -> str:
    with pytest.raises(follow.FollowError) as info:
        follow.read_presenter(path, **kw)
    return str(info.value)


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "numba-lab-present-x.json"
    os.mkfifo(fifo)  # nobody writes to it: opening it for reading the plain way would block forever
    assert "FIFO" in _reason(fifo) and str(fifo) in _reason(fifo)
    watcher = FollowWatcher(fifo, check_owner=False)
    assert watcher.poll() is None and watcher.state is None
    assert "FIFO" in watcher.banner_text()


def test_a_device_and_a_directory_are_refused(tmp_path):
    assert "character device" in _reason("/dev/zero")
    assert "directory" in _reason(tmp_path)


def test_a_file_over_the_cap_is_not_read(tmp_path):
    big = tmp_path / "p.json"
    with open(big, "wb") as handle:
        handle.truncate(3 << 30)  # sparse: 3 GiB that take no disk
    assert "too big" in _reason(big) and str(follow.MAX_PRESENT_BYTES) in _reason(big)


def test_a_symlink_loop_is_named(tmp_path):
    loop = tmp_path / "p.json"
    loop.symlink_to(tmp_path / "q.json")
    (tmp_path / "q.json").symlink_to(loop)
    assert "symlink loop" in _reason(loop)


BAD_FILES = [
    ("[" * 60_000, "nests too deeply"),
    ('{"lesson": "a", "step": 1, "x": ' + "[" * 50 + "]" * 50 + "}", "nested"),
    ('{"lesson": "a", "step": 1, "ts": 1e400}', "finite"),
    ('{"lesson": "a", "step": 1' + "0" * 5000 + "}", "not a numba-lab presenter file"),
    ('{"lesson": "a", "step": 10000000000000000000000}', "step"),
    ('{"lesson": "a", "step": -2}', "step"),
    ('{"lesson": "a", "step": 1, "lesson_index": -1}', "lesson_index"),
    ('{"lesson": "a", "step": true}', "step"),
    ('{"lesson": "", "step": 1}', "lesson"),
    ('{"lesson": "a", "step": 1, "lesson_title": ' + json.dumps("t" * 5000) + "}", "lesson_title"),
    ("[1, 2]", "JSON object"),
    ('"just a string"', "JSON object"),
    (b"\xff\xfe{}", "not a numba-lab presenter file"),
]


@pytest.mark.parametrize("text, why", BAD_FILES,
                         ids=[f"bad{i}-{why.split()[0]}" for i, (_, why) in enumerate(BAD_FILES)])
def test_bad_presenter_files_are_ignored_with_a_reason(tmp_path, text, why):
    path = tmp_path / "p.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    assert why in _reason(path)
    watcher = FollowWatcher(path, check_owner=False)
    assert watcher.poll() is None and watcher.state is None and watcher.changed
    assert why in watcher.banner_text() and "following the instructor" in watcher.banner_text()


def test_a_good_file_after_a_bad_one_is_followed_again(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"lesson": "a", "step": 1, "ts": 1e400}')
    watcher = FollowWatcher(path, check_owner=False)
    watcher.poll()
    assert "finite" in watcher.banner_text()
    publish(_state(3), path)
    assert watcher.poll() is not None and watcher.state.step == 3 and watcher.error is None


def test_fields_are_plain_one_line_text_and_the_name_is_the_owners(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"lesson": "a", "step": 1, "lesson_title": "[/b] x\x1b[2J\nnext",
                                "presenter": "the-principal"}))
    state = follow.read_presenter(path)
    assert state.lesson_title == "[/b] x [2J next"  # escape and newline out; brackets kept as text
    assert state.presenter == follow.owner_name(os.getuid())  # never what the file claims
    assert "the-principal" not in state.describe()


def test_a_file_planted_under_the_presenters_name_is_ignored(tmp_path):
    path = tmp_path / "p.json"
    publish(_state(), path)
    why = _reason(path, expect_uid=os.getuid() + 12345)
    assert "owned by" in why and "ignored" in why


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_presenter_file_is_removed_on_signal(tmp_path, signame):
    import signal

    path = tmp_path / "p.json"
    code = ("import sys, time\nfrom lab.follow import Presenter\np = Presenter(sys.argv[1])\n"
            "p.update('first-jit', 'Your first @jit', 1, 1, 's')\nprint('up', flush=True)\ntime.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True,
                            cwd=str(ROOT))
    try:
        assert proc.stdout.readline().strip() == "up" and path.exists()
        proc.send_signal(getattr(signal, signame))
        rc = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert rc == -getattr(signal, signame)  # it still dies of the signal, as it would have
    assert not path.exists()


def test_publish_failure_is_kept_as_a_plain_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    p = Presenter(blocker / "sub" / "p.json")  # a folder that cannot exist: its parent is a file
    assert not p.update("a", "A", 1, 1, "s")
    assert p.error and "cannot publish" in p.error and str(blocker) in p.error
