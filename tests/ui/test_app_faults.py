"""Learner faults typed into the real app (issue #6): real lesson file, real engine, real worker.

For each fault the app keeps running and answering keys, the Errors pane and the status line name the
cause, the learner's draft on disk holds exactly what was typed, and the next run of good code works.
The endless-loop cases run the app with a short per-run limit (Settings.timeout_s, what `numba-lab
--timeout 3` sets) so they end in seconds rather than the default 10 s.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from test_live import settled
from ui_support import FIXED_INFO, open_step, wait_until

LESSON = """\
id: faults
title: Faults
summary: Anything the learner types.
order: 1
steps:
  - id: f
    title: Anything goes
    kind: jit
    text: |
      Type anything; the lab survives it.
    code: |
      from numba import njit


      @njit
      def f(x):
          return x + 1
    entry: f
    calls: ["f(41)"]
    views: [types]
"""

GOOD = "from numba import njit\n\n\n@njit\ndef f(x):\n    return x + 2\n"  # f(41) = 43, not the starter's 42

HEAD = "import os\nimport signal\nimport sys\nimport time\n\nimport numpy as np\nfrom numba import jit, njit\n\n\n"
SPIN = "@njit\ndef f(x):\n    i = 0\n    while i >= 0:\n        i = (i + 1) % 7\n    return i\n"


@dataclass
class Fault:
    name: str
    code: str                    # what the learner types (the whole file); {pidfile} is filled in
    etypes: tuple[str, ...] = ()  # one of these is the first error's etype (the status names it too)
    words: tuple[str, ...] = ()   # each is in the first error's summary
    truncated: bool = False       # no error: the Output pane says the output was cut
    slow: bool = False            # runs until the wall-clock limit: the app gets a 3 s one (--timeout 3)
    extra: dict = field(default_factory=dict)


FAULTS = [
    Fault("infinite-loop", HEAD + SPIN, ("Timeout",), ("stopped after", "wall-clock limit"), slow=True),
    Fault("out-of-bounds-write", HEAD + (
        "@njit(boundscheck=False)\ndef f(x):\n    a = np.zeros(4)\n    for k in range(1, 60):\n"
        "        for j in range(1 << 16):\n            a[(1 << k) + j * 4096] = 1.0\n    return x\n"),
        ("SIGSEGV",), ("SIGSEGV",)),
    Fault("runaway-recursion", HEAD + (
        "@njit('int64(int64)')\ndef down(n):\n    if n == 0:\n        return 0\n    return 1 + down(n - 1)\n\n\n"
        "@njit\ndef f(x):\n    return down(10**9) + x\n"),
        ("SIGSEGV", "RecursionError"), ()),
    Fault("huge-allocation", HEAD + "@njit\ndef f(x):\n    a = np.ones(400_000_000)\n    return a.size + x\n",
          ("MemoryError",), ("Allocation failed",)),
    Fault("print-flood-50mb", HEAD + (
        "@jit(forceobj=True)\ndef f(x):\n    line = 'x' * 99\n    for _ in range(500_000):\n"
        "        print(line)\n    return x + 1\n"), truncated=True),
    Fault("one-10mb-line", HEAD + "@jit(forceobj=True)\ndef f(x):\n    print('y' * 10_000_000)\n    return x + 1\n",
          truncated=True),
    Fault("os-exit", HEAD + "@jit(forceobj=True)\ndef f(x):\n    os._exit(3)\n",
          ("ExitCode",), ("exited with code 3",)),
    Fault("system-exit", HEAD + "@jit(forceobj=True)\ndef f(x):\n    sys.exit(4)\n", ("SystemExit",)),
    Fault("ignores-sigterm", HEAD + "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n\n\n" + SPIN,
          ("Timeout",), ("stopped after", "wall-clock limit"), slow=True),
    Fault("forks-children", HEAD + (
        "@jit(forceobj=True)\ndef f(x):\n    pid = os.fork()\n    if pid == 0:\n"
        "        signal.signal(signal.SIGTERM, signal.SIG_IGN)\n        time.sleep(600)\n        os._exit(0)\n"
        "    open({pidfile!r}, 'w').write(str(pid))\n    while True:\n        pass\n"),
        ("Timeout",), ("stopped after", "wall-clock limit"), slow=True, extra={"child": True}),
    # typed key by key: the colon of the starter's `def f(x):` deleted with backspace
    Fault("syntax-error", "from numba import njit\n\n\n@njit\ndef f(x)\n    return x + 1\n", ("SyntaxError",),
          extra={"backspace_after": "def f(x):"}),
    Fault("typing-error", "from numba import njit\n\n\n@njit\ndef f(x):\n    return x + (1, 2)\n", ("TypingError",)),
]


def lesson_dir(tmp: Path) -> Path:
    d = tmp / "lessons"
    d.mkdir()
    (d / "01-faults.yaml").write_text(LESSON)
    return d


def make(lessons: Path, timeout_s: float | None = None):
    from lab.ui.app import make_app

    return make_app(lesson_dirs=[lessons], cuda="off", spare=False, status_info=FIXED_INFO, timeout_s=timeout_s)


async def run_typed(pilot, screen, code: str, backspace_after: str | None = None, timeout: float = 120.0) -> None:
    """Put `code` in the editor and wait for the debounced run to finish: one whole-text edit (as a paste
    would), or a real backspace key press at the end of the line `backspace_after`."""
    before = screen.job_id
    screen.editor.focus()
    if backspace_after is None:
        screen.set_code(code)
    else:
        row = screen.editor.text.splitlines().index(backspace_after)
        screen.editor.cursor_location = (row, len(backspace_after))
        await pilot.press("backspace")
        assert screen.editor.text == code
    await wait_until(pilot, lambda: screen.job_id != before, 15, "the debounced run to start")
    await settled(pilot, screen, timeout)


def child_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.parametrize("fault", [pytest.param(f, id=f.name) for f in FAULTS])
async def test_fault_leaves_the_app_usable(fault: Fault, tmp_path):
    pidfile = tmp_path / "child.pid"
    code = fault.code.replace("{pidfile!r}", repr(str(pidfile)))
    app = make(lesson_dir(tmp_path), timeout_s=3.0 if fault.slow else None)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_step(pilot, "faults", 0)
        await settled(pilot, screen)
        assert "= 42" in screen.results.pane("output").view.text

        await run_typed(pilot, screen, code, fault.extra.get("backspace_after"))
        panel, status = screen.results, screen.status.status_text()
        errors = panel.pane("errors").errors
        if fault.truncated:
            assert not errors and panel.state == "done", errors
            output = panel.pane("output")
            assert output.truncated and "output truncated" in output.view.text
            assert "bytes truncated" in output.view.text and "= 42" in output.view.text
            assert "✓ ok" in status
        else:
            assert panel.state == "failed" and errors, (panel.state, status)
            first = errors[0]
            assert first["etype"] in fault.etypes, (first["etype"], first["summary"])
            assert first["etype"] in status, status
            for word in fault.words:
                assert word in first["summary"], first["summary"]
            if first["stage"] == "worker":  # the worker died or was stopped: the learner gets a hint
                assert first["hint"], first
            shown = str(panel.pane("errors").query_one(".error-text").render())
            assert first["etype"] in shown, shown
            assert first["etype"] in panel.summary_text(), panel.summary_text()
            assert panel.active_tab == "errors"
        if fault.extra.get("child"):
            child = int(pidfile.read_text())
            for _ in range(50):
                if child_gone(child):
                    break
                await asyncio.sleep(0.1)
            else:
                pytest.fail("the forked child survived the timeout")

        # the draft on disk is exactly what was typed
        await wait_until(pilot, lambda: app.drafts.load("faults", "f") == code, 5, "the draft to be saved")
        assert app.drafts.load("faults", "f") == code

        # the app still answers keys: help opens and closes
        assert app.is_running
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen

        # and the next run of good code works (on a fresh worker where the fault killed the old one)
        await run_typed(pilot, screen, GOOD)
        assert panel.state == "done", (panel.state, panel.pane("errors").errors)
        assert "= 43" in panel.pane("output").view.text
        assert not panel.pane("errors").errors
        assert "✓ ok" in screen.status.status_text()
        await wait_until(pilot, lambda: app.drafts.load("faults", "f") == GOOD, 5, "the good draft to be saved")
