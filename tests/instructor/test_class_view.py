"""`--class DIR` and `numba-lab class DIR`: learners' status files and the instructor's live view.

Real files in a real folder with the modes `numba-lab class init` gives it; other learners' files
belong to other uids (chown, so these tests need root; without it they skip and say so), and the
view runs as the real Textual app under Pilot."""

from __future__ import annotations

import grp
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from rich.text import Text

from lab import class_cmd, class_status
from lab.class_roster import Roster, to_csv
from lab.ui.app import make_app
from lab.ui.screens.class_view import ClassApp, ClassScreen

from .support import ROOT, lab_argv

TINY = ROOT / "tests" / "ui" / "lessons_tiny"
ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="other learners' files need other owners (chown needs root)")
HOSTILE_LESSON = "[/]"
HOSTILE_KIND = "[@click=app.quit]x"


def status(lesson="alpha", step=1, **kw) -> dict:
    now = time.time()
    doc = {"version": 1, "lesson": lesson, "lesson_title": lesson.title(), "lesson_index": 1, "step": step,
           "step_title": f"step {step}", "steps_in_lesson": 3, "lesson_done": step - 1, "steps_done": step - 1,
           "attempts": 0, "last_result": "", "error_kind": "", "step_since": now - 30, "ts": now}
    doc.update(kw)
    return doc


def put(folder: Path, uid: int, doc, *, owner: int | None = None, name: str | None = None) -> Path:
    """A learner's file as that learner's lab leaves it: mode 0644, owned by `owner` (default: `uid`)."""
    path = folder / (name or f"{uid}.json")
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    path.chmod(0o644)
    os.chown(path, owner if owner is not None else uid, -1)
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    folder = tmp_path / "class"
    class_cmd.init_folder(folder, None)
    return folder


@pytest.fixture
def full_class(folder) -> Path:
    """Six learners and four files that are not: the view must show all of them for what they are."""
    now = time.time()
    put(folder, 5001, status("alpha", 2, attempts=4, last_result="failed", step_since=now - 20 * 60))  # stuck longest
    put(folder, 5002, status("alpha", 2, attempts=1, last_result="error", error_kind=HOSTILE_KIND,
                             step_since=now - 7 * 60))  # stuck
    put(folder, 5003, status("alpha", 3, attempts=1, last_result="passed"))
    put(folder, 5004, status("beta", 1, lesson_index=2, lesson_title=HOSTILE_LESSON))
    put(folder, 5005, status(HOSTILE_LESSON, 1, lesson_index=3, lesson_title=""))
    put(folder, 5006, status("alpha", 1, ts=now - 3600, step_since=now - 3600))  # away, not stuck
    put(folder, 5007, status("alpha", 1), owner=5008)  # foreign-owned: someone planted 5007.json
    put(folder, 5009, "{" * 10 + "not json")  # malformed
    put(folder, 5010, status(step=0))  # malformed: out of range
    put(folder, 5011, json.dumps(status()) + " " * 5000)  # oversized
    os.symlink("/etc/passwd", folder / "5012.json")
    os.mkfifo(folder / "5013.json")  # would block a reader that opened it
    os.chown(folder / "5013.json", 5013, -1)
    (folder / "[@click=app.quit]x.json").write_text("{}")  # not named <uid>.json, and a hostile name
    return folder


# ----------------------------------------------------------------------------- the folder and the writer
def test_class_init_makes_a_sticky_folder_others_cannot_list(tmp_path):
    lines = class_cmd.init_folder(tmp_path / "c", None)
    mode = stat.S_IMODE(os.stat(tmp_path / "c").st_mode)
    assert mode == 0o1733 and any("1733" in x for x in lines)


