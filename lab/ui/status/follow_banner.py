"""A one-line banner saying where the instructor is (only shown with --follow)."""

from __future__ import annotations

from textual.widgets import Static


class FollowBanner(Static):
    def on_mount(self) -> None:
        self.show_text(getattr(self.app, "follow_text", ""))

    def show_text(self, text: str) -> None:
        self.update(text)
        self.display = bool(text)
