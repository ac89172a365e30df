"""Shared pane pieces: the stale marker every pane carries, and a searchable text pane."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from .codeview import CodeView

STALE_RECOMPUTING = "stale — recomputing…"
STALE_NONE = "stale — from the previous run; this run produced none"
STALE_EDITED = "stale — the code changed; re-running soon…"


class ResultPane(Vertical):
    """A pane body that can be marked stale: dimmed, with a label saying so."""

    FOCUS = "*"  # selector of the widget(s) that take this pane's keys; the first focusable one wins

    def compose_body(self) -> ComposeResult:
        yield from ()

    def compose(self) -> ComposeResult:
        yield Static(STALE_RECOMPUTING, classes="stale-note")
        yield Static("", classes="empty-note", markup=False)
        yield from self.compose_body()

    def show_empty(self, note: str | None) -> None:
        """Say why the pane has nothing in it (None: it has something; the note goes)."""
        self.set_class(note is not None, "-empty")
        self.query_one(".empty-note", Static).update(note or "")

    @property
    def empty_note(self) -> str | None:
        return str(self.query_one(".empty-note", Static).content) if self.has_class("-empty") else None

    @property
    def is_stale(self) -> bool:
        return self.has_class("-stale")

    def mark_stale(self, note: str = STALE_RECOMPUTING) -> None:
        self.add_class("-stale")
        self.query_one(".stale-note", Static).update(note)

    def mark_fresh(self) -> None:
        self.remove_class("-stale")

    @property
    def stale_note(self) -> str | None:
        """The words of the stale marker, or None when the pane is current."""
        return str(self.query_one(".stale-note", Static).content) if self.is_stale else None

    def focus_target(self):
        """The widget that takes the keys of this pane (what ResultsPanel.focus() focuses)."""
        return next((w for w in self.query(self.FOCUS) if w.can_focus and w.display), None)

    def reset(self) -> None:
        """Forget everything shown (ResultsPanel.clear)."""
        self.mark_fresh()


class SearchablePane(ResultPane):
    """A pane around one CodeView with `/` search and `n`/`N` to walk the matches."""

    BINDINGS = [
        Binding("slash", "search", "Search"),
        Binding("n", "next_match", "Next match"),
        Binding("N", "prev_match", "Prev match"),
        Binding("escape", "close_search", "Close search"),
    ]
    FOCUS = "CodeView"
    LANGUAGE: str | None = None
    VIEW = CodeView  # the text view class (the IR panes use one with a line cursor)
    EMPTY = "nothing yet"

    def compose_body(self) -> ComposeResult:
        yield from self.compose_header()
        yield self.VIEW(language=self.LANGUAGE, classes="code")
        with Horizontal(classes="searchbar"):
            yield Input(placeholder="search (Enter: find, Esc: close)", classes="search-input")
            yield Static("", classes="search-status")

    def compose_header(self) -> ComposeResult:
        yield from ()

    @property
    def view(self) -> CodeView:
        return self.query_one(CodeView)

    def set_text(self, text: str, language=..., tags=None, *, diff: bool = False) -> None:
        self.view.set_text(text, language, tags, diff=diff)
        self._update_status()

    def reset(self) -> None:
        super().reset()
        self.view.set_text("")

    # search ---------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """n/N only once there is something to walk; Esc only while the search bar is open."""
        if action in ("next_match", "prev_match"):
            return bool(self.view.matches)
        if action == "close_search":
            return self.has_class("-searching")
        return True

    def action_search(self) -> None:
        self.add_class("-searching")
        box = self.query_one(".search-input", Input)
        box.value = self.view.query_text
        box.focus()

    def action_close_search(self) -> None:
        if self.has_class("-searching"):
            self.remove_class("-searching")
            self.view.focus()
            self.refresh_bindings()

    @on(Input.Submitted, ".search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.run_search(event.value)
        self.view.focus()

    def run_search(self, query: str) -> int:
        """Search the view (what `/` + Enter does); returns the number of matches."""
        self.add_class("-searching")
        count = self.view.search(query)
        self._update_status()
        self.refresh_bindings()
        return count

    def action_next_match(self) -> None:
        self.view.step_match(+1)
        self._update_status()

    def action_prev_match(self) -> None:
        self.view.step_match(-1)
        self._update_status()

    def _update_status(self) -> None:
        v = self.view
        if not v.query_text:
            msg = ""
        elif not v.matches:
            msg = "no match"
        else:
            msg = f"{v.current + 1}/{len(v.matches)}" if v.current >= 0 else f"{len(v.matches)} matches"
        self.query_one(".search-status", Static).update(msg)
