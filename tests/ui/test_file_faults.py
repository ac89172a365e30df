"""Files of the wrong kind or size, met by the real app (issue 9, sections 3 and 8).

Each case puts a real hostile file or folder beside the tiny lesson folder (or as the presenter file)
and asserts: the cause is shown, the app answers keys, and nothing else is lost (every tiny lesson
still loads and opens). We run as root in CI, where chmod 000 does not stop reads: the unreadable
folder cases use paths that fail for everyone (a path through a file, a dangling or looping
symlink); the chmod 000 case runs only as a normal user, and tests/lessons/test_check_cli.py covers
it as another user through `numba-lab check`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from lab.ui.screens.dialogs import HelpScreen
from lab.ui.screens.lesson import LessonScreen
from lab.ui.status.follow_banner import FollowBanner

from ui_support import TINY, app_for, wait_until

TINY_IDS = ["alpha", "beta", "gamma"]
GOOD = Path(__file__).parents[1] / "lessons" / "valid" / "good.yaml"


def _errors_text(app) -> str:
    return str(app.screen.query_one("#load-errors", Static).render())


async def _answers_keys(pilot) -> None:
    """F1 opens the help and escape closes it; enter opens the highlighted lesson, escape is not
    needed: we go back with the app's own navigation."""
    app = pilot.app
    await pilot.press("f1")
    await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), 10, "help screen")
    await pilot.press("escape")
    await wait_until(pilot, lambda: not isinstance(app.screen, HelpScreen), 10, "help closed")


async def _all_tiny_lessons_open(pilot) -> None:
    app = pilot.app
    assert [l.id for l in app.catalog.lessons if l.id in TINY_IDS] == TINY_IDS
    app.open_lesson("gamma", 0)
    await pilot.pause()
    assert isinstance(app.screen, LessonScreen) and app.screen.lesson.id == "gamma"


async def _check_lesson_fault(extra: Path, *why: str) -> None:
    app = app_for(engine=False, lesson_dirs=[TINY, extra])
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        text = _errors_text(app)
        for word in why:
            assert word in text, text
        await _answers_keys(pilot)
        await _all_tiny_lessons_open(pilot)


