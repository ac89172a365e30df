"""ResultsPanel as a whole, with real jobs' events: stale marking while a new job runs, tab states,
events of other jobs ignored, PTX hidden off-GPU, keys in the footer, focus, a 10 MB output."""

from __future__ import annotations

import subprocess
import sys
import time

from tests.ui.results_app import ResultsApp
from tests.ui.results_jobs import real_events

SIZE = (110, 40)


async def test_begin_marks_old_results_stale_until_each_pane_refreshes():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        panel = app.panel
        app.feed(real_events("fastmath_off"))
        app.panel.show_tab("llvm")
        await pilot.pause()
        assert all(panel.tab_state(t) == "current" for t in ("output", "llvm", "asm", "types"))
        assert panel.tab_state("errors") == "empty" and panel.tab_state("timings") == "empty"
        assert "stale" not in app.screen_text()

        on = real_events("fastmath_on")
        panel.begin(on[0]["job"], "jit", "cpu")
        await pilot.pause()
        for tab in ("output", "llvm", "asm", "types"):
            assert panel.pane(tab).stale_note == "stale — recomputing…", tab
            assert panel.tab_state(tab) == "stale"
            assert panel.tabs.get_tab(tab).has_class("-stale")
        assert panel.tabs.get_tab("timings").has_class("-empty")
        assert "stale — recomputing…" in app.screen_text()  # the old IR is still there, marked
        assert panel.pane("llvm").view.lines  # ... and still readable
        assert "compiling" in panel.summary_text()

        for ev in on:
            panel.apply(ev)
            if ev["type"] == "llvm":
                await pilot.pause()
                assert not panel.pane("llvm").is_stale
                assert panel.pane("asm").is_stale  # its own event has not landed yet
        await pilot.pause()
        assert not any(panel.pane(t).is_stale for t in ("output", "llvm", "asm", "types"))
        assert "stale" not in app.screen_text()


async def test_a_failed_run_leaves_old_views_marked_as_not_from_this_run():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        panel = app.panel
        app.feed(real_events("fastmath_off"))
        app.feed(real_events("typing_error"))
        await pilot.pause()
        llvm = panel.pane("llvm")
        assert llvm.is_stale and "this run produced none" in llvm.stale_note
        assert panel.active_tab == "errors" and panel.tab_label("errors") == "Errors (1)"
        # the next good run clears the error and goes back to the output
        app.feed(real_events("output"))
        await pilot.pause()
        assert panel.tab_label("errors") == "Errors" and panel.tab_state("errors") == "empty"
        assert panel.active_tab == "output"
        assert "no errors" in str(panel.query_one(".error-text").content)


async def test_mark_stale_when_the_code_changes_before_a_run():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        panel = app.panel
        app.feed(real_events("checks"))
        panel.mark_stale()
        await pilot.pause()
        assert "the code changed" in panel.pane("output").stale_note
        assert panel.pane("checks").is_stale and panel.tab_state("checks") == "stale"
        assert not panel.pane("llvm").is_stale  # nothing there to be stale


async def test_events_of_other_jobs_are_ignored_and_clear_forgets_everything():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        panel = app.panel
        off, typo = real_events("fastmath_off"), real_events("typing_error")
        app.feed(off)
        for ev in typo:  # a superseded job's late events
            panel.apply(ev)
        await pilot.pause()
        assert panel.pane("errors").errors == [] and panel.state == "done"
        panel.clear()
        await pilot.pause()
        assert panel.state == "idle" and panel.job_id is None
        assert all(panel.tab_state(t) == "empty" for t in ("output", "llvm", "asm", "types"))
        assert panel.pane("llvm").view.lines == []
        for ev in off:  # no job begun: nothing is shown
            panel.apply(ev)
        assert panel.pane("llvm").view.lines == []


async def test_ptx_tab_hidden_without_a_real_gpu():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        events = real_events("fastmath_off")
        assert not any(e["type"] == "ptx" for e in events)
        app.feed(events)
        await pilot.pause()
        assert app.panel.tabs.get_tab("ptx").display is False
        assert "PTX" not in app.screen_text()
        app.panel.action_next_tab()
        tabs_seen = set()
        for _ in range(12):
            app.panel.action_next_tab()
            tabs_seen.add(app.panel.active_tab)
        assert "ptx" not in tabs_seen and "checks" in tabs_seen


async def test_keys_are_in_the_footer_and_tab_keys_move_focus_along():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        panel = app.panel
        app.feed(real_events("typing_error"))
        panel.focus()
        await pilot.pause()
        footer = app.screen_text().splitlines()[-1]
        assert "e Full error" in footer and "g Go to line" in footer and "] Next tab" in footer
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert panel.active_tab == "llvm"
        assert app.focused is panel.pane("llvm").view
        footer = app.screen_text().splitlines()[-1]
        assert "/ Search" in footer
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert panel.active_tab == "output" and app.focused is panel.pane("output").view
        # with the focus in the editor, switching tabs leaves it there
        app.query_one("#editor").focus()
        await pilot.pause()
        panel.show_tab("timings")
        await pilot.pause()
        assert app.focused is app.query_one("#editor")


async def test_compact_labels_on_a_narrow_terminal():
    app = ResultsApp()
    async with app.run_test(size=(70, 30)) as pilot:
        app.feed(real_events("fastmath_on"))
        await pilot.pause()
        assert app.panel.tab_label("output") == "Out"
        assert app.panel.tab_label("llvm") == "IR ≋"


async def test_ten_megabytes_of_output_render_without_freezing():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        events = real_events("flood")
        big = max((e for e in events if e["type"] == "output"), key=lambda e: len(e["stdout"]))
        assert len(big["stdout"]) >= 10_000_000
        t0 = time.perf_counter()
        app.feed(events)
        await pilot.pause()
        shown = time.perf_counter() - t0
        view = app.panel.pane("output").view
        assert len(view.lines) >= 100_000
        assert "x" * 99 in app.screen_text()
        t0 = time.perf_counter()
        view.scroll_to(0, 50_000, animate=False)
        await pilot.pause()
        scrolled = time.perf_counter() - t0
        t0 = time.perf_counter()
        count = app.panel.pane("output").run_search("flood")
        searched = time.perf_counter() - t0
        assert count >= 1
        # numbers, not asserts (CPU is shared): run with -s to see them
        print(f"\n[bench] 10 MB output: shown in {shown * 1e3:.0f} ms, scroll {scrolled * 1e3:.0f} ms, "
              f"search {searched * 1e3:.0f} ms over {len(view.lines)} lines")


def test_results_package_never_imports_numba():
    code = ("import lab.ui.results, lab.ui.results.panel, sys; "
            "print('numba' in sys.modules, 'llvmlite' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["False", "False"]


async def test_labels_are_compact_when_the_longest_full_ones_would_not_fit():
    # issue 13 (12): the form used to flip between runs as counts and SIMD marks came and went;
    # it is now decided on the longest labels, so it holds from the first run
    app = ResultsApp()
    async with app.run_test(size=(84, 30)) as pilot:
        app.feed(real_events("fastmath_off"))
        await pilot.pause()
        assert app.panel.tab_label("llvm") == "IR"  # "LLVM IR SIMD" ... "Errors (99)" would not fit
        app.feed(real_events("fastmath_on"))
        app.feed(real_events("checks"))
        await pilot.pause()
        # checks kept the SIMD views (stale) and added counts: the long labels no longer fit
        assert app.panel.tab_label("checks") == "Chk (2/3)"
        assert app.panel.tab_label("llvm") == "IR ≋"
