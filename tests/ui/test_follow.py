"""--present publishes where the presenter is; --follow shows a banner and ctrl+j jumps there."""

from __future__ import annotations

from lab import follow
from lab.ui.screens.lesson import LessonScreen
from lab.ui.status.follow_banner import FollowBanner

from ui_support import app_for, wait_until


async def test_presenter_publishes_its_position(tmp_path):
    path = tmp_path / "present.json"
    app = app_for(engine=False, present=str(path))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.open_lesson("beta", 1)
        await pilot.pause()
        state = follow.read_follow(path)
        assert (state.lesson, state.lesson_index, state.step) == ("beta", 2, 2)
        assert state.step_title == "A kernel that works"
    assert not path.exists()  # a presenter that quits removes its file


async def test_follower_banner_and_jump_keep_drafts(tmp_path):
    path = tmp_path / "present.json"
    presenter = follow.Presenter(path)
    presenter.update("alpha", "Alpha lesson", 1, 2, "Add two numbers")
    app = app_for(engine=False, follow=str(path))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        banner = app.screen.query_one(FollowBanner)
        await wait_until(pilot, lambda: "lesson 1, step 2" in str(banner.render()), 10, "banner")
        app.drafts.save("alpha", "add", "# my own draft\n")
        await pilot.press("ctrl+j")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        assert (screen.lesson.id, screen.step_index) == ("alpha", 1)
        assert screen.editor.text == "# my own draft\n"  # the learner's draft, not the starter
        presenter.update("beta", "Beta lesson", 2, 1, "A kernel that crashes the worker")
        banner = screen.query_one(FollowBanner)
        await wait_until(pilot, lambda: "lesson 2, step 1" in str(banner.render()), 10, "banner moves")
        assert app.drafts.load("alpha", "add") == "# my own draft\n"
