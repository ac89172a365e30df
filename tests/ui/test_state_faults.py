"""The learner's state under attack (issue 9, sections 2, 4 and 5), driven through the real app.

Each case asserts three things: the learner is told the cause (a toast or the status line, seen by
Pilot), the app still answers keys, and nothing is lost (the bytes of a bad file are kept aside, the
editor text survives a failed save, another lab's progress and drafts survive). Disk full is a real
64 KiB tmpfs and a read-only home a real read-only bind mount where this machine allows mounting;
otherwise the ENOSPC / EROFS is injected at the OS boundary (os.replace), never faked above it.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lab import notices, paths
from lab.drafts import Drafts
from ui_support import app_for, open_step, wait_until

SIZE = (140, 40)


# ---------------------------------------------------------------- helpers
def toasts(app) -> list[str]:
    return [n.message for n in app._notifications]


def told(app, *words: str) -> str:
    """The one toast holding every word (the learner was told)."""
    hits = [t for t in toasts(app) if all(w in t for w in words)]
    assert hits, f"no toast with {words}: {toasts(app)}"
    return hits[0]


async def answers_keys(pilot) -> None:
    """From a lesson screen: back to the list, into the lesson again, next step; the app reacts each time."""
    from lab.ui.screens.lesson import LessonScreen
    from lab.ui.screens.lesson_list import LessonListScreen

    app = pilot.app
    assert isinstance(app.screen, LessonScreen)
    await pilot.press("ctrl+l")
    assert isinstance(app.screen, LessonListScreen)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, LessonScreen)
    before = app.screen.step_index
    await pilot.press("ctrl+n")
    await pilot.pause()
    assert app.screen.step_index != before or app.screen.lesson.id != "alpha"


async def type_in_editor(pilot, text: str) -> None:
    screen = pilot.app.screen
    screen.editor.focus()
    screen.editor.move_cursor(screen.editor.document.end)
    await pilot.press(*[{"\n": "enter", " ": "space", "#": "number_sign"}.get(c, c) for c in text])
    await pilot.pause()


def _sh(*cmd: str) -> bool:
    return subprocess.run(cmd, capture_output=True).returncode == 0


@pytest.fixture
def small_disk(tmp_path, monkeypatch):
    """(home, fill, free): a 64 KiB tmpfs as NUMBA_LAB_HOME; fill() uses up every block, free() gives
    them back. Without mount rights: a plain folder, and fill() injects ENOSPC at os.replace."""
    home = tmp_path / "tmpfs"
    home.mkdir()
    mounted = os.geteuid() == 0 and _sh("mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(home))
    monkeypatch.setenv("NUMBA_LAB_HOME", str(home))
    real_replace = os.replace

    def fill():
        if mounted:
            fd = os.open(home / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
            try:
                while True:
                    os.write(fd, b"\0" * 4096)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
            finally:
                os.close(fd)
        else:
            def no_space(*a, **k):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            monkeypatch.setattr(os, "replace", no_space)

    def free():
        if mounted:
            (home / "filler").unlink()
        else:
            monkeypatch.setattr(os, "replace", real_replace)

    yield home, fill, free
    if mounted:
        _sh("umount", "-l", str(home))


def make_readonly(path: Path, request) -> None:
    """A real read-only folder: a read-only bind mount as root (root ignores permission bits), else
    chmod a-w. Skips when neither takes effect here."""
    if os.geteuid() == 0:
        if not (_sh("mount", "--bind", str(path), str(path))
                and _sh("mount", "-o", "remount,ro,bind", str(path))):
            _sh("umount", "-l", str(path))
            pytest.skip("cannot make a read-only bind mount here (root without CAP_SYS_ADMIN)")
        request.addfinalizer(lambda: _sh("umount", "-l", str(path)))
    else:
        for d, _, _ in os.walk(path):
            os.chmod(d, 0o555)
        request.addfinalizer(lambda: [os.chmod(d, 0o755) for d, _, _ in os.walk(path)])
    probe = path / ".probe"
    try:
        probe.touch()
    except OSError:
        return
    probe.unlink()
    pytest.skip("the folder is still writable")


def write_progress(text: str | bytes) -> Path:
    p = paths.progress_file()
    p.write_bytes(text.encode() if isinstance(text, str) else text)
    return p


# ---------------------------------------------------------------- 2. state files validated
BAD_PROGRESS = {
    "list": "[]",
    "null": "null",
    "lessons-list": '{"lessons": []}',
    "garbage": "\x00\x01 not json at all {{{",
    "truncated": '{"version": 1, "lessons": {"alpha": {"step": 1, "steps": {"add": {"status": "do',
}


@pytest.mark.parametrize("name", list(BAD_PROGRESS))
async def test_progress_of_wrong_shape_is_set_aside_and_announced(name):
    original = write_progress(BAD_PROGRESS[name]).read_bytes()
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        (aside,) = paths.data_dir().glob("progress.json.bad-*")
        told(app, "progress file", str(aside))
        assert aside.read_bytes() == original  # the old file is kept byte for byte
        await open_step(pilot, "alpha", 1)
        await answers_keys(pilot)
    assert json.loads(paths.progress_file().read_text())["lessons"]["alpha"]  # saving works again


async def test_progress_step_of_wrong_shape_keeps_every_other_entry():
    doc = {"lessons": {"alpha": {"step": 2, "steps": {"add": "done", "double": {"status": "done", "attempts": 3}}},
                       "beta": {"step": 1, "steps": {"crash": {"status": "done"}}}}, "last_lesson": "beta"}
    write_progress(json.dumps(doc))
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        (aside,) = paths.data_dir().glob("progress.json.bad-*")
        text = told(app, str(aside), "lessons.alpha.steps.add")
        assert "Everything else was kept" in text
        assert json.loads(aside.read_text()) == doc
        assert app.progress.step_state("alpha", "double").attempts == 3
        assert app.progress.step_state("beta", "crash").status == "done"
        assert app.progress.current_step("alpha") == 2 and app.progress.last_lesson == "beta"
        await open_step(pilot, "alpha", 1)
        await answers_keys(pilot)
    kept = json.loads(paths.progress_file().read_text())
    assert kept["lessons"]["beta"]["steps"]["crash"]["status"] == "done"


async def test_progress_over_the_size_cap_is_not_read():
    write_progress(b'{"lessons": {}, "pad": "' + b"x" * (4 << 20) + b'"}')
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        (aside,) = paths.data_dir().glob("progress.json.bad-*")
        told(app, "too big", str(aside))
        assert aside.stat().st_size > 4 << 20
        await open_step(pilot, "alpha", 1)
        await answers_keys(pilot)


async def test_progress_that_is_a_fifo_does_not_block_start():
    os.mkfifo(paths.progress_file())
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        (aside,) = paths.data_dir().glob("progress.json.bad-*")
        told(app, "FIFO", str(aside))
        await open_step(pilot, "alpha", 1)
        await answers_keys(pilot)


def test_progress_command_prints_the_notice():
    write_progress("[]")
    out = subprocess.run([sys.executable, "-m", "lab", "progress", "--no-builtin"], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    (aside,) = paths.data_dir().glob("progress.json.bad-*")
    assert str(aside) in out.stderr and "Traceback" not in out.stderr


async def test_draft_not_utf8_is_kept_and_never_overwritten_silently():
    drafts = Drafts()
    path = drafts.path("alpha", "add")
    path.parent.mkdir(parents=True)
    raw = b"from numba import jit\n\n\n@jit\ndef add(x, y):\n    return x + y  # caf\xe9 \xff\n"
    path.write_bytes(raw)
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        (aside,) = path.parent.glob("add.py.bad-*")
        told(app, "not valid UTF-8", str(aside))
        assert aside.read_bytes() == raw
        assert "caf\ufffd \ufffd" in screen.editor.text  # the learner sees their code, bad bytes marked
        await type_in_editor(pilot, "#")
        await pilot.press("f5")  # saves now
        assert aside.read_bytes() == raw  # the first key did not touch the original bytes
        assert path.read_text().endswith("#")
        await answers_keys(pilot)


async def test_draft_path_that_is_a_folder_is_named_and_left_alone():
    drafts = Drafts()
    path = drafts.path("alpha", "add")
    (path / "inside").mkdir(parents=True)
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        told(app, str(path), "a directory")
        assert "def add" in screen.editor.text  # starter shown
        await type_in_editor(pilot, "#")
        await pilot.press("f5")
        assert "NOT SAVED" in screen.status.draft_note and "still in the editor" in screen.status.draft_note
        assert screen.editor.text.endswith("#")
        await answers_keys(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert pilot.app.screen.editor.text.endswith("#")  # kept in memory across steps
    assert (path / "inside").is_dir()


async def test_draft_that_is_a_fifo_does_not_block():
    drafts = Drafts()
    path = drafts.path("alpha", "add")
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        told(app, str(path), "FIFO")
        assert "def add" in screen.editor.text
        await answers_keys(pilot)
    assert Path(path).is_fifo()


# ---------------------------------------------------------------- 4. disk full, read-only homes
async def test_disk_full_keeps_the_code_and_says_where(small_disk, monkeypatch):
    from lab.ui.app import LabApp

    monkeypatch.setattr(LabApp, "SAVE_RETRY_S", 0.3)
    home, fill, free = small_disk
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        fill()
        await type_in_editor(pilot, "#mine")
        await pilot.press("ctrl+n")  # used to crash and lose the text
        await pilot.pause()
        told(app, "could not be saved", "the disk is full", "still in the editor")
        assert app.screen.step_index == 2
        await pilot.press("ctrl+p")
        await pilot.pause()
        screen = app.screen
        assert screen.editor.text.endswith("#mine")
        note = screen.status.draft_note
        assert "NOT SAVED" in note and "disk is full" in note and str(home) in note
        free()  # the lab saves by itself soon after, without another key
        await wait_until(pilot, lambda: screen.status.draft_note == "saved", 30, "the retried save")
        told(app, "saved again")
        assert Drafts().path("alpha", "add").read_text().endswith("#mine")
        await type_in_editor(pilot, "2")
        await pilot.press("f5")
        assert Drafts().path("alpha", "add").read_text().endswith("#mine2")
        await answers_keys(pilot)


async def test_read_only_home_opens_lessons_and_keeps_the_code(request):
    drafts = Drafts()
    drafts.save("alpha", "add", "from numba import jit\n\n\n@jit\ndef add(x, y):\n    return y + x\n")
    home = Path(os.environ["NUMBA_LAB_HOME"])
    make_readonly(home, request)
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step(pilot, "alpha", 1)  # used to crash with EROFS
        told(app, "progress could not be saved", "read-only")
        assert "return y + x" in screen.editor.text
        await type_in_editor(pilot, "#ro")
        await pilot.press("f5")
        assert "NOT SAVED" in screen.status.draft_note and "read-only" in screen.status.draft_note
        await answers_keys(pilot)
        await pilot.press("ctrl+q")  # the code exists only in memory: warned, not quit
        await pilot.pause()
        told(app, "alpha/add", "ctrl+q again")
        assert app.is_running
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.editor.text.endswith("#ro")
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running


@pytest.mark.parametrize("command", [[], ["run", "k.py", "--entry", "f", "--call", "f(1)"]])
def test_unwritable_new_home_is_one_line(tmp_path, request, command):
    (tmp_path / "k.py").write_text("from numba import njit\n\n@njit\ndef f(x):\n    return x\n")
    ro = tmp_path / "ro"
    ro.mkdir()
    make_readonly(ro, request)
    env = {**os.environ, "NUMBA_LAB_HOME": str(ro / "new")}
    out = subprocess.run([sys.executable, "-m", "lab", *command], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert str(ro / "new") in out.stderr and "NUMBA_LAB_HOME" in out.stderr


# ---------------------------------------------------------------- 5. two labs for one user
LAB_A = """
from lab.progress import Progress
p = Progress.load()
p.mark_done("alpha", "intro")
p.record_attempt("alpha", "add", passed=True)
"""


async def test_second_lab_opening_a_lesson_keeps_the_first_labs_progress():
    app = app_for()  # lab B: loaded before lab A did anything
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        subprocess.run([sys.executable, "-c", LAB_A], check=True, timeout=120)  # lab A, its own process
        await open_step(pilot, "beta", 0)  # used to erase lab A's two done steps
        doc = json.loads(paths.progress_file().read_text())
        assert doc["lessons"]["alpha"]["steps"]["intro"]["status"] == "done"
        assert doc["lessons"]["alpha"]["steps"]["add"]["status"] == "done"
        assert doc["lessons"]["beta"]["steps"]["crash"]["status"] == "in_progress"
        assert app.progress.step_state("alpha", "add").status == "done"  # B now sees A's progress too
        await answers_keys(pilot)


HAMMER = """
import sys
from lab.progress import Progress
p = Progress.load()
for i in range(40):
    p.record_attempt("alpha", "add", passed=False)
    p.set_position("alpha", int(sys.argv[1]))
"""


def test_two_labs_recording_at_once_lose_no_attempt():
    procs = [subprocess.Popen([sys.executable, "-c", HAMMER, str(n)]) for n in (1, 2)]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    doc = json.loads(paths.progress_file().read_text())
    assert doc["lessons"]["alpha"]["steps"]["add"]["attempts"] == 80


async def test_draft_changed_by_another_lab_keeps_both_versions():
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        other = "# written in the other lab\n"
        Drafts().save("alpha", "add", other)  # lab B saves the same step's draft
        await type_in_editor(pilot, "#here")
        await pilot.press("f5")
        path = app.drafts.path("alpha", "add")
        (aside,) = path.parent.glob("add.py.conflict-*")
        told(app, "changed by another numba-lab", str(aside))
        assert aside.read_text() == other
        assert path.read_text() == screen.editor.text and path.read_text().endswith("#here")
        await answers_keys(pilot)


def test_notices_are_told_once():
    notices.tell("a", key="k")
    notices.tell("a again", key="k")
    assert notices.drain() == ["a"]
