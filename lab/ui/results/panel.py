"""ResultsPanel: the tabbed results of one engine job, fed event by event (docs/contracts.md, Events).

    panel.begin(job.id, kind="jit", target="cpu")   # every tab's content turns stale
    for event in events: panel.apply(event)         # events of other jobs are ignored
    panel.clear()
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static, TabbedContent, TabPane

from .base import STALE_NONE, ResultPane
from .errors import ErrorsPane
from .format import state_text
from .ir import IRPane
from .output import ChecksPane, OutputPane, ParallelPane, PTXPane, TypesPane
from .timings import TimingsPane

# tab id -> (full label, compact label)
TABS = {
    "output": ("Output", "Out"),
    "errors": ("Errors", "Err"),
    "llvm": ("LLVM IR", "IR"),
    "asm": ("Assembly", "Asm"),
    "types": ("Types", "Typ"),
    "parallel": ("Parallel", "Par"),
    "timings": ("Timings", "Time"),
    "checks": ("Checks", "Chk"),
    "ptx": ("PTX", "PTX"),
}
COMPACT_BELOW = 76  # panel width (cells) under which the compact labels are used
# event type -> the tab it fills
EVENT_TAB = {"compiled": "output", "output": "output", "error": "errors", "llvm": "llvm", "asm": "asm",
             "types": "types", "parallel": "parallel", "ptx": "ptx", "timings": "timings", "check": "checks"}


class ResultsPanel(Widget):
    """Tabs of results for the current job, with a one-line job summary on top."""

    @dataclass
    class JumpToLine(Message):
        """The learner asked to go to the error: 1-based line and column in their file."""

        line: int
        col: int

    BINDINGS = [
        Binding("right_square_bracket", "next_tab", "Next tab"),
        Binding("left_square_bracket", "prev_tab", "Prev tab"),
    ]
    DEFAULT_CSS = """
    ResultsPanel { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.job_id: str | None = None
        self.kind = "jit"
        self.target = "cpu"
        self.state = "idle"
        self.elapsed_ms: float | None = None
        self.reason: str | None = None
        self.simulator = False
        self.mode: str | None = None
        self.checks: list[dict] = []
        self.filled: set[str] = set()   # tabs holding content (from this or an earlier job)
        self.fresh: set[str] = set()    # tabs that got an event of the current job
        self._compact: bool | None = None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static("idle", id="results-summary")
        with TabbedContent(id="results-tabs", initial="output"):
            with TabPane(TABS["output"][0], id="output"):
                yield OutputPane(id="pane-output")
            with TabPane(TABS["errors"][0], id="errors"):
                yield ErrorsPane(id="pane-errors")
            with TabPane(TABS["llvm"][0], id="llvm"):
                yield IRPane("llvm", id="pane-llvm")
            with TabPane(TABS["asm"][0], id="asm"):
                yield IRPane("asm", id="pane-asm")
            with TabPane(TABS["types"][0], id="types"):
                yield TypesPane(id="pane-types")
            with TabPane(TABS["parallel"][0], id="parallel"):
                yield ParallelPane(id="pane-parallel")
            with TabPane(TABS["timings"][0], id="timings"):
                yield TimingsPane(id="pane-timings")
            with TabPane(TABS["checks"][0], id="checks"):
                yield ChecksPane(id="pane-checks")
            with TabPane(TABS["ptx"][0], id="ptx"):
                yield PTXPane(id="pane-ptx")

    def on_mount(self) -> None:
        self.tabs.hide_tab("ptx")
        self._relabel()

    def on_resize(self) -> None:
        self._relabel()

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#results-tabs", TabbedContent)

    def pane(self, tab: str) -> ResultPane:
        return self.query_one(f"#pane-{tab}", ResultPane)

    @property
    def active_tab(self) -> str:
        return self.tabs.active

    def show_tab(self, tab: str) -> None:
        """Switch tabs without moving focus (the editor keeps it)."""
        self.tabs.active = tab

    def _relabel(self) -> None:
        compact = self.size.width < COMPACT_BELOW
        if compact == self._compact:
            return
        self._compact = compact
        for tab, (full, short) in TABS.items():
            self.tabs.get_tab(tab).label = short if compact else full

    # ------------------------------------------------------------------ API
    def begin(self, job_id: str, kind: str = "jit", target: str = "cpu") -> None:
        """A new job started: everything shown so far becomes stale until its tab's new event lands."""
        self.job_id = job_id
        self.kind, self.target = kind, target
        self.state, self.elapsed_ms, self.reason, self.mode = "compiling", None, None, None
        self.simulator = False
        self.checks = []
        self.fresh = set()
        for tab in TABS:
            pane = self.pane(tab)
            if tab in self.filled:
                pane.mark_stale()
        for tab in ("llvm", "asm"):
            self.pane(tab).new_job()
        self.pane("output").start_job()
        self.pane("errors").start_job()
        self.pane("checks").start_job()
        self._summary()

    def clear(self) -> None:
        """Forget the job and every result."""
        self.job_id = None
        self.state, self.elapsed_ms, self.reason, self.mode = "idle", None, None, None
        self.checks = []
        self.filled, self.fresh = set(), set()
        for tab in TABS:
            self.pane(tab).reset()
        self.tabs.hide_tab("ptx")
        self._summary()

    def apply(self, event: dict) -> None:
        """Show one engine event; events of any job other than the current one are ignored."""
        if not isinstance(event, dict) or event.get("job") != self.job_id or self.job_id is None:
            return
        etype = event.get("type")
        handler = getattr(self, f"_on_{etype}", None)
        if handler is None:
            return
        tab = EVENT_TAB.get(etype)
        if tab:
            self.filled.add(tab)
            self.fresh.add(tab)
        handler(event)

    # ------------------------------------------------------------------ events
    def _on_started(self, ev: dict) -> None:
        self.simulator = bool(ev.get("simulator"))
        self._summary()

    def _on_compiled(self, ev: dict) -> None:
        self.state = "running"
        self.mode = ev.get("mode")
        self.simulator = self.simulator or bool(ev.get("simulator"))
        self.pane("output").add_compiled(ev)
        if self.active_tab == "errors" and not self.pane("errors").errors:
            self.show_tab("output")  # the code compiles again: the old error is no longer the news
        self._summary()

    def _on_output(self, ev: dict) -> None:
        self.pane("output").add_output(ev)

    def _on_error(self, ev: dict) -> None:
        self.pane("errors").add(ev)
        if not ev.get("expected") and self.reason is None:
            self.reason = f"{ev.get('etype') or 'error'} ({ev.get('stage') or '?'})"
        self._error_label()
        self.show_tab("errors")

    def _on_llvm(self, ev: dict) -> None:
        self.pane("llvm").show(ev)

    def _on_asm(self, ev: dict) -> None:
        self.pane("asm").show(ev)

    def _on_types(self, ev: dict) -> None:
        pane = self.pane("types")
        pane.mark_fresh()
        pane.set_text(ev.get("text") or "")

    def _on_parallel(self, ev: dict) -> None:
        self.pane("parallel").show(ev)

    def _on_ptx(self, ev: dict) -> None:
        pane = self.pane("ptx")
        pane.mark_fresh()
        pane.set_text(ev.get("text") or "")
        self.tabs.show_tab("ptx")

    def _on_timings(self, ev: dict) -> None:
        self.simulator = self.simulator or bool(ev.get("simulator"))
        self.pane("timings").show(ev)

    def _on_check(self, ev: dict) -> None:
        self.checks.append(ev)
        self.pane("checks").add(ev)
        self._summary()

    def _on_done(self, ev: dict) -> None:
        self.elapsed_ms = ev.get("elapsed_ms")
        self.simulator = self.simulator or bool(ev.get("simulator"))
        failed_checks = [c for c in self.checks if not c.get("passed")]
        if ev.get("ok"):
            expected = [e for e in self.pane("errors").errors if e.get("expected")]
            if expected:
                self.state, self.reason = "expected", f"expected {expected[0].get('etype')}"
            else:
                self.state = "done"
        else:
            self.state = "failed"
            if self.reason is None:
                if ev.get("cause"):
                    self.reason = str(ev["cause"])
                elif failed_checks:
                    self.reason = f"{len(failed_checks)} of {len(self.checks)} checks failed"
        # what this job never refreshed is not current: say so (and empty what must not linger)
        self.pane("output").finish("output" in self.fresh)
        self.pane("errors").finish()
        self.fresh.update({"output", "errors"})
        for tab in TABS:
            if tab not in self.fresh and tab in self.filled:
                if tab == "checks":
                    self.pane(tab).reset()
                    self.filled.discard(tab)
                else:
                    self.pane(tab).mark_stale(STALE_NONE)
        self._error_label()
        self._summary()

    # ------------------------------------------------------------------ summary
    def _error_label(self) -> None:
        n = len(self.pane("errors").errors)
        full, short = TABS["errors"]
        label = short if self._compact else full
        self.tabs.get_tab("errors").label = f"{label} {n}" if n else label

    def summary_text(self) -> str:
        """The plain words of the summary line (tests and screen readers)."""
        return self.query_one("#results-summary", Static).render().plain  # type: ignore[union-attr]

    def _summary(self) -> None:
        icon = {"compiling": "⋯", "running": "▶", "done": "✓", "expected": "✓", "failed": "✗"}.get(self.state, "·")
        colour = {"done": "$success", "expected": "$success", "failed": "$error"}.get(self.state, "$accent")
        words = escape(state_text(self.state, elapsed_ms=self.elapsed_ms, reason=self.reason))
        parts = [f"[b {colour}]{icon} {words}[/]"]
        if self.job_id is not None:
            parts.append(f"[dim]{escape(self.kind)}/{escape(self.target)}" + (f" · {escape(self.mode)}" if self.mode else "") + "[/]")
        if self.simulator:
            parts.append("[b $warning]simulator[/]")
        if self.checks:
            marks = " ".join(("[$success]✓[/]" if c.get("passed") else "[$error]✗[/]") + escape(str(c.get("name") or ""))
                             for c in self.checks)
            parts.append(marks)
        self.query_one("#results-summary", Static).update("  ".join(parts))

    # ------------------------------------------------------------------ keys
    def _visible_tabs(self) -> list[str]:
        return [t for t in TABS if t != "ptx" or "ptx" in self.filled]

    def action_next_tab(self) -> None:
        tabs = self._visible_tabs()
        self.show_tab(tabs[(tabs.index(self.active_tab) + 1) % len(tabs)])

    def action_prev_tab(self) -> None:
        tabs = self._visible_tabs()
        self.show_tab(tabs[(tabs.index(self.active_tab) - 1) % len(tabs)])
