"""The step's Markdown text, with revealed hints and check results below it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static


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

    def show_step(self, heading: str, text: str) -> None:
        self.query_one("#step-heading", Static).update(heading)
        self.query_one("#step-markdown", Markdown).update(text or "")
        self.show_checks(None)
        self.show_hints([], 0)
        self.scroll_home(animate=False)

    def show_locks(self, locks: dict[str, str]) -> None:
        """Why some options cannot be toggled in this step (the options bar only names them)."""
        widget = self.query_one("#step-locks", Static)
        lines = [f"[b]{_esc(name)}[/b]: {_esc(reason)}" for name, reason in locks.items()]
        widget.update("[b]Locked in this step[/b]\n" + "\n".join(lines) if lines else "")
        widget.set_class(not lines, "-empty")

    def show_hints(self, hints: list[str], revealed: int, passed: bool = False) -> None:
        """The first `revealed` hints; "ctrl+g for the next" only while the exercise is not passed yet."""
        widget = self.query_one("#step-hints", Static)
        if not revealed:
            widget.update("")
            widget.set_class(True, "-empty")
            return
        lines = [f"[b]Hint {i + 1}/{len(hints)}[/b]  {inline_code(h)}" for i, h in enumerate(hints[:revealed])]
        if revealed < len(hints) and not passed:
            lines.append("[dim](ctrl+g for the next hint)[/dim]")
        widget.update("\n".join(lines))
        widget.set_class(False, "-empty")
        self.scroll_end(animate=False)

    def show_checks(self, results: list[dict] | None, summary: str = "") -> None:
        """results: [{"name", "passed", "message"}]; None clears; [] with summary shows the summary."""
        widget = self.query_one("#step-checks", Static)
        if results is None and not summary:
            widget.update("")
            widget.set_class(True, "-empty")
            return
        lines = [summary] if summary else []
        for r in results or []:
            mark = "[green]✓[/green]" if r.get("passed") else "[red]✗[/red]"
            msg = "" if r.get("passed") or not r.get("message") else f" — {_esc(str(r['message']))}"
            lines.append(f"{mark} {_esc(str(r.get('name', 'check')))}{msg}")
        widget.update("\n".join(lines))
        widget.set_class(False, "-empty")
        self.scroll_end(animate=False)


def inline_code(text: str) -> str:
    """Markup for a hint: `code spans` shown as code (bold, accent colour) instead of raw backticks."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: show the text as written
        return _esc(text)
    return "".join(_esc(p) if i % 2 == 0 else f"[b $accent]{_esc(p)}[/]" for i, p in enumerate(parts))


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)
