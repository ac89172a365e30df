"""LLVM IR / assembly panes from real jobs: filtered vs full, SIMD mark, diff after a fastmath flip,
search with / then n/N."""

from __future__ import annotations

import time

from textual.widgets import Input, Static

from lab.engine.irtext import ir_diff
from tests.ui.results_app import ResultsApp
from tests.ui.results_jobs import real_events

SIZE = (110, 40)


def same(shown: str, sent: str) -> bool:
    """The view holds the event's text (tabs expanded for the terminal)."""
    return shown.rstrip() == sent.expandtabs(8).rstrip()


def one(events: list[dict], type_: str) -> dict:
    return next(e for e in events if e["type"] == type_)


async def test_llvm_and_asm_filtered_then_full():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        events = real_events("fastmath_off")
        app.feed(events)
        app.panel.show_tab("llvm")
        await pilot.pause()
        for tab in ("llvm", "asm"):
            ev = one(events, tab)
            pane = app.panel.pane(tab)
            assert same(pane.view.text, ev["text"])
            assert len(ev["full"]) > len(ev["text"])
            assert not pane.simd and not pane.query_one(".simd-badge").display
            assert app.panel.tab_label(tab) in ("LLVM IR", "Assembly")
        llvm = app.panel.pane("llvm")
        assert "filtered: total(" in str(llvm.query_one(".ir-mode", Static).content)
        app.panel.focus()
        await pilot.pause()
        assert app.focused is llvm.view
        await pilot.press("f")
        await pilot.pause()
        assert same(llvm.view.text, one(events, "llvm")["full"])
        assert str(llvm.query_one(".ir-mode", Static).content) == "full module"
        await pilot.press("f")
        assert same(llvm.view.text, one(events, "llvm")["text"])


async def test_simd_marker_when_vectorised():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        events = real_events("fastmath_on")
        ev = one(events, "llvm")
        # the vector width is LLVM's pick for this CPU (<4 x double> with AVX2, <8 x double> with
        # AVX-512): take it from the run, never assume it
        assert ev["vectorized"] and ev["vector_types"]
        vt = ev["vector_types"][0]
        assert vt.startswith("<") and "x double>" in vt
        app.feed(events)
        app.panel.show_tab("llvm")
        await pilot.pause()
        pane = app.panel.pane("llvm")
        assert pane.simd
        assert app.panel.tab_label("llvm") == "LLVM IR SIMD"
        assert f"SIMD: {vt}" in app.screen_text()


async def test_diff_mode_shows_what_the_fastmath_flip_changed():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        off, on = real_events("fastmath_off"), real_events("fastmath_on")
        app.feed(off)
        app.feed(on)
        app.panel.show_tab("llvm")
        app.panel.focus()
        await pilot.pause()
        pane = app.panel.pane("llvm")
        await pilot.press("d")
        await pilot.pause()
        expected = ir_diff(one(off, "llvm")["text"], one(on, "llvm")["text"])
        assert expected and same(pane.view.text, expected)
        assert pane.view.diff
        lines, tags = pane.view.lines, pane.view._tags
        added = [ln for ln, t in zip(lines, tags) if t == "added"]
        removed = [ln for ln, t in zip(lines, tags) if t == "removed"]
        widths = one(on, "llvm")["vector_types"]  # whatever width LLVM picked on this CPU
        assert any(vt in ln for ln in added for vt in widths)  # fastmath let LLVM vectorise the reduction
        assert any(ln.startswith("-") for ln in removed)
        assert all(t == "header" for ln, t in zip(lines, tags) if ln.startswith("@@"))
        assert "diff vs previous run" in str(pane.query_one(".ir-mode", Static).content)
        assert "+++ after" in app.screen_text()
        # the asm pane diffs on its own; `d` again shows the plain text
        await pilot.press("d")
        await pilot.pause()
        assert not pane.view.diff and same(pane.view.text, one(on, "llvm")["text"])


async def test_diff_against_the_same_text_says_no_change():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        off = real_events("fastmath_off")
        app.feed(off)
        pane = app.panel.pane("asm")
        pane.action_toggle_diff()
        assert "no previous run" in pane.view.text
        app.feed([dict(e, job="again") for e in off])  # the same job's events, replayed as a new job
        await pilot.pause()
        assert "no change from the previous run" in pane.view.text


async def test_search_with_slash_then_n_and_N():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        events = real_events("fastmath_on")
        app.feed(events)
        app.panel.show_tab("llvm")
        app.panel.focus()
        await pilot.pause()
        pane = app.panel.pane("llvm")
        text = one(events, "llvm")["text"]
        expected = text.lower().count("fadd")
        assert expected >= 2
        await pilot.press("slash")
        await pilot.pause()
        box = pane.query_one(".search-input", Input)
        assert app.focused is box
        await pilot.press(*"fadd", "enter")
        await pilot.pause()
        view = pane.view
        assert len(view.matches) == expected
        assert app.focused is view
        first = view.current
        status = pane.query_one(".search-status", Static)
        assert str(status.content) == f"{first + 1}/{expected}"
        await pilot.press("n")
        assert view.current == (first + 1) % expected
        await pilot.press("N", "N")
        assert view.current == (first - 1) % expected
        line, col = view.matches[view.current]
        assert view.lines[line][col:col + 4].lower() == "fadd"
        assert view.scroll_y <= line < view.scroll_y + view.scrollable_content_region.height
        await pilot.press("slash")
        await pilot.press("escape")
        await pilot.pause()
        assert not pane.has_class("-searching")
        # a term that is not there
        assert pane.run_search("no-such-thing-here") == 0
        assert str(status.content) == "no match"


async def test_full_module_of_thousands_of_lines_renders_only_what_is_visible():
    app = ResultsApp()
    async with app.run_test(size=SIZE) as pilot:
        events = real_events("big_module")
        app.feed(events)
        app.panel.show_tab("llvm")
        app.panel.focus()
        await pilot.pause()
        for tab in ("llvm", "asm"):
            app.panel.show_tab(tab)
            await pilot.pause()
            pane = app.panel.pane(tab)
            full = one(events, tab)["full"]
            assert full.count("\n") >= 5000
            t0 = time.perf_counter()
            await pilot.press("f")
            await pilot.pause()
            shown = time.perf_counter() - t0
            view = pane.view
            assert same(view.text, full)
            height = view.scrollable_content_region.height
            assert len(view._cache) <= height + 2  # virtualised: only visible lines were highlighted
            t0 = time.perf_counter()
            await pilot.press("end")
            await pilot.pause()
            to_end = time.perf_counter() - t0
            assert view.scroll_y == view.max_scroll_y > 5000 - height
            last = full.expandtabs(8).rstrip("\n").split("\n")[-1].rstrip()
            assert last[:60] in app.screen_text()
            t0 = time.perf_counter()
            count = pane.run_search("call")
            searched = time.perf_counter() - t0
            assert count > 10
            print(f"\n[bench] {tab} full module, {len(view.lines)} lines: shown {shown * 1e3:.0f} ms, "
                  f"end {to_end * 1e3:.0f} ms, search {searched * 1e3:.0f} ms ({count} matches)")
