"""WCAG contrast ratios of the colours the app really draws (issue 13, defect 10)."""

from __future__ import annotations

from rich.color import Color as RichColor
from rich.style import Style


def luminance(rgb: tuple[int, int, int]) -> float:
    def chan(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * chan(r) + 0.7152 * chan(g) + 0.0722 * chan(b)


def ratio(fg: tuple[int, int, int], bg: tuple[int, int, int]) -> float:
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def rgb(color: RichColor | None) -> tuple[int, int, int] | None:
    if color is None:
        return None
    t = color.get_truecolor()
    return (t.red, t.green, t.blue)


def style_pair(style: Style, base: Style) -> tuple[tuple, tuple] | None:
    """(fg, bg) of `style` drawn over `base` (its missing colours come from base); None if unknown."""
    fg = rgb(style.color) or rgb(base.color)
    bg = rgb(style.bgcolor) or rgb(base.bgcolor)
    if fg is None or bg is None:
        return None
    if style.reverse:
        fg, bg = bg, fg
    return fg, bg
