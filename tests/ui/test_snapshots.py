"""Snapshots of the main screens at 80x24 and 160x48 (no engine, fixed status text: deterministic).

Update after a deliberate layout change with:  pytest tests/ui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest

from ui_support import app_for


async def _open_add_step(pilot) -> None:
    pilot.app.open_lesson("alpha", 1)
    await pilot.pause()
    pilot.app.screen.editor.cursor_blink = False  # a blinking cursor made the picture depend on timing
    pilot.app.screen.editor.focus()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_lesson_screen(snap_compare, size):
    assert snap_compare(app_for(engine=False), terminal_size=size, run_before=_open_add_step)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_lesson_list(snap_compare, size):
    assert snap_compare(app_for(engine=False), terminal_size=size)


def test_lesson_screen_light_theme(snap_compare):
    assert snap_compare(app_for(engine=False, theme="light"), terminal_size=(120, 36), run_before=_open_add_step)
