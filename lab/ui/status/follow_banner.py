"""A one-line banner saying where the instructor is (only shown with --follow). The text comes partly
from another user's presenter file, so it is shown as plain text, never markup."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from lab.ui.plain import to_str


class FollowBanner(Static):
    def on_mount(self) -> None:
        self.show_text(getattr(self.app, "follow_text", ""))

    def show_text(self, text: str) -> None:
        """`text` names the presenter's lesson and step (another account's file): shown as written."""
        self.update(Text(to_str(text), no_wrap=True, overflow="ellipsis"))
        self.display = bool(text)
