"""A tiny app hosting only ResultsPanel, for the results-pane tests and snapshots."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Footer, Input

from lab.ui.results import ResultsPanel

CSS = Path(__file__).resolve().parents[2] / "lab" / "ui" / "results.tcss"


class ResultsApp(App):
    """Events come from real engine jobs (tests/ui/results_jobs.py)."""

    CSS_PATH = str(CSS)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.jumps: list[ResultsPanel.JumpToLine] = []

    def compose(self) -> ComposeResult:
        yield Input(id="editor", placeholder="stands in for the editor")
        yield ResultsPanel(id="results")
        yield Footer()

    def on_results_panel_jump_to_line(self, message: ResultsPanel.JumpToLine) -> None:
        self.jumps.append(message)

    @property
    def panel(self) -> ResultsPanel:
        return self.query_one(ResultsPanel)

    def feed(self, events: list[dict], *, begin: bool = True) -> str:
        """begin() with the events' job id (and target), then apply() each; returns the job id."""
        job = events[0]["job"]
        if begin:
            started = next((e for e in events if e["type"] == "started"), {})
            self.panel.begin(job, target=started.get("target", "cpu"))
        for e in events:
            self.panel.apply(e)
        return job

    def screen_text(self) -> str:
        """What the terminal shows now, as plain text (one line per row)."""
        return "\n".join(s.text.rstrip() for s in self.screen._compositor.render_strips())
