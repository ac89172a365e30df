"""A one-line banner saying where the instructor is (only shown with --follow)."""

from __future__ import annotations

from textual.widgets import Static

from lab.ui.plain import line


class FollowBanner(Static):
    def on_mount(self) -> None:
        self.show_text(getattr(self.app, "follow_text", ""))

    def show_text(self, text: str) -> None:
        """`text` names the presenter's lesson and step (another account's file): shown as written."""
        self.update(line(text))
        self.display = bool(text)
