"""INTERIM results area, used only while lab/ui/results/ (ResultsPanel) has not landed.

Same interface as the real panel: begin(job_id, kind, target), apply(event), clear(), JumpToLine.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.markup import escape
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static


class ResultsPanel(VerticalScroll, can_focus=True):
    @dataclass
    class JumpToLine(Message):
        line: int
        col: int | None = None

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._lines: list[str] = []
        self._job: str | None = None

    def compose(self):
        yield Static("", id="fallback-results")

    def _show(self) -> None:
        self.query_one("#fallback-results", Static).update("\n".join(self._lines))

    def begin(self, job_id: str, kind: str, target: str) -> None:
        self._job = job_id
        self.add_class("-stale")
        self._lines = [f"[dim]stale: running {escape(kind)} on {escape(target)}…[/dim]"] + self._lines[1:]
        self._show()

    def apply(self, event: dict) -> None:
        if event.get("job") != self._job:
            return
        t = event.get("type")
        if t == "started":
            self._lines = []
        elif t == "compiled":
            self._lines.append(f"compiled in {event.get('compile_ms', 0):.0f} ms: {', '.join(event.get('signatures') or [])}")
        elif t == "output":
            head = f">>> {event['call']}" if event.get("call") else ""
            body = "".join(x for x in (event.get("stdout"), event.get("stderr")) if x)
            res = event.get("result")
            self._lines += [escape(x) for x in (head, body.rstrip(), res) if x]
        elif t == "error":
            self._lines.append(f"[red]{escape(str(event.get('etype')))}[/red]: {escape(str(event.get('summary')))}")
        elif t == "check":
            self._lines.append(f"check {escape(str(event.get('name')))}: {'pass' if event.get('passed') else 'FAIL'}")
        elif t == "done":
            self.remove_class("-stale")
            self._lines.append(f"[dim]done ok={event.get('ok')}[/dim]")
        self._show()

    def clear(self) -> None:
        self._lines = []
        self._job = None
        self.remove_class("-stale")
        self._show()
