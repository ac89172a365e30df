"""Editor colours that read: Textual's monokai (dark) and github_light (light) TextArea themes with
every text colour moved, darker on light or lighter on dark, until it is >= 4.5:1 on its background
(WCAG AA). github_light had line numbers at 1.7:1 and `True` at 2.2:1 on its own background."""

from __future__ import annotations

from dataclasses import replace

from rich.style import Style
from textual.color import Color
from textual.widgets.text_area import TextAreaTheme

AA = 4.5
DARK, LIGHT = "numba-lab-dark", "numba-lab-light"


def contrast(a: Color, b: Color) -> float:
    """WCAG contrast ratio of two opaque colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _luminance(c: Color) -> float:
    def chan(v: int) -> float:
        v = v / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * chan(c.r) + 0.7152 * chan(c.g) + 0.0722 * chan(c.b)


def readable(fg: Color, bg: Color) -> Color:
    """`fg` moved towards black (light bg) or white (dark bg) just far enough for AA on `bg`."""
    target = Color(0, 0, 0) if _luminance(bg) > 0.18 else Color(255, 255, 255)
    step = 0.0
    out = fg
    while contrast(out, bg) < AA and step < 1.0:
        step += 0.05
        out = fg.blend(target, step)
    return out


def _fix(style: Style | None, bg: Color) -> Style | None:
    if style is None or style.color is None:
        return style
    back = Color.from_rich_color(style.bgcolor) if style.bgcolor else bg
    fg = Color.from_rich_color(style.color)
    if contrast(fg, back) >= AA:
        return style
    return style + Style(color=readable(fg, back).rich_color)


def readable_theme(base: str, name: str) -> TextAreaTheme:
    theme = TextAreaTheme.get_builtin_theme(base)
    assert theme is not None and theme.base_style is not None and theme.base_style.bgcolor is not None
    bg = Color.from_rich_color(theme.base_style.bgcolor)
    fields = ("base_style", "gutter_style", "cursor_line_gutter_style", "cursor_line_style", "bracket_matching_style",
              "selection_style", "cursor_style")
    changes = {f: _fix(getattr(theme, f), bg) for f in fields if getattr(theme, f, None) is not None}
    syntax = {k: _fix(s, bg) for k, s in theme.syntax_styles.items()}
    return replace(theme, name=name, syntax_styles=syntax, **changes)


def editor_themes() -> dict[str, TextAreaTheme]:
    return {DARK: readable_theme("monokai", DARK), LIGHT: readable_theme("github_light", LIGHT)}
