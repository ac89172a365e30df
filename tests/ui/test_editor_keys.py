"""The editor keeps keystroke order (issue 9, part 7): the real `numba-lab` in a pseudo-terminal,
keys written as a fast typist's terminal sends them, the resulting code read back from the draft."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from lab.progress import Drafts, Progress
from tests.benchmarks.ptyapp import PtyApp

from ui_support import TINY

STARTER_LINE = "from numba import jit"
LEFT = b"\x1b[D"


def wait_for(term: PtyApp, text: str, timeout: float = 60.0) -> None:
    if term.wait_for(re.escape(text), timeout) is None:
        raise AssertionError(f"{text!r} never appeared; the app printed:\n{term.text()[-3000:]}")


def draft_first_line(want: str, timeout: float = 30.0) -> str:
    """The first line of the saved draft once it reads `want` (or whatever it reads at the timeout)."""
    deadline = time.monotonic() + timeout
    first = ""
    while time.monotonic() < deadline:
        first = (Drafts().load("alpha", "add") or "").split("\n")[0]
        if first == want:
            break
        time.sleep(0.1)
    return first


def test_backspace_then_a_character_typed_fast_are_applied_in_order():
    # a binding key (backspace, arrows) ran only after bubbling up to the App, while a typed character
    # was inserted at once: each "backspace, digit" pair sent together came out "digit, backspace"
    Progress.load().set_position("alpha", 1)  # enter resumes at the "add" step, the editor focused
    term = PtyApp(Path(os.environ["NUMBA_LAB_HOME"]), args=["--no-builtin", "--lessons", str(TINY), "--cuda", "off"])
    term.start()
    try:
        wait_for(term, "pick a lesson")
        term.send(b"\r")
        wait_for(term, "step 2/3: Add two numbers")
        time.sleep(1.0)
        term.send(b"#abc")  # the cursor starts at the top left
        for i in range(20):
            term.send(b"\x7f" + str(i % 10).encode())  # one write: as fast as a terminal can send them
        for _ in range(2):
            term.send(LEFT + b"X")  # an arrow key is a binding too
        want = "#abXX9" + STARTER_LINE
        assert draft_first_line(want) == want
    finally:
        term.close()
