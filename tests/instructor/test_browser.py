"""The served lab in a real browser: the distribution's Chromium, driven by Playwright (no browser
download; `executable_path`).

With the token URL the page hands the token to a cookie, connects its websocket and draws the lab; we
open lesson 1, go to its first code step, type a line at the end of the editor and find its output in
the terminal that xterm.js draws. Without the token a fresh browser gets the refusal page.

The terminal is read from xterm.js's own buffer: textual.js keeps its Terminal in a closure, so an
init script catches it when textual.js assigns `this.terminal` (a setter on Object.prototype that
keeps only an object with xterm's `buffer.active`). Set NUMBA_LAB_SCREENSHOT=docs/served-lab.png to
save the README's screenshot.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest

from .support import ROOT, free_port, lab_argv, user_env
from .test_serve import TOKEN, _stop

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")

CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/lib/chromium-browser/chromium-browser")

CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    if (value && value.buffer && value.buffer.active && !window.__xterm) window.__xterm = value;
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
  },
});
"""

SCREEN_TEXT = """() => {
  const t = window.__xterm;
  if (!t) return "";
  const b = t.buffer.active, rows = [];
  for (let i = 0; i < b.length; i++) { const l = b.getLine(i); rows.push(l ? l.translateToString(true) : ""); }
  return rows.join("\\n");
}"""


def chromium() -> str | None:
    """The system Chromium's real binary (Debian's /usr/bin/chromium is a shell wrapper)."""
    given = os.environ.get("NUMBA_LAB_CHROMIUM")
    if given:
        return given
    for path in CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


def _wait_for_text(page, wanted: str, timeout: float = 120.0) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = page.evaluate(SCREEN_TEXT)
        if wanted in text:
            return text
        page.wait_for_timeout(250)
    raise AssertionError(f"{wanted!r} never appeared on the terminal; it showed:\n{text}")


@pytest.fixture
def browser():
    path = chromium()
    if path is None:
        pytest.skip("no Chromium on this machine (apt-get install chromium; .ci/run does it as root)")
    with sync_api.sync_playwright() as p:
        # --no-sandbox: CI containers run as root, where Chromium's sandbox cannot start
        b = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield b
        b.close()


def test_served_lab_in_chromium(tmp_path, browser):
    port = free_port()
    env = user_env(tmp_path, "learner", NUMBA_LAB_HOME=str(tmp_path / "lab-home"), NUMBA_LAB_SERVE_TOKEN=TOKEN)
    proc = subprocess.Popen(lab_argv("serve", "--port", str(port)), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        context = browser.new_context(viewport={"width": 1100, "height": 680})
        page = context.new_page()
        page.add_init_script(CATCH_TERMINAL)
        deadline = time.monotonic() + 60
        while True:  # the server takes a moment to start
            try:
                page.goto(f"{base}/?token={TOKEN}")
                break
            except sync_api.Error:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
                time.sleep(0.3)
        page.wait_for_url(f"{base}/", timeout=30_000)  # the token moved to the cookie; gone from the address bar
        assert TOKEN not in page.url
        _wait_for_text(page, "Types and signatures")  # the lesson list, drawn by the lab
        page.click("#terminal", position={"x": 5, "y": 5})  # the title row: a click lower down picks a lesson
        page.keyboard.press("Home")
        page.keyboard.press("Enter")  # lesson 1
        _wait_for_text(page, "What Numba is, in one screen")
        page.keyboard.press("Control+n")  # its first code step: the editor has the focus
        _wait_for_text(page, "Compilation happens on the first call")
        for _ in range(12):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("End")
        page.keyboard.press("Enter")
        page.keyboard.type("print('from-the-browser', 6 * 7)")
        page.keyboard.press("F5")
        screen = _wait_for_text(page, "from-the-browser 42")  # the print's output, not the typed source
        assert "print('from-the-browser', 6 * 7)" in screen  # and the line sits in the editor
        shot = os.environ.get("NUMBA_LAB_SCREENSHOT")
        if shot:
            page.screenshot(path=str(ROOT / shot))
        context.close()

        fresh = browser.new_context()  # no cookie, no token
        page = fresh.new_page()
        response = page.goto(f"{base}/")
        assert response.status == 403
        assert "needs its token" in page.inner_text("body")
        fresh.close()
    finally:
        _stop(proc)

