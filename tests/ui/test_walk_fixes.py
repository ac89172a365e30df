"""Fixes found by walking the real app with the keyboard (tmux, 120x36 and 80x24)."""

from __future__ import annotations

from textual.command import CommandList

from lab.lessons import builtin_lessons_dir
from tests.ui.ui_support import app_for, open_step


async def test_palette_ranks_the_option_toggle_first_for_an_exact_option_name():
    # lesson 9 has steps titled with "fastmath": they used to outrank "Toggle fastmath"
    app = app_for(engine=False, lesson_dirs=[builtin_lessons_dir()])
    async with app.run_test(size=(120, 36)) as pilot:
        lesson = next(l for l in app.catalog.lessons if "fastmath" in l.title)
        await open_step(pilot, lesson.id, 0)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press(*"fastmath")
        await pilot.pause(1.0)
        hits = app.screen.query_one(CommandList)
        prompts = [str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count)]
        assert any(p.startswith("Step ") for p in prompts)  # steps still match, after the toggle
        assert prompts[0].startswith("Toggle fastmath")
