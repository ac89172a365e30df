"""Each results pane filled from a REAL engine job's events (tests/ui/results_jobs.py)."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from lab.ui.results.format import fmt_seconds, fmt_speedup
from lab.ui.results.timings import timing_rows
from tests.ui.results_app import ResultsApp
from tests.ui.results_jobs import real_events

SIZE = (110, 40)
FIXTURES = Path(__file__).parent / "results_fixtures"


def of(events: list[dict], type_: str) -> list[dict]:
    return [e for e in events if e["type"] == type_]


async def test_output_pane_shows_each_call_with_stdout_stderr_and_result():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        app.feed(real_events("output"))
        await pilot.pause()
        view = app.panel.pane("output").view
        lines = view.lines
        assert lines[0].startswith("compiled (nopython) in ")
        assert "▶ square(7)" in lines and "= 49" in lines
        i = lines.index("▶ shout(3)")
        assert lines[i + 1:i + 5] == ["line 0", "line 1", "line 2", "= 3"]
        assert "to stdout" in lines
        warned = lines.index("warned")
        assert view._tags[warned] == "stderr"
        assert view._tags[lines.index("= 49")] == "result"
        assert app.panel.state == "done" and app.panel.tab_state("output") == "current"
        assert "done in" in app.panel.summary_text()
        assert "▶ square(7)" in app.screen_text()


async def test_output_truncation_is_marked():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        events = real_events("flood_capped")
        assert any(e.get("truncated") for e in of(events, "output"))
        app.feed(events)
        await pilot.pause()
        pane = app.panel.pane("output")
        assert pane.truncated
        assert any("output truncated" in ln for ln in pane.view.lines)


async def test_errors_pane_condensed_full_text_and_jump_to_line():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        events = real_events("typing_error")
        err = of(events, "error")[0]
        app.feed(events)
        await pilot.pause()
        panel = app.panel
        assert panel.active_tab == "errors"
        assert panel.tab_label("errors") == "Errors (1)"
        assert "failed: TypingError (compile)" in panel.summary_text()
        screen = app.screen_text()
        assert "TypingError (compile stage, line 6)" in screen
        assert '6 │     return x + "a"' in screen
        assert "^^^^^^^^^^^^^^" in screen  # no column from Numba: the statement is underlined
        assert "hint: Numba could not work out a type" in screen
        pane = panel.pane("errors")
        full = pane.query_one(".error-full")
        assert not full.display or not pane.has_class("-expanded")
        panel.focus()
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert pane.has_class("-expanded") and full.display
        assert full.text.startswith(err["full"].split("\n")[0])
        assert "Failed in nopython mode pipeline" in app.screen_text()
        await pilot.press("g")
        await pilot.pause()
        assert [(m.line, m.col) for m in app.jumps] == [(6, 1)]


async def test_worker_timeout_is_reported_with_its_cause():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        events = real_events("timeout")
        assert events[-1]["cause"] == "timeout"
        app.feed(events)
        await pilot.pause()
        assert app.panel.state == "failed"
        assert "Timeout" in app.panel.summary_text()
        text = str(app.panel.query_one(".error-text", Static).content)
        assert "stopped after 2 s" in text and "endless loop" in text
        assert app.jumps == []


async def test_types_and_parallel_panes():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        off = real_events("fastmath_off")
        app.feed(off)
        await pilot.pause()
        types = app.panel.pane("types").view.text
        assert types.rstrip() == of(off, "types")[0]["text"].rstrip()
        assert "float64" in types and "total" in types
        par = real_events("parallel")
        app.feed(par)
        await pilot.pause()
        ev = of(par, "parallel")[0]
        assert ev["loops"] >= 1
        pane = app.panel.pane("parallel")
        assert pane.view.text.rstrip() == ev["text"].rstrip()
        assert str(pane.query_one(".pane-header", Static).content).startswith(f"{ev['loops']} parallel loop")
        assert app.panel.tab_label("parallel") == f"Parallel ({ev['loops']})"
        # the parallel job had no types view: the old one is kept but marked as not from this run
        assert app.panel.pane("types").is_stale
        assert "this run produced none" in app.panel.pane("types").stale_note


async def test_timings_table_and_scaling_plot():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        events = real_events("timings")
        ev = of(events, "timings")[0]
        assert len(ev["series"]) == 3
        app.feed(events)
        app.panel.show_tab("timings")
        await pilot.pause()
        table = app.panel.query_one(DataTable)
        rows = {str(table.get_row(k)[0]): str(table.get_row(k)[1]) for k in table.rows}
        assert rows["steady min"] == fmt_seconds(ev["jit"]["min_s"])
        assert rows["Python min"] == fmt_seconds(ev["python"]["min_s"])
        assert rows["speed-up"] == fmt_speedup(ev["speedup"]) + (" (uncertain)" if ev["uncertain"] else "")
        assert rows["spread (IQR)"].startswith("jit ") and " · Python " in rows["spread (IQR)"]
        assert rows["compile"] != "—" and rows["first call"] != "—"
        plot = app.panel.query_one(PlotextPlot)
        assert plot.display
        assert app.panel.pane("timings").has_class("-wide")  # 110 columns: table and plot side by side
        assert plot.region.x > table.region.right - 1
        screen = app.screen_text()
        assert "time vs input size" in screen and "100k" in screen
        if ev.get("python_note"):  # the baseline was cut at its budget: the pane says so
            assert ev["python_note"] in str(app.panel.query_one(".timing-notes", Static).content)


async def test_timings_of_one_size_have_no_plot():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        events = real_events("timing_once")
        ev = of(events, "timings")[0]
        assert len(ev["series"]) <= 1
        app.feed(events)
        app.panel.show_tab("timings")
        await pilot.pause()
        assert not app.panel.query_one(PlotextPlot).display
        assert "speed-up" in app.screen_text()


async def test_checks_pane_lists_passes_and_failures():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        app.feed(real_events("checks"))
        app.panel.show_tab("checks")
        await pilot.pause()
        assert app.panel.tab_label("checks") == "Checks (2/3)"
        assert "failed: 1 of 3 checks failed" in app.panel.summary_text()
        screen = app.screen_text()
        assert "✗ equal total(a) — total(a) should double every element" in screen
        assert "✓ nopython" in screen


async def test_an_error_the_step_expects_is_not_a_failure():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        events = real_events("expected_error")
        assert of(events, "error")[0]["expected"] and events[-1]["ok"]
        app.feed(events)
        await pilot.pause()
        assert app.panel.state == "expected"
        assert "done — expected TypingError" in app.panel.summary_text()
        assert "expected by this step ✓" in app.screen_text()


async def test_cuda_job_simulator_label_or_real_ptx():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        events = real_events("cuda")
        assert not of(events, "error"), of(events, "error")
        app.feed(events)
        await pilot.pause()
        ptx = of(events, "ptx")
        if events[0]["simulator"]:  # no GPU here: always labelled, and no PTX tab
            assert not ptx
            assert "simulator" in app.panel.summary_text()
            assert app.panel.tabs.get_tab("ptx").display is False
            app.panel.show_tab("timings")
            await pilot.pause()
            assert "simulator — numbers are not GPU speed" in app.screen_text()
        else:  # a real GPU: the PTX tab appears with the kernel's PTX
            assert ptx and app.panel.tabs.get_tab("ptx").display
            assert app.panel.pane("ptx").view.text.rstrip() == ptx[0]["text"].expandtabs(8).rstrip()
            assert "simulator" not in app.panel.summary_text()


async def test_cuda_simulator_ir_tabs_say_the_simulator_runs_kernels_as_python():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        events = real_events("cuda")
        app.feed(events)
        await pilot.pause()
        for tab in ("llvm", "asm"):
            note = app.panel.empty_note(tab)
            if events[0]["simulator"]:
                assert "simulator: it runs kernels as Python" in note and "NVIDIA GPU" in note, note
            else:
                assert "simulator" not in note


async def test_cuda_kernel_whose_threads_raise_fails_with_one_error():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        events = real_events("cuda_raise")
        app.feed(events)
        await pilot.pause()
        assert app.panel.state == "failed" and len(app.panel.pane("errors").errors) == 1
        assert "✓" not in app.panel.summary_text()


async def test_a_function_loaded_from_the_disk_cache_says_so_instead_of_0_ns():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        real_events("cache_first")
        events = real_events("cache_again")
        assert of(events, "compiled")[0]["from_cache"] is True
        app.feed(events)
        await pilot.pause()
        first = app.panel.pane("output").view.lines[0]
        assert first.startswith("loaded from cache in ") and first.endswith("(nopython)"), first
        assert "0 ns" not in first
        rows = dict(timing_rows(of(events, "timings")[0]))
        assert rows["compile"].startswith("loaded from cache in ")
        assert "define" in app.panel.pane("llvm").view.text


async def test_megabyte_lines_are_cut_for_display_and_say_how_much():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        events = real_events("long_line")
        out = of(events, "output")[0]
        assert out["truncated"] and len(out["stdout"]) > 1_000_000
        app.feed(events)
        await pilot.pause()
        lines = app.panel.pane("output").view.lines
        assert lines[0] == "nopython: nothing compiled yet (no call reached the function)"
        long = [ln for ln in lines if ln.startswith("yyyy")]
        assert len(long) == 2  # the head and the tail the engine kept
        assert all(len(ln) < 5100 and ln.endswith("characters]") for ln in long)
        assert any(ln.startswith("[... ") for ln in lines)  # the engine's cut marker
        assert "= [0, 1, 2, 3" in app.screen_text()


async def test_a_crashed_worker_names_the_signal_and_the_cause():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        events = real_events("crash")
        assert events[-1]["cause"] == "signal"
        app.feed(events)
        await pilot.pause()
        summary = app.panel.summary_text()
        assert "failed: SIGSEGV (worker); ended by signal" in summary
        assert "the code crashed the worker (SIGSEGV)" in app.screen_text()
        assert "boundscheck=True" in app.screen_text()


async def test_code_colours_follow_a_light_theme():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        app.feed(real_events("fastmath_off"))
        app.panel.show_tab("llvm")
        await pilot.pause()
        view = app.panel.pane("llvm").view
        dark = [seg.style.color for seg in view._line_strip(1) if seg.style and seg.style.color]
        app.theme = "textual-light"
        await pilot.pause()
        view.refresh()
        await pilot.pause()
        view._styles_for_theme()
        light = [seg.style.color for seg in view._line_strip(1) if seg.style and seg.style.color]
        assert dark and light and dark != light


async def test_ptx_tab_appears_for_a_real_gpu_job_and_hides_again():
    """Events captured from the real `cuda` job on an H100 (results_fixtures/README.md)."""
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        events = json.loads((FIXTURES / "cuda_h100.json").read_text())
        ptx = of(events, "ptx")[0]
        assert not events[0]["simulator"]
        app.feed(events)
        await pilot.pause()
        panel = app.panel
        assert panel.tabs.get_tab("ptx").display
        assert "simulator" not in panel.summary_text()
        panel.show_tab("ptx")
        await pilot.pause()
        view = panel.pane("ptx").view
        assert view.text.rstrip() == ptx["text"].expandtabs(8).rstrip()
        assert ".visible .entry" in view.text
        assert view._line_strip(view.lines.index(".address_size 64")).text == ".address_size 64"
        assert "Generated by NVIDIA NVVM Compiler" in app.screen_text()
        panel.show_tab("timings")
        await pilot.pause()
        assert "GPU times measured with CUDA events" in str(panel.query_one(".timing-notes").content)
        # a CPU job next: no PTX for it, the tab goes
        app.feed(real_events("output"))
        await pilot.pause()
        assert panel.tabs.get_tab("ptx").display is False and panel.active_tab != "ptx"
