"""The app driving the real engine: live re-runs with a stale marker, panes filling from a real job,
an exercise failing then passing, hints, the solution, and a crashing kernel leaving the app usable."""

from __future__ import annotations

from ui_support import app_for, open_step, wait_until


def done_for(screen, job_id) -> bool:
    panel = screen.results
    return job_id is not None and panel.job_id == job_id and panel.state in ("done", "failed", "expected")


async def settled(pilot, screen, timeout: float = 120.0) -> None:
    """Wait until the job now on screen has finished."""
    await wait_until(pilot, lambda: done_for(screen, screen.job_id), timeout, "the job to finish")


async def test_live_rerun_marks_old_results_stale_and_fills_panes():
    app = app_for()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        await settled(pilot, screen)
        panel = screen.results
        first_job = screen.job_id
        assert panel.state == "done"
        out = panel.pane("output").view.text
        assert "add(2, 3)" in out and "= 5" in out
        assert "define" in panel.pane("llvm").view.text  # LLVM IR of the learner's function
        assert panel.pane("asm").view.text.strip()
        assert "add" in panel.pane("types").view.text
        assert app.runner is not None and app.engine_info.get("numba")

        # an edit: results become stale at once, then a new job runs after the debounce
        screen.editor.focus()
        row = screen.editor.text.splitlines().index("    return x + y")
        screen.editor.cursor_location = (row, len("    return x + y"))
        await pilot.press(*" + 100")
        await pilot.pause()
        assert screen.job_id == first_job  # debounce: not yet re-run
        assert panel.pane("output").is_stale and panel.pane("llvm").is_stale
        await wait_until(pilot, lambda: screen.job_id != first_job, 10, "the debounced re-run")
        await settled(pilot, screen)
        assert "= 105" in panel.pane("output").view.text
        assert not panel.pane("output").is_stale

        # a toggle re-runs too, and the explicit run key starts a new job at once
        job = screen.job_id
        screen.query_one("#opt-fastmath").value = True
        await wait_until(pilot, lambda: screen.job_id != job, 10, "toggle re-run")
        await settled(pilot, screen)
        assert "fastmath" in screen.editor.text
        job = screen.job_id
        await pilot.press("f5")
        assert screen.job_id != job
        await settled(pilot, screen)


async def test_exercise_hints_fail_then_solution_passes():
    app = app_for()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_step(pilot, "alpha", 2)
        await settled(pilot, screen)
        # hints one at a time
        await pilot.press("ctrl+g")
        hints = screen.query_one("#step-hints")
        assert "Hint 1/2" in str(hints.render()) and "Hint 2/2" not in str(hints.render())
        await pilot.press("ctrl+g")
        assert "Hint 2/2" in str(hints.render())

        # the starter returns x: the check fails and counts an attempt
        await pilot.press("f8")
        await settled(pilot, screen)
        state = app.progress.step_state("alpha", "double")
        assert state.attempts == 1 and state.status == "in_progress"
        assert "Not yet" in str(screen.query_one("#step-checks").render())
        assert "the check failed" in screen.status.status_text()  # one check: no "1 of 1 checks"
        assert screen.results.checks and not screen.results.checks[0]["passed"]

        # view the solution, apply it, check again: passes and the step is done
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert "return x * 2" in screen.editor.text
        await pilot.press("f8")
        await settled(pilot, screen)
        state = app.progress.step_state("alpha", "double")
        assert state.status == "done" and state.attempts == 2
        assert "The check passed — step done!" in str(screen.query_one("#step-checks").render())
        assert "the check passed" in screen.status.status_text()


async def test_crashing_kernel_leaves_the_app_usable():
    app = app_for()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_step(pilot, "beta", 0)
        await settled(pilot, screen)
        panel = screen.results
        assert panel.state == "failed"
        errors = panel.pane("errors").errors
        assert errors and errors[0]["etype"] == "SIGSEGV"
        status = screen.status.status_text()
        assert "SIGSEGV" in status and "restarted after crash" in status
        # the app still works: the next step runs on a fresh worker
        await pilot.press("ctrl+n")
        await settled(pilot, screen)
        assert panel.state == "done"
        assert "= 42" in panel.pane("output").view.text


async def test_error_line_is_marked_and_g_jumps_there():
    app = app_for()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        await settled(pilot, screen)
        assert screen.editor.error_row is None
        screen.set_code(screen.editor.text.replace("return x + y", "return x + (1, 2)"))
        await wait_until(pilot, lambda: screen.results.state == "failed" and done_for(screen, screen.job_id),
                         120, "the failing run")
        lines = screen.editor.text.splitlines()
        row = next(i for i, l in enumerate(lines) if "(1, 2)" in l)
        assert screen.editor.error_row == row
        assert screen.results.active_tab == "errors"
        screen.editor.cursor_location = (0, 0)
        await pilot.press("ctrl+f")
        await pilot.press("g")
        await pilot.pause()
        assert screen.editor.has_focus
        assert screen.editor.cursor_location[0] == row
        # fixing the code clears the mark
        screen.set_code(screen.editor.text.replace("(1, 2)", "y"))
        await pilot.pause()
        assert screen.editor.error_row is None


async def test_ui_stays_responsive_while_a_job_hangs():
    app = app_for()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_step(pilot, "beta", 2)
        hanging = screen.job_id
        await wait_until(pilot, lambda: app.runner is not None and app.runner.state in ("compiling", "running"),
                         60, "the job to start")
        await pilot.pause(1.5)
        assert screen.results.job_id == hanging and screen.results.state in ("compiling", "running")
        # the app still reacts: help opens and closes, the editor takes keys
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.results.state in ("compiling", "running")
        # moving on supersedes the hanging job; the next step runs and finishes normally
        await pilot.press("ctrl+p")
        assert screen.step.id == "fine"
        await settled(pilot, screen)
        assert screen.results.state == "done" and "= 42" in screen.results.pane("output").view.text
