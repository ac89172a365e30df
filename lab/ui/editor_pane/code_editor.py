"""The kernel editor: a Python TextArea (tree-sitter highlighting, line numbers) that can mark the
line an error points at, so the learner sees where it is without leaving the code, and that applies
every key in the order it was typed (see `_on_key`)."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
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
        self.linked_row: int | None = None  # 0-based line the IR/asm line cursor came from

    def on_mount(self) -> None:
        # syntax colours that suit the app theme (monokai on dark, github_light on the projector theme),
        # each text colour raised to >= 4.5:1; they follow the app's theme when it changes
        for theme in editor_themes().values():
            self.register_theme(theme)
        self._follow_app_theme(self.app.theme)
        self.watch(self.app, "theme", self._follow_app_theme, init=False)

    def _follow_app_theme(self, _name: str) -> None:
        self.theme = DARK if self.app.current_theme.dark else LIGHT

    async def _on_key(self, event: events.Key) -> None:
        """Apply the editor's own key bindings (backspace, delete, arrows, ctrl+w, undo, ...) here, in
        this widget's message queue, in order with the typed characters.

        Textual runs a binding only once the key has bubbled from the editor up to the App (a message
        hop per container, and the lesson screen's queue is busy with each edit's Changed), while a
        typed character is inserted as soon as the editor sees it. So a character typed right after a
        backspace was inserted first and the backspace then deleted it: 20 of 20 backspace+digit pairs
        sent at machine speed through a pty came out wrong. The binding lookup and the checks are
        Textual's (same keys, same precedence: the focused widget's bindings come first anyway)."""
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return
        await super()._on_key(event)

    def mark_error_line(self, line: int | None) -> None:
        """Mark 1-based `line` (None clears the mark)."""
        row = None if line is None or line < 1 else line - 1
        if row != self.error_row:
            self.error_row = row
            self._line_cache.clear()
            self.refresh()

    def mark_linked_line(self, line: int | None) -> None:
        """Tint 1-based `line`, the source of the IR/asm line selected in the results (None clears);
        the learner's cursor stays where it is."""
        row = None if line is None or line < 1 else line - 1
        if row != self.linked_row:
            self.linked_row = row
            self._line_cache.clear()
            self.refresh()
            height = max(self.scrollable_content_region.height, 1)
            if row is not None and not (self.scroll_offset.y <= row < self.scroll_offset.y + height):
                self.scroll_to(None, max(row - height // 3, 0), animate=False)

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        if self.linked_row is not None and line_index == self.linked_row:
            theme = self.app.current_theme
            background = Color.parse(theme.background or "#000000")
            tint = background.blend(Color.parse(theme.primary or "#0000ff"), 0.45)
            line.stylize(Style(bgcolor=tint.rich_color))
        if self.error_row is not None and line_index == self.error_row:
            theme = self.app.current_theme
            background = Color.parse(theme.background or "#000000")
            tint = background.blend(Color.parse(theme.error or "#ff0000"), 0.35)
            line.stylize(Style(bgcolor=tint.rich_color, underline=True))
        return line
