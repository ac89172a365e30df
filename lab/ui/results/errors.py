"""Errors pane: condensed summary, the source line with a caret, the hint; `e` expands the full
text, `g` asks the app to put the editor cursor on the error (ResultsPanel.JumpToLine)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from lab.ui.plain import line, lines

from .base import ResultPane
from .codeview import CodeView
from .format import caret_line


def render_error(ev: dict) -> Content:
    """One error event as Content (all learner/engine text shown as written: lab.ui.plain)."""
    where = f"{ev.get('stage') or '?'} stage"
    line_no, col = ev.get("line"), ev.get("col")
    if line_no:
        where += f", line {line_no}" + (f", col {col}" if col else "")
    expected = ("  ", ("expected by this step ✓", "b $success")) if ev.get("expected") else ()
    head = line((ev.get("etype") or "Error", "b $error"), " ", (f"({where})", "dim"), *expected)
    parts = [head, str(ev.get("summary") or "").strip()]
    src = ev.get("source_line")
    if src is not None:
        src = str(src)
        gutter = f"{line_no:>4} │ " if line_no else "     │ "
        parts.append("")
        parts.append((gutter + src.expandtabs(8), "b"))
        caret = caret_line(src.expandtabs(8), col)
        if caret:
            parts.append((" " * len(gutter) + caret, "b $error"))
    if ev.get("hint"):
        parts.append("")
        parts.append(line(("hint:", "b $accent"), " ", ev["hint"]))
    return lines(parts)


class ErrorsPane(ResultPane):
    BINDINGS = [
        Binding("e", "toggle_full", "Full error"),
        Binding("g", "jump", "Go to line"),
    ]

    FOCUS = ".error-summary, .error-full"

    def __init__(self, **kw):
        super().__init__(**kw)
        self.errors: list[dict] = []   # the current job's errors
        self.shown: list[dict] = []    # what the pane shows (an older job's while stale)
        self.expanded = False

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="error-summary"):
            yield Static("no errors", classes="error-text")
        yield CodeView(language="pytb", classes="error-full")

    def start_job(self) -> None:
        self.errors = []

    def add(self, ev: dict) -> None:
        self.errors.append(ev)
        self.shown = self.errors
        self.mark_fresh()
        self._redraw()

    def finish(self) -> None:
        if not self.errors:
            self.shown = self.errors
            self.mark_fresh()
            self._redraw()

    @property
    def jump_target(self) -> tuple[int, int] | None:
        for ev in self.shown:
            if ev.get("line"):
                return int(ev["line"]), int(ev.get("col") or 1)
        return None

    def _redraw(self) -> None:
        if not self.shown:
            text = line(("no errors", "$success"))
        else:
            keys = ("e: full text" + (" · g: go to line" if self.jump_target else ""), "dim")
            text = lines([*(render_error(ev) for ev in self.shown), keys], sep="\n\n")
        self.query_one(".error-text", Static).update(text)
        full = "\n\n".join(str(ev.get("full") or ev.get("summary") or "") for ev in self.shown)
        self.query_one(".error-full", CodeView).set_text(full)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """The keys show only when they can do something."""
        if action == "toggle_full":
            return bool(self.shown)
        if action == "jump":
            return self.jump_target is not None
        return True

    def action_toggle_full(self) -> None:
        self.expanded = not self.expanded
        self.set_class(self.expanded, "-expanded")
        if self.expanded:
            self.query_one(".error-full", CodeView).focus()
        else:
            self.query_one(".error-summary").focus()

    def action_jump(self) -> None:
        from .panel import ResultsPanel

        target = self.jump_target
        if target is None:
            self.notify("This error has no line in your file.", severity="warning")
            return
        self.post_message(ResultsPanel.JumpToLine(*target))

    def reset(self) -> None:
        super().reset()
        self.errors = []
        self.shown = []
        self._redraw()
