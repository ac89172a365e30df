"""The kernel editor: a Python TextArea (tree-sitter highlighting, line numbers) that can mark the
line an error points at, so the learner sees where it is without leaving the code."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.widgets import TextArea

from lab.ui.editor_pane.editor_themes import DARK, LIGHT, editor_themes


class CodeEditor(TextArea):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("language", "python")
        kwargs.setdefault("show_line_numbers", True)
        kwargs.setdefault("tab_behavior", "indent")
        kwargs.setdefault("soft_wrap", False)
        super().__init__("", **kwargs)
        self.error_row: int | None = None  # 0-based document line marked as the error's line

    def on_mount(self) -> None:
        # syntax colours that suit the app theme (monokai on dark, github_light on the projector theme),
        # each text colour raised to >= 4.5:1; they follow the app's theme when it changes
        for theme in editor_themes().values():
            self.register_theme(theme)
        self._follow_app_theme(self.app.theme)
        self.watch(self.app, "theme", self._follow_app_theme, init=False)

    def _follow_app_theme(self, _name: str) -> None:
        self.theme = DARK if self.app.current_theme.dark else LIGHT

    def mark_error_line(self, line: int | None) -> None:
        """Mark 1-based `line` (None clears the mark)."""
        row = None if line is None or line < 1 else line - 1
        if row != self.error_row:
            self.error_row = row
            self._line_cache.clear()
            self.refresh()

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        if self.error_row is not None and line_index == self.error_row:
            theme = self.app.current_theme
            background = Color.parse(theme.background or "#000000")
            tint = background.blend(Color.parse(theme.error or "#ff0000"), 0.35)
            line.stylize(Style(bgcolor=tint.rich_color, underline=True))
        return line
