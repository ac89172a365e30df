"""A tiny app hosting only ResultsPanel, for the results-pane tests and snapshots."""

from __future__ import annotations

import json
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Footer, Input

from lab.ui.results import ResultsPanel

FIXTURES = Path(__file__).parent / "results_fixtures"
CSS = Path(__file__).resolve().parents[2] / "lab" / "ui" / "results.tcss"


def load_events(name: str) -> list[dict]:
    """Real engine events captured from lab.engine.runner.run_job_sync (see results_fixtures/README)."""
    return json.loads((FIXTURES / f"{name}.json").read_text())


class ResultsApp(App):
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
