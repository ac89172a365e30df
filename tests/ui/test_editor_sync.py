"""Decorator line <-> toggles, locks with reasons, target picking, reset, drafts (no engine needed)."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, Static

from lab.ui.editor_pane.options_bar import OptionsBar

from ui_support import app_for, decorator_line, open_step, wait_until


async def test_toggles_rewrite_the_decorator_and_typing_moves_the_toggles():
    app = app_for(engine=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        bar = screen.query_one(OptionsBar)
        nogil = bar.query_one("#opt-nogil", Checkbox)
        assert decorator_line(screen) == "@jit" and not nogil.value
        nogil.focus()
        await pilot.press("space")
        await pilot.pause()
        assert decorator_line(screen) == "@jit(nogil=True)"
        bar.query_one("#opt-fastmath", Checkbox).value = True
        await pilot.pause()
        assert decorator_line(screen) == "@jit(nogil=True, fastmath=True)"
        # the other lines are untouched
        assert screen.editor.text.endswith("def add(x, y):\n    return x + y\n")

        # typing in the editor moves the toggles
        screen.editor.focus()
        row = screen.editor.text.splitlines().index("@jit(nogil=True, fastmath=True)")
        screen.editor.cursor_location = (row, len("@jit(nogil=True, fastmath=True"))
        await pilot.press(*", cache=True")
        await pilot.pause()
        assert decorator_line(screen) == "@jit(nogil=True, fastmath=True, cache=True)"
        assert bar.query_one("#opt-cache", Checkbox).value
        # untick nogil by editing the text
        text = screen.editor.text.replace("nogil=True, ", "")
        screen.set_code(text)
        await pilot.pause()
        assert not nogil.value and bar.query_one("#opt-fastmath", Checkbox).value

        # signature field -> decorator
        sig = bar.query_one("#opt-signature", Input)
        sig.focus()
        await pilot.press(*"i8(i8, i8)")
        await pilot.pause()
        assert decorator_line(screen) == '@jit("i8(i8, i8)", cache=True, fastmath=True)'


async def test_locked_option_is_disabled_with_its_reason():
    app = app_for(engine=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        parallel = screen.query_one("#opt-parallel", Checkbox)
        assert parallel.disabled
        note = str(screen.query_one("#lock-note", Static).render())
        assert "locked here: parallel" in note
        reasons = str(screen.query_one("#step-locks", Static).render())
        assert "parallel: Parallel loops come later." in reasons
        # only the CPU target is allowed in this step
        assert screen.query_one("#target-cuda").disabled
        assert not screen.query_one("#target-cpu").disabled


async def test_reset_to_starter_asks_first_and_discards_the_draft():
    app = app_for(engine=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        starter = screen.editor.text
        screen.editor.focus()
        screen.editor.cursor_location = (0, 0)
        await pilot.press(*"# mine", "enter")
        screen.save_draft()
        assert app.drafts.load("alpha", "add").startswith("# mine")
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("n")  # cancel: nothing changes
        await pilot.pause()
        assert screen.editor.text.startswith("# mine")
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert screen.editor.text == starter
        assert app.drafts.load("alpha", "add") is None


async def test_draft_is_saved_shortly_after_an_edit_and_reloaded():
    app = app_for(engine=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        screen.editor.focus()
        screen.editor.cursor_location = (0, 0)
        await pilot.press(*"# keep me", "enter")
        await wait_until(pilot, lambda: app.drafts.load("alpha", "add") is not None, 10, "draft saved")
        assert app.drafts.load("alpha", "add").startswith("# keep me\n")
        await pilot.press("ctrl+n")  # another step, then back: the draft loads
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert screen.editor.text.startswith("# keep me\n")
        assert "draft restored" in screen.status.status_text()


async def test_target_select_and_parallel_toggle_follow_each_other():
    app = app_for(engine=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_step(pilot, "gamma", 0)
        bar = screen.query_one(OptionsBar)
        assert not screen.query_one("#target-parallel").disabled
        assert screen.query_one("#target-cuda").disabled
        await pilot.click("#target-parallel")
        await pilot.pause()
        assert decorator_line(screen) == "@njit(parallel=True)"
        assert bar.query_one("#opt-parallel", Checkbox).value
        assert screen.target == "parallel"
        bar.query_one("#opt-parallel", Checkbox).value = False
        await pilot.pause()
        assert decorator_line(screen) == "@njit"
        assert screen.query_one("#target-cpu").value and screen.target == "cpu"
        assert not screen.query_one("#target-parallel").value  # exactly one target shown as picked
        await pilot.click("#target-parallel")
        await pilot.pause()
        assert decorator_line(screen) == "@njit(parallel=True)"
        assert [k for k in ("cpu", "parallel", "cuda") if screen.query_one(f"#target-{k}").value] == ["parallel"]


async def test_command_palette_toggles_an_option():
    app = app_for(engine=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press(*"Toggle nogil")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert decorator_line(screen) == "@jit(nogil=True)"


async def test_quit_saves_the_draft_at_once():
    app = app_for(engine=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        screen.editor.focus()
        screen.editor.cursor_location = (0, 0)
        await pilot.press(*"# typed just before quitting", "enter")
        await pilot.press("ctrl+q")  # well inside the draft debounce
        await pilot.pause()
    from lab.progress import Drafts

    assert Drafts().load("alpha", "add").startswith("# typed just before quitting\n")
