"""Issue 13 defects on the lesson screen and options bar, each with the case that showed it."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, RadioButton, RadioSet

from tests.ui.ui_support import app_for, open_step


async def _settle(pilot, n: int = 3) -> None:
    for _ in range(n):
        await pilot.pause()


async def test_signature_box_follows_reset_and_the_applied_solution_even_while_focused():
    # defect 4: the box kept "float64(float64)" after F10 (focus was still in it)
    app = app_for(engine=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_step(pilot, "alpha", 2)
        sig = screen.query_one("#opt-signature", Input)
        sig.focus()
        await pilot.press(*"int64(int64)")
        await _settle(pilot)
        assert "int64(int64)" in screen.editor.text
        await pilot.press("f10")
        await _settle(pilot)
        await pilot.press("y")
        await _settle(pilot)
        assert screen.editor.text == screen.step.code
        assert sig.value == ""
        sig.focus()
        await pilot.press(*"int64(int64)")
        await _settle(pilot)
        await pilot.press("f9")
        await _settle(pilot)
        await pilot.press("a")
        await _settle(pilot)
        assert screen.editor.text == screen.step.solution and sig.value == ""


async def test_fastmath_flag_set_shows_custom_and_survives_toggling():
    # defect 5: fastmath={'reassoc'} showed the toggle off; pressing it wrote fastmath=True
    app = app_for(engine=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        screen.set_code(screen.editor.text.replace("@jit", "@jit(fastmath={'reassoc'})"))
        await _settle(pilot)
        box = screen.query_one("#opt-fastmath", Checkbox)
        assert box.value and "custom" in str(box.label) and box.BUTTON_INNER == "≈"
        box.focus()
        await pilot.press("space")  # off
        await _settle(pilot)
        assert "fastmath" not in screen.editor.text and not box.value and box.BUTTON_INNER == " "
        await pilot.press("space")  # on again: the same set, not fastmath=True
        await _settle(pilot)
        assert "@jit(fastmath={'reassoc'})" in screen.editor.text
        assert box.value and "custom" in str(box.label)


async def test_disabled_target_radios_are_drawn_disabled_and_never_picked_silently():
    # defect 6: with parallel=True typed on a CPU-only step, Right/Space picked CPU and dropped it
    app = app_for(engine=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        par = screen.query_one("#target-parallel", RadioButton)
        cpu = screen.query_one("#target-cpu", RadioButton)
        assert par.disabled and par.styles.text_style.strike  # drawn disabled (app.tcss)
        assert cpu.styles.color != par.styles.color
        radios = screen.query_one("#target", RadioSet)
        radios.focus()
        await pilot.press("right", "space", "left", "space")
        await _settle(pilot)
        assert radios.pressed_button is cpu and screen.target == "cpu"
        assert screen.editor.text == screen.step.code  # nothing rewritten
        # show() goes through the public RadioSet path: the pressed button follows the code
        screen.set_code(screen.editor.text.replace("@jit", "@jit(parallel=True)"))
        await _settle(pilot)
        assert radios.pressed_button is par and screen.target == "parallel"
        radios.focus()
        await pilot.press("space")  # used to toggle the stale highlight (CPU) and drop parallel=True
        await _settle(pilot)
        assert "parallel=True" in screen.editor.text and screen.target == "parallel"


def test_locked_target_is_named_in_the_locked_here_line():
    import asyncio

    async def go():
        app = app_for(engine=False)
        async with app.run_test(size=(160, 48)) as pilot:
            screen = await open_step(pilot, "alpha", 1)
            bar = screen.query_one("#options")
            bar.configure("jit", {"target": "CPU only here", "parallel": "later"}, ["cpu"])
            await pilot.pause()
            note = str(bar.query_one("#lock-note").render())
            assert "parallel" in note and "target (CPU only)" in note

    asyncio.run(go())


def _footer_descriptions(app) -> list[str]:
    from lab.ui.status.footer import FooterKey, LabFooter

    return [k.description for k in app.screen.query_one(LabFooter).query(FooterKey)]


async def test_a_new_step_opens_on_output_with_the_diff_mode_off_and_f1_explains_the_simd_mark():
    # defect 3: the IR tab and "diff: no previous run" carried over to the next step and lesson
    from lab.ui.screens.dialogs import HELP_TEXT

    app = app_for(engine=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        screen.results.show_tab("llvm")
        screen.results.pane("llvm").diff = True
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.results.active_tab == "output"
        assert not screen.results.pane("llvm").diff and not screen.results.pane("asm").diff
    assert "≋" in HELP_TEXT


async def test_try_it_steps_leave_check_hint_solution_out_of_the_footer_and_say_why_when_pressed():
    # defect 7: F8 / ctrl+g / F9 stood in the footer of "try it" steps and did nothing
    app = app_for(engine=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_step(pilot, "alpha", 1)
        await pilot.pause(0.2)
        shown = _footer_descriptions(app)
        assert "Run" in shown and not {"Check", "Hint", "Solution"} & set(shown)
        await pilot.press("f8", "ctrl+g", "f9")
        await pilot.pause()
        said = " ".join(n.message for n in app._notifications)
        assert "no checks" in said and "No hints" in said and "no solution" in said
        await open_step(pilot, "alpha", 2)  # an exercise: all three are back
        await pilot.pause(0.2)
        assert {"Check", "Hint", "Solution"} <= set(_footer_descriptions(app))


async def test_step_heading_says_when_the_step_counts_as_done():
    # defect 13: "done" was recorded only when moving past a step, and nothing said so
    app = app_for(engine=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        heading = lambda: str(screen.query_one("#step-heading").render())  # noqa: E731
        assert "done when you go on (ctrl+n)" in heading()
        await open_step(pilot, "alpha", 2)
        assert "done when its checks pass (F8)" in heading()


async def test_hint_box_drops_the_next_hint_line_once_the_exercise_passed():
    # defect 14: "(ctrl+g for the next hint)" stayed after "2/2 checks passed — step done!"
    from tests.ui.ui_support import wait_until

    app = app_for(engine=True)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_step(pilot, "alpha", 2)
        hints = lambda: str(screen.query_one("#step-hints").render())  # noqa: E731
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert "ctrl+g for the next hint" in hints()
        screen.set_code(screen.step.solution)
        await pilot.pause()
        await pilot.press("f8")
        await wait_until(pilot, lambda: "step done" in str(screen.query_one("#step-checks").render()),
                         what="the checks to pass")
        assert "Hint 1/2" in hints() and "ctrl+g" not in hints()
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert "Hint 2/2" in hints() and "ctrl+g" not in hints()


async def test_lesson_list_keeps_its_selection_after_help_and_shows_the_whole_description():
    # defect 11: F1 then Esc jumped to lesson 12; the description was cut after 4 lines at 80x24
    from textual.widgets import OptionList

    from lab.lessons import builtin_lessons_dir
    from tests.ui.test_curriculum_walk import screen_lines

    app = app_for(engine=False, lesson_dirs=[builtin_lessons_dir()])
    async with app.run_test(size=(80, 24)) as pilot:
        app.progress.set_position(app.catalog.lessons[-1].id, 0)  # the last lesson was opened before
        await pilot.pause()
        options = app.screen.query_one("#lessons", OptionList)
        for lesson in app.catalog.lessons:  # every lesson's description fits, the longest too
            await pilot.pause()
            await pilot.pause()
            shown = " ".join(" ".join(screen_lines(app)).split())
            assert " ".join(str(lesson.summary).split())[-30:] in shown, lesson.id
            assert not any(row.strip().startswith("new ") or row.strip() == "│ new" for row in screen_lines(app))
            await pilot.press("down")
        options.highlighted = 2
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert options.highlighted == 2
        await pilot.press("enter")  # opening a lesson and coming back still highlights it
        await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert options.highlighted == 2


async def test_80x24_keeps_the_f2_choice_zooms_the_results_and_keeps_tab_labels_stable():
    # defect 12: every new step flipped back to the text; the results had 5-6 rows; labels changed form
    app = app_for(engine=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        results = screen.results
        assert screen.has_class("-show-text")
        await pilot.press("f2")  # to the code
        await pilot.pause()
        labels = [results.tab_label(t) for t in ("output", "errors", "llvm", "asm")]
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert not screen.has_class("-show-text") and screen.editor.has_focus  # the choice holds
        results.begin("j1")
        results.apply({"type": "error", "job": "j1", "etype": "TypingError", "stage": "compile",
                       "summary": "\n".join(f"line {i} of a long error" for i in range(40))})
        results.apply({"type": "llvm", "job": "j1", "text": "x", "vectorized": True,
                       "vector_types": ["<2 x double>"]})
        results.apply({"type": "done", "job": "j1", "ok": False})
        await pilot.pause()
        # same form (compact or full) with counts and SIMD marks as without them
        assert [results.tab_label(t).split(" ")[0] for t in ("output", "errors", "llvm", "asm")] == \
            [label.split(" ")[0] for label in labels]
        before = results.region.height
        await pilot.press("ctrl+f", "z")
        await pilot.pause()
        assert screen.has_class("-zoom") and results.region.height > before + 5
        assert not screen.editor.display or screen.editor.region.height == 0
        # one line per Down in the errors pane (it took four presses)
        scroller = screen.focused
        y = scroller.scroll_y
        for step in range(1, 4):
            await pilot.press("down")
            await pilot.pause()
            assert scroller.scroll_y == y + step
        await pilot.press("z")
        await pilot.pause()
        assert not screen.has_class("-zoom") and results.region.height == before
        await pilot.press("f2")  # back to the text; the next step opens on it
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert screen.has_class("-show-text")
