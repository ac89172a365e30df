"""Never lose work: the real `numba-lab` in a pseudo-terminal, an edit, SIGKILL, reopen -> the draft."""

from __future__ import annotations

import fcntl
import os
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

from lab.progress import Drafts, Progress

from ui_support import TINY, app_for, open_step

ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78MDEc]")


class Term:
    """The app on a pty of a fixed size; .screen_text() is everything it printed, escapes removed."""

    def __init__(self, args: list[str], cols: int = 120, rows: int = 36):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(cols), "LINES": str(rows)}
        exe = Path(sys.executable).with_name("numba-lab")
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "lab"]
        self.proc = subprocess.Popen(cmd + args, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.master = master
        self.raw = bytearray()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.raw += chunk

    def screen_text(self) -> str:
        return ANSI.sub("", bytes(self.raw).decode("utf-8", "replace"))

    def wait_for(self, text: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.screen_text():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError(f"{text!r} never appeared; the app printed:\n{self.screen_text()[-3000:]}")
            time.sleep(0.1)

    def send(self, data: str) -> None:
        os.write(self.master, data.encode())

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(10)
        os.close(self.master)


async def test_killed_app_reopens_with_the_draft():
    Progress.load().set_position("alpha", 1)  # so enter resumes at the "add" step
    term = Term(["--no-builtin", "--lessons", str(TINY), "--cuda", "off"])
    try:
        term.wait_for("pick a lesson")
        term.send("\r")
        term.wait_for("step 2/3: Add two numbers")  # the lesson screen's header
        time.sleep(1.0)
        term.send("# survived the kill")
        term.send("\r")
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
