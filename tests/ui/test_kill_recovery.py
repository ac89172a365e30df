"""Never lose work: the real `numba-lab` in a pseudo-terminal, an edit, SIGKILL, reopen -> the draft."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from lab.progress import Drafts, Progress
from tests.benchmarks.ptyapp import PtyApp

from ui_support import TINY, app_for


def wait_for(term: PtyApp, text: str, timeout: float = 60.0) -> None:
    if term.wait_for(re.escape(text), timeout) is None:
        raise AssertionError(f"{text!r} never appeared; the app printed:\n{term.text()[-3000:]}")


async def test_killed_app_reopens_with_the_draft():
    Progress.load().set_position("alpha", 1)  # so enter resumes at the "add" step
    term = PtyApp(Path(os.environ["NUMBA_LAB_HOME"]), args=["--no-builtin", "--lessons", str(TINY), "--cuda", "off"])
    term.start()
    try:
        wait_for(term, "pick a lesson")
        term.send(b"\r")
        wait_for(term, "step 2/3: Add two numbers")  # the lesson screen's header
        time.sleep(1.0)
        term.send(b"# survived the kill")
        term.send(b"\r")
        drafts = Drafts()
        deadline = time.monotonic() + 30
        while "survived" not in (drafts.load("alpha", "add") or ""):
            assert time.monotonic() < deadline, "the draft was never written"
            time.sleep(0.1)
    finally:
        term.kill()  # SIGKILL: no chance to save anything on the way out
    app = app_for(engine=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # resume where we were
        await pilot.pause()
        screen = app.screen
        assert (screen.lesson.id, screen.step_index) == ("alpha", 1)
        assert screen.editor.text.startswith("# survived the kill\n")
        assert "def add(x, y):" in screen.editor.text
        assert "draft restored" in screen.status.status_text()
