"""Every text colour pair the app draws is >= 4.5:1 (WCAG AA) in both themes (issue 13, defect 10):
computed from the running app's resolved styles (themes.py, app.tcss, results.tcss), the results'
syntax colours and the editor's theme. Disabled controls are exempt (WCAG exempts inactive parts)."""

from __future__ import annotations

import pytest
from pygments.styles import get_style_by_name
from pygments.token import Token

from lab.ui.editor_pane.editor_themes import AA, editor_themes
from lab.ui.results.codeview import DARK_STYLE, LIGHT_STYLE
from tests.ui.contrast import ratio, rgb, style_pair
from tests.ui.ui_support import app_for, open_step


def _feed(results) -> None:
    results.begin("j")
    results.apply({"type": "compiled", "job": "j", "mode": "nopython", "compile_ms": 3, "signatures": ["(int64,)"]})
    results.apply({"type": "output", "job": "j", "call": "add(2, 3)", "stdout": "hi\n", "stderr": "warn\n",
                   "result": "5"})
    results.apply({"type": "llvm", "job": "j", "text": "define i64 @f(i64 %x) {\n  %r = add i64 %x, 42\n}"})
    results.apply({"type": "done", "job": "j", "ok": True})


@pytest.mark.parametrize("theme", ["dark", "light"])
async def test_every_text_colour_pair_meets_wcag_aa(theme):
    app = app_for(engine=False, theme=theme)
    low: list[str] = []
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_step(pilot, "alpha", 1)
        _feed(screen.results)
        await pilot.pause()
        for widget in screen.query("*"):  # what every widget on screen draws its text with
            if widget.display and widget.region.area and not widget.disabled:
                pair = style_pair(widget.rich_style, widget.rich_style)
                if pair and ratio(*pair) < AA:
                    low.append(f"{type(widget).__name__}#{widget.id}{sorted(widget.classes)}: {ratio(*pair):.2f}")
        view = screen.results.pane("output").view
        base = view.rich_style
        for tag in ("note", "header", "stderr", "result", "added", "removed", "current", "match"):
            pair = style_pair(view.get_component_rich_style(f"codeview--{tag}", partial=True), base)
            if pair and ratio(*pair) < AA:
                low.append(f"results line '{tag}': {ratio(*pair):.2f}")
        view._styles_for_theme()
        style = get_style_by_name(DARK_STYLE if theme == "dark" else LIGHT_STYLE)
        for ttype, _ in style:
            if ttype in Token.Text.Whitespace or ttype in Token.Error:
                continue
            pair = style_pair(view._token_style(ttype), base)
            if pair and ratio(*pair) < AA:
                low.append(f"results syntax {ttype}: {ratio(*pair):.2f}")
        editor = screen.editor
        assert editor.theme in ("numba-lab-dark", "numba-lab-light")
        ta = editor_themes()[editor.theme]
        ebg = ta.base_style
        named = dict(ta.syntax_styles, gutter=ta.gutter_style, cursor_line_gutter=ta.cursor_line_gutter_style)
        for name, s in named.items():
            pair = s and style_pair(s, ebg)
            if pair and ratio(*pair) < AA:
                low.append(f"editor {name}: {ratio(*pair):.2f}")
        # the editor follows a theme switch (it kept monokai on the light theme)
        app.theme = "textual-dark" if theme == "light" else "numba-lab-light"
        await pilot.pause()
        assert editor.theme == ("numba-lab-dark" if theme == "light" else "numba-lab-light")
    assert not low, "\n".join(low)