def test_class_init_with_a_group_through_the_cli(tmp_path):
    group = grp.getgrgid(os.getgid()).gr_name
    out = subprocess.run(lab_argv("class", "init", str(tmp_path / "g"), "--group", group), cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    st = os.stat(tmp_path / "g")
    assert stat.S_IMODE(st.st_mode) == 0o3770 and st.st_gid == os.getgid()
    assert f"numba-lab --class {tmp_path / 'g'}" in out.stdout
    out = subprocess.run(lab_argv("class", "init", str(tmp_path / "h"), "--group", "no-such-group-x"), cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "no group named" in out.stderr and not (tmp_path / "h").exists()


def test_class_flag_and_environment(monkeypatch):
    from lab.cli import build_parser
    from lab.ui.app import settings_from_args

    monkeypatch.delenv("NUMBA_LAB_CLASS", raising=False)
    assert settings_from_args(build_parser().parse_args(["--class", "/srv/c"])).class_dir == "/srv/c"
    assert settings_from_args(build_parser().parse_args([])).class_dir is None
    monkeypatch.setenv("NUMBA_LAB_CLASS", "/srv/env")
    assert settings_from_args(build_parser().parse_args([])).class_dir == "/srv/env"


async def test_learner_lab_reports_moves_and_runs(folder):
    app = make_app(lesson_dirs=[TINY], cuda="off", spare=False, engine=False, class_dir=str(folder))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.open_lesson("alpha", 1)
        await pilot.pause()
        mine = folder / f"{os.getuid()}.json"
        st = os.lstat(mine)
        assert stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o644
        got = class_status.read_status(mine, os.getuid())
        assert (got.lesson, got.step, got.step_title, got.steps_in_lesson) == ("alpha", 2, "Add two numbers", 3)
        screen = app.screen
        app.report_run(screen.lesson, screen.step, [{"etype": "TypingError"}], False)
        got = class_status.read_status(mine, os.getuid())
        assert (got.last_result, got.error_kind) == ("error", "TypingError")
        assert os.listdir(folder) == [mine.name]  # no temp file left behind, nobody else's file touched


async def _wait_for(pilot, condition, what: str, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.2)


def _mine(folder: Path):
    try:
        return class_status.read_status(folder / f"{os.getuid()}.json", os.getuid())
    except Exception:
        return None


async def test_real_runs_and_checks_reach_the_status_file(folder):
    """The real engine: the live run after opening the step, then a failing check (f8)."""
    app = make_app(lesson_dirs=[TINY], cuda="off", spare=False, class_dir=str(folder))
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        app.open_lesson("alpha", 2)
        await _wait_for(pilot, lambda: getattr(_mine(folder), "last_result", "") == "ran", "the live run")
        await pilot.press("f8")
        await _wait_for(pilot, lambda: _mine(folder).attempts == 1, "the check")
        got = _mine(folder)
        assert (got.lesson, got.step, got.last_result, got.error_kind) == ("alpha", 3, "failed", "")


def test_writer_replaces_a_planted_symlink_never_follows_it(folder, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    victim.chmod(0o600)
    (folder / f"{os.getuid()}.json").symlink_to(victim)
    writer = class_status.StatusWriter(folder)
    writer.moved(lesson="alpha", lesson_title="A", lesson_index=1, step=1, step_title="s", steps_in_lesson=1,
                 lesson_done=0, steps_done=0, attempts=0, passed=False)
    assert writer.error is None
    assert victim.read_text() == "precious\n" and stat.S_IMODE(victim.stat().st_mode) == 0o600
    assert not (folder / f"{os.getuid()}.json").is_symlink()


def test_writer_refuses_folders_it_should_not_write(tmp_path):
    missing = class_status.StatusWriter(tmp_path / "nope")
    assert "does not exist" in missing.error and not (tmp_path / "nope").exists()  # never created by a learner
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # writable by all, not sticky: anyone could replace our file
    writer = class_status.StatusWriter(shared)
    assert "not sticky" in writer.error
    assert not writer.moved(lesson="a", lesson_title="", lesson_index=1, step=1, step_title="", steps_in_lesson=1,
                            lesson_done=0, steps_done=0, attempts=0, passed=False)
    assert os.listdir(shared) == []


@ROOT_ONLY
def test_another_learner_cannot_replace_my_file(tmp_path):
    """A real second account (uid 5100) in the sticky folder: its lab cannot overwrite or delete our file."""
    base = Path(tempfile.mkdtemp(prefix="numba-lab-class-"))  # reachable by the other account (pytest's is 0700)
    try:
        _cannot_replace(base)
    finally:
        shutil.rmtree(base)


def _cannot_replace(base: Path) -> None:
    base.chmod(0o755)
    folder = base / "class"
    class_cmd.init_folder(folder, None)
    mine = put(folder, os.getuid(), status())
    code = ("import os, sys\n"
            "from lab import class_status\n"  # imported first: the stdlib may be unreadable for uid 5100
            "os.setgid(5100); os.setuid(5100)\n"
            "w = class_status.StatusWriter(sys.argv[1], uid=int(sys.argv[2]))\n"
            "w.moved(lesson='x', lesson_title='', lesson_index=1, step=1, step_title='', steps_in_lesson=1,"
            " lesson_done=0, steps_done=0, attempts=0, passed=False)\n"
            "print(w.error)\n"
            "try:\n    os.unlink(sys.argv[3])\nexcept OSError as e:\n    print('unlink', e.errno)\n")
    out = subprocess.run([sys.executable, "-c", code, str(folder), str(os.getuid()), str(mine)], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert "another account" in out.stdout and "unlink 1" in out.stdout, out.stdout + out.stderr
    assert class_status.read_status(mine, os.getuid()).lesson == "alpha"


# ----------------------------------------------------------------------------- the roster
@ROOT_ONLY
def test_roster_sorts_stuck_first_and_names_bad_files(full_class):
    roster = Roster(full_class)
    roster.refresh()
    rows = roster.export()
    assert [r["uid"] for r in rows[:2]] == [5001, 5002]  # stuck, longest first
    assert [r["state"] for r in rows[:2]] == ["stuck", "stuck"]
    by_file = {r["file"]: r for r in rows}
    assert by_file["5006.json"]["state"] == "away"
    assert by_file["5007.json"]["state"] == "foreign-owned" and "lesson" not in by_file["5007.json"]
    assert by_file["5009.json"]["state"] == "malformed" and by_file["5010.json"]["state"] == "malformed"
    assert by_file["5011.json"]["state"] == "oversized"
    assert by_file["5012.json"]["state"] == "not a regular file"
    assert by_file["5013.json"]["state"] == "not a regular file"
    assert by_file["[@click=app.quit]x.json"]["state"] == "malformed"
    assert [r["state"] for r in rows[-7:]].count("ok") == 0  # problem files last
    assert roster.count_on("alpha", 2) == 2 and roster.count_on(HOSTILE_LESSON, 1) == 1
    assert roster.stats == 13 + 2 * roster.reads  # one lstat per file, plus lstat+fstat per file read
    roster.refresh()
    assert (roster.stats, roster.reads) == (13, 0)  # nothing changed: one stat per file, nothing read


def _write_mine(folder: Path, kind: str) -> None:
    mine = folder / f"{os.getuid()}.json"
    if kind == "symlink":
        mine.symlink_to("/etc/passwd")
    elif kind == "fifo":
        os.mkfifo(mine)
    elif kind == "oversized":
        mine.write_text(json.dumps(status()) + " " * 5000)
    elif kind == "not json":
        mine.write_text("[" * 2000)  # deep nesting, under the size cap
    elif kind == "nested":
        mine.write_text(json.dumps({**status(), "lesson": {"a": 1}}))
    elif kind == "out of range":
        mine.write_text(json.dumps(status(step=0)))
    elif kind == "foreign":  # named for another uid, owned by us
        (folder / f"{os.getuid() + 1}.json").write_text(json.dumps(status()))


@pytest.mark.parametrize("kind, state", [
    ("symlink", "not a regular file"), ("fifo", "not a regular file"), ("oversized", "oversized"),
    ("not json", "malformed"), ("nested", "malformed"), ("out of range", "malformed"), ("foreign", "foreign-owned"),
])
def test_each_bad_file_is_named_for_what_it_is(folder, kind, state):
    """Works without root: one file of our own uid (or one named for the next uid) per case."""
    _write_mine(folder, kind)
    roster = Roster(folder)
    roster.refresh()
    (row,) = roster.export()
    assert row["state"] == state and row["problem"] and "lesson" not in row


async def test_hostile_text_in_my_own_file_is_shown_as_written(folder):
    put(folder, os.getuid(), status(HOSTILE_LESSON, 2, lesson_title=HOSTILE_LESSON, step_title=HOSTILE_KIND,
                                     last_result="error", error_kind=HOSTILE_KIND))
    app = ClassApp(folder)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        learners = app.screen.query_one("#class-learners")
        cells = cell_text(learners, 0)
        assert cells[7] == f"error: {HOSTILE_KIND}" and cells[6] == f"1. {HOSTILE_LESSON} · step 2/3"
        assert app.screen.steps == [(f"1. {HOSTILE_LESSON} · step 2/3: {HOSTILE_KIND}", "1")]
        await pilot.press("r")
        assert app.is_running


@ROOT_ONLY
def test_json_and_csv_export(full_class):
    out = subprocess.run(lab_argv("class", str(full_class), "--json"), cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert rows[0]["uid"] == 5001 and any(r.get("error_kind") == HOSTILE_KIND for r in rows)
    out = subprocess.run(lab_argv("class", str(full_class), "--csv"), cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    header, first = out.stdout.splitlines()[:2]
    assert header.startswith("who,uid,state,lesson") and ",5001,stuck,alpha," in first
    assert to_csv([{"who": "=cmd()", "lesson": "-2+3"}]).splitlines()[1].startswith("'=cmd(),,,'-2+3")


# ----------------------------------------------------------------------------- the screen
def cell_text(table, row: int) -> list[str]:
    return [str(getattr(c, "plain", c)) for c in table.get_row_at(row)]


@ROOT_ONLY
async def test_class_view_screen(full_class):
    app = ClassApp(full_class)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ClassScreen)
        learners = screen.query_one("#class-learners")
        assert learners.row_count == 13
        assert cell_text(learners, 0)[1] == "stuck" and cell_text(learners, 1)[1] == "stuck"
        assert cell_text(learners, 1)[7] == f"error: {HOSTILE_KIND}"  # shown literally, not a live action
        assert all(isinstance(c, Text) for c in learners.get_row_at(1))  # never a str (parsed as markup)
        states = [cell_text(learners, i)[1] for i in range(13)]
        assert states[-7:].count("malformed") == 3 and "foreign-owned" in states and "oversized" in states
        assert any(cell_text(learners, i)[6].startswith(f"2. {HOSTILE_LESSON}") for i in range(13))
        assert any(cell_text(learners, i)[0] == "[@click=app.quit]x.json" for i in range(13))
        steps = {where: n for where, n in screen.steps}
        assert steps["1. Alpha · step 2/3: step 2"] == "2"
        assert screen.summary.endswith("6 learners · 2 stuck · 1 away · 7 file(s) not shown as learners")
        await pilot.click("#class-learners", offset=(5, 3))  # clicking the hostile text runs nothing
        await pilot.press("r")
        await pilot.pause()
        assert app.is_running
        # live: a learner moves on, a file disappears; the next refresh shows it
        put(full_class, 5001, status("alpha", 3, last_result="passed"))
        (full_class / "5009.json").unlink()
        await pilot.pause(1.3)
        assert learners.row_count == 12 and cell_text(learners, 0)[0] != "5001"
        assert dict(screen.steps)["1. Alpha · step 3/3: step 3"] == "2"


@ROOT_ONLY
async def test_presenter_sees_learners_on_the_presented_step(full_class, tmp_path):
    app = make_app(lesson_dirs=[TINY], cuda="off", spare=False, engine=False, class_dir=str(full_class),
                   present=str(tmp_path / "present.json"))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.open_lesson("alpha", 1)
        await pilot.pause()
        assert app.follow_text == "2 of 6 learners on this step"
        banner = app.screen.query_one("FollowBanner")
        assert "2 of 6 learners on this step" in str(banner.render())
        assert not (full_class / f"{os.getuid()}.json").exists()  # the presenter is not a learner