async def test_fifo_lesson_file_is_refused_without_blocking(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    os.mkfifo(pack / "fifo.yaml")  # nobody writes: reading it the plain way blocks for ever
    await _check_lesson_fault(pack, "fifo.yaml", "FIFO")


async def test_fifo_given_directly_as_a_lesson_file(tmp_path):
    fifo = tmp_path / "lesson.yaml"
    os.mkfifo(fifo)
    await _check_lesson_fault(fifo, str(fifo), "FIFO")


async def test_device_lesson_file_is_refused():
    await _check_lesson_fault(Path("/dev/zero"), "/dev/zero", "character device")


async def test_huge_sparse_lesson_file_is_not_read(tmp_path):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as handle:
        handle.truncate(3 << 30)  # 3 GiB that take no disk; reading it would take 3 GiB of memory
    await _check_lesson_fault(big, "big.yaml", "too big", str(3 << 30))


async def test_symlink_loop_is_named(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "a.yaml").symlink_to(pack / "b.yaml")
    (pack / "b.yaml").symlink_to(pack / "a.yaml")
    await _check_lesson_fault(pack, "a.yaml", "symlink loop")


async def test_looping_folder_is_one_error(tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    await _check_lesson_fault(loop, str(loop), "symlink loop")


async def test_folder_path_through_a_file_is_one_error(tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a folder")
    await _check_lesson_fault(blocker / "lessons", "notes.txt", "not a folder")


async def test_dangling_folder_symlink_says_where_it_points(tmp_path):
    link = tmp_path / "class"
    link.symlink_to(tmp_path / "unmounted")
    await _check_lesson_fault(link, "unmounted", "does not exist")


@pytest.mark.skipif(os.getuid() == 0, reason="root reads a chmod 000 folder; see test_check_cli for the "
                                             "same case run as another user")
async def test_unreadable_folder_is_one_error(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.yaml").write_text(GOOD.read_text())
    locked.chmod(0)
    try:
        await _check_lesson_fault(locked, "locked", "permission denied")
    finally:
        locked.chmod(0o700)


async def test_bad_file_among_good_ones_names_its_line(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "good.yaml").write_text(GOOD.read_text())
    (pack / "nul.yaml").write_bytes(b"id: x\ntitle: T\x00\n")
    app = app_for(engine=False, lesson_dirs=[TINY, pack])
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert f"{pack / 'nul.yaml'}:2:9:" in _errors_text(app)
        assert app.catalog.find("corpus-good") is not None
        await _answers_keys(pilot)
        await _all_tiny_lessons_open(pilot)


async def test_many_lessons_load_while_the_list_answers_keys(tmp_path):
    """A pack of hundreds of files loads in a worker thread: the list is drawn and answers keys
    while lessons are still arriving, then holds every lesson in order."""
    pack = tmp_path / "pack"
    pack.mkdir()
    seed = GOOD.read_text()
    n = 600
    for i in range(n):
        (pack / f"p{i:04d}.yaml").write_text(seed.replace("id: corpus-good", f"id: p{i:04d}")
                                             .replace("order: 99", f"order: {1000 - i}"))
    app = app_for(engine=False, lesson_dirs=[TINY, pack])
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#lessons", OptionList)
        assert app.catalog.loading, "the pack should still be loading at the first frame"
        await wait_until(pilot, lambda: options.option_count >= 2 and options.highlighted is not None, 30,
                         "first rows")
        assert app.catalog.loading
        before = options.highlighted
        await pilot.press("down")
        assert options.highlighted == before + 1  # answered while loading
        await _answers_keys(pilot)
        assert "loading lessons" in str(options.border_subtitle)
        await wait_until(pilot, lambda: not app.catalog.loading, 300, "every file loaded")
        ids = [l.id for l in app.catalog.lessons]
        assert len(ids) == n + 3 and ids[:3] == TINY_IDS  # sorted by order: tiny (1-3) first
        assert ids[3:] == [f"p{i:04d}" for i in reversed(range(n))]
        assert options.option_count == n + 3 and not options.border_subtitle
        assert not app.catalog.errors
        await _answers_keys(pilot)
        await _all_tiny_lessons_open(pilot)


# ----------------------------------------------------------------------------- presenter files
async def _check_follow_fault(path: Path, *why: str) -> None:
    app = app_for(engine=False, follow=str(path))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        banner = app.screen.query_one(FollowBanner)
        await wait_until(pilot, lambda: all(w in str(banner.render()) for w in why), 10,
                         f"banner naming {why}: {banner.render()}")
        await _answers_keys(pilot)
        await pilot.press("ctrl+j")  # nothing to jump to: a message, no crash
        await pilot.pause()
        await _all_tiny_lessons_open(pilot)


async def test_fifo_presenter_file_is_ignored_with_the_reason(tmp_path):
    fifo = tmp_path / "present.json"
    os.mkfifo(fifo)
    await _check_follow_fault(fifo, "FIFO")


async def test_oversized_presenter_file_is_ignored_with_the_reason(tmp_path):
    big = tmp_path / "present.json"
    with open(big, "wb") as handle:
        handle.truncate(1 << 30)
    await _check_follow_fault(big, "too big")


async def test_deeply_nested_presenter_file_is_ignored_with_the_reason(tmp_path):
    deep = tmp_path / "present.json"
    deep.write_text("[" * 60_000)
    await _check_follow_fault(deep, "nests too deeply")


async def test_out_of_range_presenter_numbers_are_ignored_with_the_reason(tmp_path):
    path = tmp_path / "present.json"
    path.write_text('{"lesson": "alpha", "step": 1, "ts": 1e400}')
    await _check_follow_fault(path, "finite")
    path.write_text('{"lesson": "alpha", "step": -3}')
    await _check_follow_fault(path, "step")


async def test_markup_in_a_presenter_title_is_plain_text(tmp_path):
    path = tmp_path / "present.json"
    path.write_text('{"lesson": "alpha", "lesson_index": 1, "step": 2, "lesson_title": "[/b] x", '
                    '"step_title": "[@click=app.quit]q"}')
    app = app_for(engine=False, follow=str(path))
    async with app.run_test(size=(120, 36)) as pilot:
        banner = app.screen.query_one(FollowBanner)
        await wait_until(pilot, lambda: "[/b] x" in str(banner.render()), 10, "banner with the raw title")
        assert "[@click=app.quit]q" in str(banner.render())
        await _answers_keys(pilot)
        await pilot.press("ctrl+j")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and (app.screen.lesson.id, app.screen.step_index) == ("alpha", 1)
        assert app.is_running


async def test_presenter_is_told_when_publishing_fails(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    app = app_for(engine=False, present=str(blocker / "sub" / "present.json"))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.open_lesson("alpha", 0)
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("cannot publish" in m and str(blocker) in m for m in messages), messages
        app.open_lesson("alpha", 1)  # the same cause again: told once, not on every move
        await pilot.pause()
        assert sum("cannot publish" in n.message for n in app._notifications) == 1
        await _answers_keys(pilot)


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_real_presenter_app_removes_its_file_on_signal(tmp_path, signame):
    """`numba-lab --present FILE` in a real terminal: SIGTERM (kill) or SIGHUP (the terminal closed)
    removes the presenter file, so followers see "not presenting" instead of a stale place."""
    import signal
    import time

    from tests.benchmarks.ptyapp import PtyApp

    path = tmp_path / "present.json"
    term = PtyApp(tmp_path / "home", args=["--no-builtin", "--lessons", str(TINY), "--cuda", "off",
                                           "--present", str(path)])
    term.start()
    try:
        assert term.wait_for(r"Alpha", 60) is not None, term.text()[-2000:]
        term.send(b"\r")  # open the first lesson: the presenter publishes
        deadline = time.monotonic() + 60
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert path.exists(), term.text()[-2000:]
        os.kill(term.proc.pid, getattr(signal, signame))
        term.proc.wait(30)
        assert not path.exists()
    finally:
        term.close()


async def test_markup_in_an_unknown_presenter_lesson_id_is_plain_text(tmp_path):
    path = tmp_path / "present.json"
    path.write_text('{"lesson": "[/b]nope", "step": 1}')
    app = app_for(engine=False, follow=str(path))
    async with app.run_test(size=(120, 36)) as pilot:
        banner = app.screen.query_one(FollowBanner)
        await wait_until(pilot, lambda: "[/b]nope" in str(banner.render()), 10, "banner")
        await pilot.press("ctrl+j")  # not in our folders: a toast naming the raw id
        await pilot.pause(0.3)
        assert any("[/b]nope" in n.message for n in app._notifications)
        await _answers_keys(pilot)
        assert app.is_running
