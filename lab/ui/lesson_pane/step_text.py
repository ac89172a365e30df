"""The step's Markdown text, with revealed hints and check results below it.

Everything here but the Markdown comes from lesson files or the engine, so it is built with
lab.ui.plain (Content), never as markup."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Markdown, Static

from lab.placeholders import fill, machine_facts
from lab.ui.plain import line, lines


class StepText(VerticalScroll, can_focus=True):
    """Scrollable reading pane (focusable so the keyboard can scroll it)."""

    BINDINGS = [
        Binding("up", "scroll_up", "Scroll up", show=False),
        Binding("down", "scroll_down", "Scroll down", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="step-heading")
        yield Markdown("", id="step-markdown")
        yield Static("", id="step-locks", classes="-empty")
        yield Static("", id="step-checks", classes="-empty")
        yield Static("", id="step-hints", classes="-empty")

    _text: str = ""
    _facts: dict = {}

    def show_step(self, heading: Content, text: str) -> None:
        """`heading`: from lab.ui.plain.line() (a str is shown as written)."""
        self.query_one("#step-heading", Static).update(line(heading))
        self._text, self._facts = text or "", machine_facts(self._facts)  # the CPU stays known across steps
        self.query_one("#step-markdown", Markdown).update(fill(self._text, self._facts))
        self.show_checks(None)
        self.show_hints([], 0)
        self.scroll_home(animate=False)

    def show_facts(self, facts: dict[str, str]) -> None:
        """The step's run ended: fill the text's {{placeholders}} (lab/placeholders.py) with what it reported."""
        self._facts = {**machine_facts(self._facts), **facts}
        if "{{" in self._text:
            self.query_one("#step-markdown", Markdown).update(fill(self._text, self._facts, ran=True))

    def show_locks(self, locks: dict[str, str]) -> None:
        """Why some options cannot be toggled in this step (the options bar only names them)."""
        widget = self.query_one("#step-locks", Static)
        rows = [line((name, "b"), ": ", reason) for name, reason in locks.items()]
        widget.update(lines([("Locked in this step", "b"), *rows]) if rows else "")
        widget.set_class(not rows, "-empty")

    def show_hints(self, hints: list[str], revealed: int, passed: bool = False) -> None:
        """The first `revealed` hints; "ctrl+g for the next" only while the exercise is not passed yet."""
        widget = self.query_one("#step-hints", Static)
        if not revealed:
            widget.update("")
            widget.set_class(True, "-empty")
            return
        rows = [line((f"Hint {i + 1}/{len(hints)}", "b"), "  ", inline_code(h)) for i, h in enumerate(hints[:revealed])]
        if revealed < len(hints) and not passed:
            rows.append(("(ctrl+g for the next hint)", "dim"))
        widget.update(lines(rows))
        widget.set_class(False, "-empty")
        self.scroll_end(animate=False)

    def show_checks(self, results: list[dict] | None, summary: Content | str = "") -> None:
        """results: [{"name", "passed", "message"}]; None clears; [] with summary shows the summary
        (`summary`: from lab.ui.plain.line(); a str is shown as written)."""
        widget = self.query_one("#step-checks", Static)
        if results is None and not summary:
            widget.update("")
            widget.set_class(True, "-empty")
            return
        rows = [summary] if summary else []
        for r in results or []:
            mark = ("✓", "green") if r.get("passed") else ("✗", "red")
            msg = "" if r.get("passed") or not r.get("message") else line(" — ", r["message"])
            rows.append(line(mark, " ", r.get("name", "check"), msg))
        widget.update(lines(rows))
        widget.set_class(False, "-empty")
        self.scroll_end(animate=False)


def inline_code(text: str) -> Content:
    """A hint as Content: `code spans` shown as code (bold, accent colour) instead of raw backticks."""
    parts = str(text).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: show the text as written
        return line(text)
    return line(*(p if i % 2 == 0 else (p, "b $accent") for i, p in enumerate(parts)))
