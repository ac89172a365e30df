"""Step text at 120 and 80 columns: table cells wrap instead of ending in "…", code blocks wrap
instead of losing the end of long lines (issue 13, defect 9)."""

from __future__ import annotations

import re

import pytest

from lab.lessons import builtin_lessons_dir, load_lessons
from tests.ui.test_curriculum_walk import region_text
from tests.ui.ui_support import app_for

FENCE = re.compile(r"```[^\n]*\n(.*?)```", re.S)


def _steps_with_tables_or_code():
    for lesson in load_lessons([builtin_lessons_dir()]).lessons:
        for i, step in enumerate(lesson.steps):
            text = step.text or ""
            if "```" in text or re.search(r"^\s*\|.*\|", text, re.M):
                yield lesson.id, i, text


@pytest.mark.parametrize("width", [120, 80])
async def test_tables_and_code_blocks_show_whole_at(width):
    cases = list(_steps_with_tables_or_code())
    assert cases
    app = app_for(engine=False, lesson_dirs=[builtin_lessons_dir()])
    async with app.run_test(size=(width, 400)) as pilot:  # tall: the whole text on screen at once
        for lesson_id, index, text in cases:
            app.open_lesson(lesson_id, index)
            await pilot.pause()
            await pilot.pause()
            pane = app.screen.query_one("#text-pane")
            shown = region_text(app, pane)
            where = f"{lesson_id} step {index + 1} at {width} cols"
            if "…" not in text:
                assert "…" not in shown, f"{where}: a cut cell\n{shown}"
            flat = re.sub(r"[\s│▏▕▎▍▌▋▊▉█]", "", shown)
            for block in FENCE.findall(text):
                for line in block.splitlines():
                    tail = re.sub(r"\s", "", line)[-12:]
                    assert tail in flat, f"{where}: code line cut: {line!r}"
