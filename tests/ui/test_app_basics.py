"""The app without the engine: lesson list, progress marks, navigation, help, palette, load errors."""

from __future__ import annotations

import re
import subprocess
import sys

from textual.widgets import OptionList, Static

from lab.progress import Progress
from lab.ui.screens.dialogs import HelpScreen
from lab.ui.screens.lesson import LessonScreen
from lab.ui.screens.lesson_list import LessonListScreen

from ui_support import TINY, app_for


def test_ui_never_imports_numba():
    code = ("import sys, lab.ui.app, lab.ui.launch, lab.ui.screens.lesson, lab.ui.screens.lesson_list, "
            "lab.ui.screens.dialogs, lab.ui.commands, lab.ui.results, lab.engine.runner; "
            "print('numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


async def test_lesson_list_shows_progress_and_resumes():
    progress = Progress.load()
    progress.set_position("alpha", 2)
    for step in ("intro", "add", "double"):
        progress.mark_done("alpha", step)
    progress.set_position("beta", 1)  # last visited: beta, step 2
    app = app_for(engine=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonListScreen)
        options = app.screen.query_one("#lessons", OptionList)
        rows = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert "✓" in rows[0] and "3/3 steps · done" in rows[0]
        assert "◐" in rows[1] and "in progress" in rows[1]
        assert options.highlighted == 1  # resume: the last lesson is highlighted
        summary = str(app.screen.query_one("#lesson-summary", Static).render())
        assert "resume at step 2" in summary
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.lesson.id == "beta" and app.screen.step_index == 1


async def test_new_lesson_and_keys_between_steps_and_lessons():
    app = app_for(engine=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#lessons", OptionList)
        assert "new" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert (screen.lesson.id, screen.step_index) == ("alpha", 0)
        assert screen.has_class("-read")
        await pilot.press("ctrl+n")
        assert screen.step_index == 1 and not screen.has_class("-read")
        assert "@jit" in screen.editor.text
        await pilot.press("ctrl+n", "ctrl+n")  # past the last step: into the next lesson
        assert (screen.lesson.id, screen.step_index) == ("beta", 0)
        await pilot.press("ctrl+p")
        assert (screen.lesson.id, screen.step_index) == ("alpha", 2)
        # read steps count as done once passed; the position is remembered
        assert app.progress.step_state("alpha", "intro").status == "done"
        assert app.progress.current_step("alpha") == 2
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LessonListScreen)
        first = str(app.screen.query_one("#lessons", OptionList).get_option_at_index(0).prompt)
        assert "in progress" in first


async def test_help_screen_lists_every_binding():
    app = app_for(engine=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.open_lesson("alpha", 1)
        await pilot.pause()
        screen = app.screen
        keys = set()
        for binding in list(type(screen).BINDINGS) + list(type(app).BINDINGS):
            keys.update(k for k in binding.key.split(",") if k not in ("escape", "question_mark"))
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        from lab.ui.screens.dialogs import HELP_TEXT

        bold = " ".join(re.findall(r"\*\*([^*]+)\*\*", HELP_TEXT)).lower()
        for key in keys:
            assert re.search(rf"(^|[\s/(]){re.escape(key)}($|[\s/)])", bold), key
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_command_palette_jumps_to_a_lesson():
    app = app_for(engine=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press(*"Lesson 2")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.lesson.id == "beta"


async def test_broken_lesson_file_is_listed_not_fatal(tmp_path):
    (tmp_path / "bad.yaml").write_text("id: bad\ntitle: [unclosed\n")
    app = app_for(engine=False, lesson_dirs=[TINY, tmp_path])
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        errors = app.screen.query_one("#load-errors", Static)
        assert errors.display
        assert "bad.yaml:3:1: YAML syntax error" in str(errors.render())  # file:line:col
        assert [l.id for l in app.catalog.lessons] == ["alpha", "beta", "gamma"]


async def test_light_theme():
    app = app_for(engine=False, theme="light")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "numba-lab-light"
        assert not app.current_theme.dark
