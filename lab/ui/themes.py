"""Colour themes: Textual's dark theme by default, and a high-contrast light theme for projectors.

Only theme variables are used in the .tcss files, so both themes (and 256-colour terminals, where
Textual maps each colour to the nearest palette entry) look right without per-theme rules.
"""

from __future__ import annotations

from textual.theme import Theme

LIGHT = "numba-lab-light"

LIGHT_THEME = Theme(
    name=LIGHT,
    primary="#0b4f9c",
    secondary="#6a3d9a",
    accent="#b35900",
    warning="#a15c00",
    error="#b00020",
    success="#1b7a1b",
    foreground="#111111",
    background="#ffffff",
    surface="#f3f3f3",
    panel="#e3e8ef",
    boost="#00000010",
    dark=False,
    variables={
        "footer-key-foreground": "#0b4f9c",
        # Textual derives these from the foreground at reduced strength: on white that came out
        # near-white (the compile line was 1.1:1); fixed greys keep them >= 4.5:1 (WCAG AA)
        "text-muted": "#505050",
        "text-disabled": "#666666",
        "block-cursor-text-style": "bold",
    },
)


def register_themes(app) -> None:
    app.register_theme(LIGHT_THEME)
