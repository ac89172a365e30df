"""Fixes found by walking the real app with the keyboard (tmux, 120x36 and 80x24)."""

from __future__ import annotations

from textual.command import CommandList

from lab.lessons import builtin_lessons_dir
from tests.ui.ui_support import app_for, open_step, wait_until


async def test_palette_ranks_the_option_toggle_first_for_an_exact_option_name():
    # lesson 9 has steps titled with "fastmath": they used to outrank "Toggle fastmath"
    app = app_for(engine=False, lesson_dirs=[builtin_lessons_dir()])
    async with app.run_test(size=(120, 36)) as pilot:
        lesson = next(l for l in app.catalog.lessons if "fastmath" in l.title)
        await open_step(pilot, lesson.id, 0)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press(*"fastmath")
        await pilot.pause(1.0)
        hits = app.screen.query_one(CommandList)
        prompts = [str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count)]
        assert any(p.startswith("Step ") for p in prompts)  # steps still match, after the toggle
        assert prompts[0].startswith("Toggle fastmath")


def _footer_keys(app) -> list[tuple[str, str]]:
    from lab.ui.status.footer import LabFooter

    footer = app.screen.query_one(LabFooter)
    return [(k.key_display, k.description) for k in footer.query("FooterKey")]


async def test_footer_fits_80_columns_and_keeps_the_important_keys():
    from lab.ui.status.footer import key_cells

    app = app_for(engine=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "alpha", 2)  # an exercise: check, hint, solution, reset all live
        await pilot.pause(0.2)
        for where in ("editor", "results"):
            if where == "results":
                await pilot.press("ctrl+f")
                await pilot.pause(0.2)
            keys = _footer_keys(app)
            descriptions = [d for _, d in keys]
            assert sum(key_cells(k, d) for k, d in keys) <= 80, keys  # nothing cut at the edge
            for needed in ("Next", "Run", "Check", "Hint", "Help"):
                assert needed in descriptions, (where, keys)
        assert "Next tab" in descriptions
        # left out of the footer is not gone: the key still works (and F1 lists it)
        await pilot.press("f10")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_footer_shows_everything_when_wide():
    app = app_for(engine=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_step(pilot, "alpha", 2)
        await pilot.pause(0.2)
        descriptions = [d for _, d in _footer_keys(app)]
        for name in ("Next", "Prev", "Run", "Text", "Check", "Hint", "Solution", "Reset", "Lessons", "Quit",
                     "Help", "palette"):
            assert name in descriptions


async def test_an_empty_results_tab_says_why_instead_of_showing_blank():
    # walk: lesson 4 at 80x24, text pane toggled, ] to LLVM IR / Timings showed an empty pane
    from lab.ui.results.panel import EMPTY_NOTES

    app = app_for(engine=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        results = screen.results
        await pilot.press("ctrl+f")
        await pilot.pause()
        results.show_tab("timings")
        await pilot.pause()
        timings = results.pane("timings")
        assert timings.empty_note.startswith("No Timings yet: it comes with the next run")
        results.begin("job-1")
        await pilot.pause()
        assert "this run is still going" in timings.empty_note
        results.apply({"type": "done", "job": "job-1", "ok": True, "elapsed_ms": 5})
        await pilot.pause()
        assert timings.empty_note == EMPTY_NOTES["timings"]
        note = timings.query_one(".empty-note")
        assert note.display and note.region.height > 0  # on screen, not just set
        results.apply({"type": "timings", "job": "job-1", "compile_ms": 1.0, "jit": {"min_s": 1e-6}})
        await pilot.pause()
        assert timings.empty_note is None and not note.display


def test_speed_up_is_the_first_timing_row_when_there_is_a_baseline():
    # at 80x24 the Timings pane shows five rows; the speed-up used to be the eighth
    from lab.ui.results.timings import timing_rows

    ev = {"compile_ms": 200.0, "first_call_ms": 0.02, "speedup": 15.8,
          "jit": {"min_s": 5e-7, "median_s": 5.2e-7, "runs": 7, "loops": 40000},
          "python": {"min_s": 8e-6, "median_s": 8.1e-6}}
    rows = timing_rows(ev)
    assert rows[0] == ("speed-up", "15.8x")
    assert [m for m, _ in rows].count("speed-up") == 1
    no_baseline = timing_rows({**ev, "python": None, "speedup": None})
    assert no_baseline[0][0] == "compile" and ("Python", "not measured") in no_baseline


async def test_signature_placeholder_fits_on_its_one_line_beside_the_text_pane():
    # 120x36 with the step text showing: "signature, e.g. float64(float64[:])" wrapped inside the
    # 28-cell input and showed only "signature, e.g." followed by blanks
    from textual.widgets import Input

    app = app_for(engine=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_step(pilot, "alpha", 2)
        sig = screen.query_one("#opt-signature", Input)
        assert sig.value == ""
        shown = sig.render_line(0).text
        assert "float64(float64[:])" in shown and "\n" not in shown.rstrip()


async def test_hints_show_code_spans_without_backticks():
    # lesson 2's hints say `@jit(<return type>(<arg type>, <arg type>))`: the backticks were shown raw
    from textual.widgets import Static

    from lab.ui.lesson_pane.step_text import inline_code

    assert inline_code("a `f(x)` c") == "a [b $accent]f(x)[/] c"
    assert inline_code("odd ` tick") == "odd ` tick"
    app = app_for(engine=False, lesson_dirs=[builtin_lessons_dir()])
    async with app.run_test(size=(120, 36)) as pilot:
        lesson = next(l for l in app.catalog.lessons if l.id.startswith("types"))
        step = next(i for i, s in enumerate(lesson.steps) if s.hints and any("`" in h for h in s.hints))
        await open_step(pilot, lesson.id, step)
        for _ in lesson.steps[step].hints:
            await pilot.press("ctrl+g")
        await pilot.pause()
        shown = app.screen.query_one("#step-hints", Static).render().plain
        assert "Hint 1/" in shown and "`" not in shown


async def test_status_says_how_long_the_run_took_in_readable_units():
    # a fast run read "✓ ok in 0.0 s"; the status now uses the results summary's units
    from lab.ui.results.format import fmt_ms

    app = app_for(engine=True)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        await wait_until(pilot, lambda: screen.status.job_note.startswith(("✓", "✗")), what="a finished run")
        elapsed = screen.results.elapsed_ms
        assert elapsed
        assert screen.status.job_note == f"✓ ok in {fmt_ms(elapsed)}"
        assert "0.0 s" not in screen.status.job_note


async def test_status_names_the_error_a_step_expects_instead_of_a_bare_ok():
    # lesson 5, "A typing error, read line by line": the results said "done — expected TypingError"
    # while the status line said "✓ ok in 219 ms"
    app = app_for(engine=True, lesson_dirs=[builtin_lessons_dir()])
    async with app.run_test(size=(120, 36)) as pilot:
        lesson = next(l for l in app.catalog.lessons if l.id.startswith("nopython"))
        index = next(i for i, s in enumerate(lesson.steps) if s.id == "typing-error")
        screen = await open_step(pilot, lesson.id, index)
        await wait_until(pilot, lambda: screen.status.job_note.startswith(("✓", "✗")), what="a finished run")
        assert screen.status.job_note.startswith("✓ expected TypingError in ")


def test_summary_names_a_cuda_job_once():
    # lesson 11 on the simulator read "✓ done in 8.77 ms  cuda/cuda · cuda  simulator"
    from lab.ui.results.summary import summary_markup
    from textual.content import Content

    def plain(markup: str) -> str:
        return Content.from_markup(markup).plain

    cuda = plain(summary_markup("done", elapsed_ms=8.77, job="j", kind="cuda", target="cuda", mode="cuda",
                                simulator=True))
    assert "cuda/cuda" not in cuda and "· cuda" not in cuda
    assert "  cuda  simulator" in cuda
    jit = plain(summary_markup("done", elapsed_ms=5, job="j", kind="jit", target="parallel", mode="nopython"))
    assert "jit/parallel · nopython" in jit


async def test_dialogs_show_their_own_keys_in_the_footer():
    # the lesson screen's footer (^n Next, f5 Run, ...) stayed visible under the solution dialog,
    # where none of those keys do anything
    app = app_for(engine=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "alpha", 2)
        await pilot.press("f9")
        await pilot.pause()
        assert type(app.screen).__name__ == "SolutionScreen"
        descriptions = [d for _, d in _footer_keys(app)]
        assert "Apply to editor" in descriptions and "Close" in descriptions and "Run" not in descriptions
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("f10")
        await pilot.pause()
        descriptions = [d for _, d in _footer_keys(app)]
        assert "Yes" in descriptions and "No" in descriptions
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert "Close" in [d for _, d in _footer_keys(app)]


def _label_background(widget, label: str):
    for segment in widget.render_line(0):
        if label in segment.text:
            return segment.style.bgcolor if segment.style else None
    raise AssertionError(f"{label!r} not rendered")


async def test_option_focus_walks_the_toggles_in_visual_order_with_one_visible_cursor():
    # F4 then Tab / shift+Tab: row by row (nopython forceobj nogil cache / parallel fastmath
    # boundscheck / signature target), at 80 and at 120 columns; locked toggles are skipped
    for size in ((80, 24), (120, 36)):
        app = app_for(engine=False)
        async with app.run_test(size=size) as pilot:
            screen = await open_step(pilot, "alpha", 2)  # nothing locked
            await pilot.press("f4")
            await pilot.pause()
            seen = []
            while app.focused is not None and app.focused.id not in seen and app.focused.id != "editor":
                seen.append(app.focused.id)
                await pilot.press("tab")
                await pilot.pause()
            assert seen == ["opt-nopython", "opt-forceobj", "opt-nogil", "opt-cache", "opt-parallel",
                            "opt-fastmath", "opt-boundscheck", "opt-signature", "target"], size
            where = [screen.query_one(f"#{i}").region for i in seen]
            assert [(r.y, r.x) for r in where] == sorted((r.y, r.x) for r in where)  # reading order
            back = []
            await pilot.press("shift+tab")  # from the editor back into the bar
            await pilot.pause()
            while app.focused is not None and app.focused.id in seen and app.focused.id not in back:
                back.append(app.focused.id)
                await pilot.press("shift+tab")
                await pilot.pause()
            assert back == seen[::-1], size
            # the focused toggle stands out; no other control in the bar shows a cursor
            await pilot.press("f4")
            await pilot.pause()
            focused_bg = _label_background(screen.query_one("#opt-nopython"), "nopython")
            others = [_label_background(screen.query_one("#opt-forceobj"), "forceobj"),
                      _label_background(screen.query_one("#target-cpu"), "CPU")]
            assert focused_bg is not None and all(bg != focused_bg for bg in others)
            assert others[0] == others[1]  # the unfocused target row looks like an unfocused toggle


async def test_lesson_list_rows_stay_on_one_line_at_80_columns():
    # rows 8 and 10 wrapped at 80 columns ("... prange   0/5" / "steps · new")
    from textual.widgets import OptionList

    app = app_for(engine=False, lesson_dirs=[builtin_lessons_dir()])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert options.virtual_size.height == len(prompts)  # one line per lesson
        assert all(len(p) <= options.content_region.width for p in prompts)
        assert all("/" in p and "· new" in p for p in prompts)  # progress still on every row
        assert any(p.rstrip().endswith("· new") and "…" in p for p in prompts)  # long titles cut, not wrapped
        await pilot.resize_terminal(160, 40)
        await pilot.pause(0.3)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert all("steps · new" in p and "…" not in p for p in prompts)


async def test_lesson_header_keeps_the_step_and_its_kind_at_80_columns():
    # "Your own NumPy ufuncs with @vectorize and @guvectorize  ·  step 5/7: Targets:" (cut there)
    from textual.widgets import Static

    from lab.ui.screens.lesson import header_markup

    app = app_for(engine=False, lesson_dirs=[builtin_lessons_dir()])
    async with app.run_test(size=(80, 24)) as pilot:
        lesson = max(app.catalog.lessons, key=lambda l: len(l.title))
        await open_step(pilot, lesson.id, 1)
        header = app.screen.query_one("#lesson-header", Static)
        shown = header.render_line(0).text.rstrip()
        step = lesson.steps[1]
        assert f"step 2/{len(lesson.steps)}: " in shown and shown.endswith(")") and len(shown) <= 80
        await pilot.resize_terminal(200, 40)
        await pilot.pause(0.2)
        assert lesson.title in header.render_line(0).text and step.title in header.render_line(0).text
    assert "…" not in header_markup("Types", 1, 5, "One", "read", 78)


async def test_narrow_footer_leaves_out_all_dimmed_keys_on_a_read_step():
    # a read step at 80 columns showed dimmed "f9 Solution f10 Reset" but not the other dimmed keys
    app = app_for(engine=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "alpha", 0)  # a read step
        await pilot.pause(0.2)
        from lab.ui.status.footer import LabFooter

        keys = list(app.screen.query_one(LabFooter).query("FooterKey"))
        assert keys and not any(k.disabled for k in keys)
        assert "Next" in [k.description for k in keys] and "Help" in [k.description for k in keys]


async def test_status_line_keeps_the_draft_note_at_80_columns():
    # at 80 columns "… │ CUDA simulator │" ended the line: the draft note ("editing…") was cut off
    app = app_for(engine=False, status_info={"numba": "0.68.1", "cpus": 2, "cuda": "CUDA simulator"})
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        screen.status.job_note = "✗ IndentationError (line 1) in 2.23 ms"
        screen.editor.focus()
        await pilot.press("x")
        await pilot.pause()
        shown = str(screen.status.render())
        assert "editing…" in shown and "IndentationError (line 1)" in shown
        assert len(shown) <= 78 and "Numba 0.68.1" not in shown
        assert "Numba 0.68.1" in screen.status.status_text()  # the full line (wide terminals)
        await pilot.resize_terminal(160, 40)
        await pilot.pause(0.2)
        shown = str(screen.status.render())
        # the draft note, whichever it is by now (the 1 s draft save may land first on a busy box)
        assert "Numba 0.68.1" in shown and "CUDA simulator" in shown and ("editing…" in shown or "saved" in shown)


async def test_lesson_list_shows_where_to_resume_at_80x24():
    # the summary under the list showed the title and two lines of the lesson summary; the
    # "resume at step N" line came last and was cut off
    from textual.widgets import Static

    app = app_for(engine=False, lesson_dirs=[builtin_lessons_dir()])
    async with app.run_test(size=(80, 24)) as pilot:
        lesson = app.catalog.lessons[3]
        await open_step(pilot, lesson.id, 1)
        await pilot.press("ctrl+l")
        await pilot.pause(0.3)
        summary = app.screen.query_one("#lesson-summary", Static)
        visible = [summary.render_line(y).text for y in range(summary.region.height)]
        assert any("resume at step 2" in line for line in visible), visible


def test_footer_keeps_the_ir_keys_at_80_columns_with_shorter_words():
    # LLVM IR focused at 80 columns: f (full/filtered) and d (diff) are what the tab is for
    from lab.ui.status.footer import PALETTE_CELLS, fit_keys, key_cells

    keys = [("search", "/", "Search", True), ("next_match", "n", "Next match", False),
            ("prev_match", "N", "Prev match", False), ("toggle_full", "f", "Full/filtered", True),
            ("toggle_diff", "d", "Diff vs last", True), ("next_tab", "]", "Next tab", True),
            ("prev_tab", "[", "Prev tab", True), ("next_step", "^n", "Next", True), ("prev_step", "^p", "Prev", True),
            ("run", "f5", "Run", True), ("toggle_text", "f2", "Text", True), ("check", "f8", "Check", False),
            ("reset", "f10", "Reset", True), ("to_list", "^l", "Lessons", True), ("quit", "^q", "Quit", True),
            ("help", "f1", "Help", True)]
    fitted = fit_keys(keys, 80 - PALETTE_CELLS)
    shown = {action: desc for action, _, desc, _ in fitted}
    assert sum(key_cells(k, d) for _, k, d, _ in fitted) <= 80 - PALETTE_CELLS
    assert shown["toggle_full"] == "Full" and shown["toggle_diff"] == "Diff"
    for action in ("search", "next_tab", "next_step", "run", "help"):
        assert action in shown
    assert fit_keys(keys, 400) == keys  # wide: everything, in the binding's own words


async def test_signature_example_matches_the_decorator():
    # a CUDA kernel step offered "e.g. float64(float64[:])" (kernels return nothing: void(...))
    from textual.widgets import Input

    app = app_for(engine=False, lesson_dirs=[builtin_lessons_dir()])
    async with app.run_test(size=(120, 36)) as pilot:
        cuda = next(l for l in app.catalog.lessons if l.id.startswith("cuda"))
        screen = await open_step(pilot, cuda.id, 0)
        assert screen.query_one("#opt-signature", Input).placeholder.startswith("e.g. void(")
        jit = next(l for l in app.catalog.lessons if l.id.startswith("types"))
        await open_step(pilot, jit.id, 0)
        assert app.screen.query_one("#opt-signature", Input).placeholder == "e.g. float64(float64[:])"
