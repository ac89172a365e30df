"""Issue 10 §1: an option written as code (parallel=run_parallel) is shown as "set by code", cannot be
toggled, is kept verbatim when other toggles rewrite the line, and the target row leaves it alone."""

from __future__ import annotations

from textual.widgets import Checkbox

from lab.ui.editor_pane.options_bar import OptionsBar

from ui_support import app_for, decorator_line, open_step


async def test_option_set_by_code_is_shown_and_kept():
    app = app_for(engine=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_step(pilot, "gamma", 0)
        bar = screen.query_one(OptionsBar)
        text = screen.editor.text.replace("@njit", "@njit(parallel=run_parallel)", 1)
        screen.set_code("run_parallel = True\n" + text)
        await pilot.pause()
        parallel = bar.query_one("#opt-parallel", Checkbox)
        assert parallel.disabled and str(parallel.label) == "parallel: set by code"
        assert not parallel.value
        # another toggle rewrites the line and keeps the expression verbatim
        bar.query_one("#opt-nogil", Checkbox).value = True
        await pilot.pause()
        assert decorator_line(screen) == "@njit(nogil=True, parallel=run_parallel)"
        # the target row cannot overwrite it
        await pilot.click("#target-cpu")
        await pilot.pause()
        assert decorator_line(screen) == "@njit(nogil=True, parallel=run_parallel)"
        # back to a literal: the toggle is a toggle again
        screen.set_code(screen.editor.text.replace("parallel=run_parallel", "parallel=True"))
        await pilot.pause()
        assert not parallel.disabled and str(parallel.label) == "parallel" and parallel.value
