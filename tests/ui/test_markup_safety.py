"""Text from outside is never markup (issue 9, part 1).

Each hostile string is pushed through every place the UI shows external text: a lesson pack (titles,
summary, prose, lock reasons, hints, solution, a broken file's name), a presenter file (the follow
banner), real protocol events fed to the results panel (every pane and the summary line), the status
bar, toasts, the run-failure reporter, a dialog and the command palette. Each time: no exception, the
app still runs, the string is on screen exactly as written, and `[@click=app.quit]q` clicked does not quit.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from textual.widgets import Markdown

from lab import follow
from lab.ui.plain import describe, line, notify_plain, plain, to_str

from tests.ui.ui_support import app_for, open_step, wait_until

NASTY = ["[", "[/]", "[/b]", "[b]x", "[@click=app.quit]q"]
SIZE = (160, 50)


def screen_text(app) -> str:
    """What the terminal shows now, as plain text (one line per row)."""
    return "\n".join(s.text.rstrip() for s in app.screen._compositor.render_strips())


async def shows(pilot, text: str, where: str, timeout: float = 5.0) -> None:
    """`text` is on screen, exactly as written, within `timeout` s (toasts arrive as messages)."""
    app = pilot.app
    await pilot.pause()
    deadline = asyncio.get_running_loop().time() + timeout
    while app.is_running and text not in screen_text(app) and asyncio.get_running_loop().time() < deadline:
        await pilot.pause(0.05)
    assert app.is_running, f"the app stopped ({where})"
    shown = screen_text(app)
    assert text in shown, f"{text!r} is not on screen as written ({where}):\n{shown}"


async def toasted(pilot, text: str, where: str) -> None:
    """A toast on screen holds `text` exactly as written (a long toast wraps, so its own words are read)."""
    from textual.widgets._toast import Toast

    def toasts() -> list[str]:
        return [str(t.render()).replace("\n", " ") for t in pilot.app.screen.query(Toast)]

    await wait_until(pilot, lambda: any(text in t for t in toasts()) or not pilot.app.is_running, 5, where)
    assert pilot.app.is_running, f"the app stopped ({where})"
    await shows(pilot, text.split()[-1], where)  # and it is really drawn


async def click_every(pilot, text: str) -> None:
    """Click each place `text` is drawn (a markup link there would run its action)."""
    for y, row in enumerate(screen_text(pilot.app).split("\n")):
        x = row.find(text)
        while x >= 0:
            await pilot.click(offset=(x + 1, y))
            await pilot.pause()
            assert pilot.app.is_running, f"clicking {text!r} at {x},{y} stopped the app"
            x = row.find(text, x + 1)


def write_pack(folder: Path, s: str) -> Path:
    """A real lesson folder whose every author-written field holds `s` (JSON is YAML)."""
    code = "from numba import jit\n\n\n@jit\ndef double(x):\n    return x\n"
    lesson = {
        "id": "nasty", "title": f"T {s} T", "summary": f"S {s} S", "order": 1,
        "steps": [
            {"id": "read", "title": f"R {s} R", "kind": "read", "text": f"Prose {s} prose."},
            {"id": "ex", "title": f"E {s} E", "kind": "jit", "text": f"Do it {s} now.", "code": code,
             "entry": "double", "calls": ["double(2)"], "views": ["types"],
             "lock": {"parallel": f"L {s} L"},
             "checks": [{"kind": "equal", "expr": "double(2)", "expected": "4"}],
             "hints": [f"H {s} H", "second"], "solution": code.replace("return x", f"return x * 2  # {s}")},
        ],
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "01-nasty.yaml").write_text(json.dumps(lesson, indent=1))
    if "/" not in s:  # a file name cannot hold a slash
        (folder / f"bad{s}.yaml").write_text("id: [unclosed\n")
    return folder


def events(s: str) -> list[dict]:
    """Real protocol events (docs/contracts.md) whose every engine/learner text field holds `s`."""
    job = "job-nasty"
    return [
        {"type": "started", "job": job, "target": "cpu"},
        {"type": "compiled", "job": job, "mode": "nopython", "compile_ms": 5.0, "signatures": [f"sig {s}"]},
        {"type": "output", "job": job, "call": f"double({s!r})", "stdout": f"out {s}\n", "stderr": f"err {s}\n",
         "result": f"res {s}"},
        {"type": "error", "job": job, "etype": f"Err{s}", "stage": "run", "summary": f"sum {s}", "line": 6,
         "col": 5, "source_line": f"    return {s}", "hint": f"hint {s}", "full": f"Traceback {s}"},
        {"type": "llvm", "job": job, "text": f"; llvm {s}", "functions": [f"fn{s}"], "vectorized": True,
         "vector_types": [f"<{s}>"]},
        {"type": "asm", "job": job, "text": f"; asm {s}", "functions": [f"fn{s}"]},
        {"type": "types", "job": job, "text": f"types {s}"},
        {"type": "parallel", "job": job, "loops": 1, "text": f"par {s}"},
        {"type": "timings", "job": job, "compile_ms": 5.0, "first_call_ms": 1.0,
         "jit": {"min_s": 1e-6, "median_s": 2e-6, "runs": f"r{s}", "loops": 3}, "python_note": f"note {s}"},
        {"type": "check", "job": job, "name": f"chk {s}", "passed": False, "message": f"array([[1, 2]]) {s}"},
        {"type": "done", "job": job, "ok": False, "elapsed_ms": 12.0, "cause": f"cause {s}"},
    ]


def test_plain_helpers_never_raise_and_never_parse():
    class Hostile:
        def __str__(self):
            raise RuntimeError("no str")

        def __repr__(self):
            raise RuntimeError("no repr")

    assert to_str(Hostile()) == "<unprintable>"
    assert plain(Hostile()).plain == "<unprintable>"
    assert describe(ValueError("[/b]")) == "ValueError: [/b]"
    assert to_str("a\x1b[2Jb\x07") == "a␛[2Jb␇"  # no escape sequence reaches the terminal
    for s in NASTY:
        assert plain(s).plain == s and line(("x", "b $error"), s).plain == "x" + s

    class Broken:
        def notify(self, *args, **kwargs):
            raise RuntimeError("toast rack gone")

    notify_plain(Broken(), Hostile(), title=Hostile())  # the reporter itself never raises


@pytest.mark.parametrize("s", NASTY)
async def test_external_text_is_shown_as_written_everywhere(tmp_path, s):
    pack = write_pack(tmp_path / "pack", s)
    present = tmp_path / "present.json"
    follow.Presenter(present).update("nasty", f"PT {s}", 1, 2, f"PS {s}")
    app = app_for(engine=False, lesson_dirs=[pack], follow=str(present))
    async with app.run_test(size=SIZE, notifications=True, tooltips=True) as pilot:
        # lesson list: title, summary, the broken file's name; the follow banner
        await wait_until(pilot, lambda: "PT" in screen_text(app), 10, "the follow banner")
        for text in (f"T {s} T", f"S {s} S", f"PT {s}", f"PS {s}"):
            await shows(pilot, text, "lesson list")
        if "/" not in s:
            await shows(pilot, f"bad{s}.yaml", "lesson load errors")
        await click_every(pilot, s)

        # lesson screen, read step: header, heading, prose (markdown)
        screen = await open_step(pilot, "nasty", 0)
        for text in (f"T {s} T", f"R {s} R", f"PT {s}"):
            await shows(pilot, text, "read step")
        assert s in screen.query_one(Markdown).source

        # the exercise: lock reason, hints, then every results pane fed real protocol events
        await open_step(pilot, "nasty", 1)
        screen = app.screen
        await shows(pilot, f"L {s} L", "lock reasons")
        await pilot.hover("#opt-parallel")  # the locked toggle's tooltip quotes the lesson's reason
        await shows(pilot, f"locked here: L {s} L", "tooltip")
        await pilot.hover("#lesson-header")
        await pilot.press("ctrl+g")
        await shows(pilot, f"H {s} H", "hints")
        panel = screen.results
        evs = events(s)
        panel.begin(evs[0]["job"])
        for ev in evs:
            panel.apply(ev)
        expected = {"output": [f"sig {s}", f"out {s}", f"err {s}", f"res {s}"],
                    "errors": [f"Err{s}", f"sum {s}", f"return {s}", f"hint {s}"],
                    "llvm": [f"; llvm {s}", f"fn{s}", f"<{s}>"], "asm": [f"; asm {s}"],
                    "types": [f"types {s}"], "parallel": [f"par {s}"],
                    "timings": [f"note {s}", f"r{s}"], "checks": [f"chk {s}", f"array([[1, 2]]) {s}"]}
        for tab, texts in expected.items():
            panel.show_tab(tab)
            for text in texts:
                await shows(pilot, text, f"{tab} pane")
        await shows(pilot, f"Err{s}", "results summary")
        await shows(pilot, f"chk {s}", "results summary checks")

        # the check verdict in the step text and the status bar (what F8 ends with)
        screen._check_results = [evs[-2]]
        screen._finish(None, evs[-1], [evs[3]], True)
        await shows(pilot, f"array([[1, 2]]) {s}", "step text checks")
        await shows(pilot, f"✗ Err{s}", "status bar")
        screen.status.info = {"numba": f"N{s}", "cpus": 2, "cuda": f"C{s}"}
        await shows(pilot, f"N{s}", "status bar machine facts")
        await click_every(pilot, s)

        # toasts: a plain notify, and the run-failure reporter fed a real worker error
        app.notify(f"toast {s}", title=f"title {s}")
        await toasted(pilot, f"toast {s}", "toast")
        await toasted(pilot, f"title {s}", "toast title")
        app.clear_notifications()

        async def fails():
            raise RuntimeError(f"boom {s}")

        screen.run_worker(fails(), group="run", exit_on_error=False)
        await wait_until(pilot, lambda: screen.status.job_note == "run failed", 10, "the failure report")
        await toasted(pilot, f"RuntimeError: boom {s}", "run-failure toast")
        app.clear_notifications()

        # dialogs: the solution (lesson text) and a confirmation quoting lesson text
        await pilot.press("f9")
        await shows(pilot, f"# {s}", "solution dialog")
        await pilot.press("escape")
        from lab.ui.screens.dialogs import ConfirmScreen

        app.push_screen(ConfirmScreen(f"Q {s} Q"))
        await shows(pilot, f"Q {s} Q", "confirm dialog")
        await click_every(pilot, s)
        await pilot.press("n")

        # the command palette lists steps and lessons by their titles, also when searched
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: f"E {s} E" in screen_text(app), 10, "the palette's step list")
        await pilot.press(*"Lesson")
        await wait_until(pilot, lambda: f"T {s} T" in screen_text(app), 10, "the palette's search hits")
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
    assert app.return_code in (None, 0)


async def test_checking_lesson_4s_exercise_on_the_starter_shows_the_array_repr():
    # the known crash: F8 on the untouched starter of lesson 4's last step; the failed check's message
    # holds an array repr ("array([[9.99e+02, ..."), the Checks pane raised MarkupError, the error toast
    # put the exception text into markup again and the app exited
    from lab.lessons import builtin_lessons_dir

    app = app_for(engine=True, lesson_dirs=[builtin_lessons_dir()])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: app.runner is not None, 120, "the engine")
        lesson = app.catalog.lessons[3]
        screen = await open_step(pilot, lesson.id, len(lesson.steps) - 1)
        await wait_until(pilot, lambda: screen.status.job_note.startswith(("✓", "✗")), 120, "the first run")
        await pilot.press("f8")
        await wait_until(pilot, lambda: screen.results.pane("checks").checks and screen.status.job_note.startswith(
            ("✓", "✗")) or not app.is_running, 120, "the check")
        assert app.is_running and screen.status.job_note != "run failed"
        failed = [c for c in screen.results.pane("checks").checks if not c.get("passed")]
        assert failed and "array([[" in failed[0]["message"]
        screen.results.show_tab("checks")
        await shows(pilot, "array([[", "checks pane")
        assert screen.status.job_note.startswith("✗")


async def test_textuals_own_ctrl_c_hint_reads_right_in_plain_toasts():
    # every toast is plain text (LabApp.notify): Textual's "Press [b]ctrl+q[/b] to quit" is said without markup
    app = app_for(engine=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+c")
        await toasted(pilot, "Press ctrl+q to quit the app", "ctrl+c hint")
