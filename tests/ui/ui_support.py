"""Fixtures for the app tests: a tiny real lesson folder, and helpers to drive the real app."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

TINY = Path(__file__).parent / "lessons_tiny"
FIXED_INFO = {"numba": "0.00", "cpus": 4, "cuda": None}


@pytest.fixture
def tiny_lessons() -> Path:
    return TINY


def app_for(**overrides):
    """The real app on the tiny lessons. engine=False: no worker (layout, toggles, drafts)."""
    from lab.ui.app import make_app

    settings = dict(lesson_dirs=[TINY], cuda="off", spare=False, status_info=FIXED_INFO)
    settings.update(overrides)
    return make_app(**settings)


async def wait_until(pilot, condition, timeout: float = 90.0, what: str = "condition") -> None:
    """Pause the pilot until condition() is true (engine jobs take real seconds on a busy box)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.1)


async def open_step(pilot, lesson_id: str, step_index: int):
    app = pilot.app
    app.open_lesson(lesson_id, step_index)
    await pilot.pause()
    return app.screen


def decorator_line(screen) -> str:
    """The editor's first decorator line."""
    return next(line for line in screen.editor.text.splitlines() if line.startswith("@"))
