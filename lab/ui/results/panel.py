"""ResultsPanel: the tabbed results of one engine job, fed event by event (docs/contracts.md, Events).

    panel.begin(job.id, kind="jit", target="cpu")   # every tab's content turns stale
    for event in events: panel.apply(event)         # events of other jobs are ignored
    panel.clear()
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static, TabbedContent, TabPane

from .base import STALE_EDITED, STALE_NONE, ResultPane
from .errors import ErrorsPane
from .format import checks_words
from .summary import summary_line
from .ir import IRPane
from .labels import COMPACT_BELOW, TABS, tab_label
from .output import ChecksPane, OutputPane, ParallelPane, PTXPane, TypesPane
from .timings import TimingsPane

# event type -> the tab it fills
EVENT_TAB = {"compiled": "output", "output": "output", "error": "errors", "llvm": "llvm", "asm": "asm",
             "types": "types", "parallel": "parallel", "ptx": "ptx", "timings": "timings", "check": "checks"}


# what a finished run with nothing in the tab means (the output, errors and checks panes say it themselves)
EMPTY_NOTES = {
    "llvm": "No LLVM IR from this run: this step does not show it, or nothing was compiled.",
    "asm": "No assembly from this run: this step does not show it, or nothing was compiled.",
    "types": "No typed IR from this run: this step does not show it, or nothing was compiled.",
    "parallel": "No parallel diagnostics: they come with parallel=True (the parallel CPU target) "
                "on steps that show them.",
    "timings": "No timings: this step does not time its code.",
    "ptx": "No PTX from this run: PTX comes from a real GPU only.",
}
SIMULATOR_NOTE = ("No {name} on the CUDA simulator: it runs kernels as Python, so there is no LLVM IR, assembly "
                  "or PTX to show. Run the step on a machine with an NVIDIA GPU to see them.")


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
        Binding("z", "zoom", "Zoom"),
    ]

    class Zoom(Message):
        """The learner asked for the results to take the height (z), or to give it back."""

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.job_id: str | None = None
        self.kind = "jit"
        self.target = "cpu"
        self.state = "idle"
        self.elapsed_ms: float | None = None
        self.reason: str | None = None
        self.simulator = False
        self.cached = False  # the job was answered from the result cache (an earlier run's events)
        self.mode: str | None = None
        self.checks: list[dict] = []
        self.filled: set[str] = set()   # tabs holding content (from this or an earlier job)
        self.fresh: set[str] = set()    # tabs that got an event of the current job
        self._labels: dict[str, str] = {}

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

    def focus(self, scroll_visible: bool = True):
        """Focus goes to the active pane's main view (the panel itself takes no keys)."""
        target = self.pane(self.active_tab).focus_target()
        if target is not None:
            target.focus(scroll_visible)
        return self

    @property
    def has_focus_inside(self) -> bool:
        focused = self.screen.focused if self.is_attached else None
        return focused is not None and self in focused.ancestors_with_self

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#results-tabs", TabbedContent)

    def pane(self, tab: str) -> ResultPane:
        return self.query_one(f"#pane-{tab}", ResultPane)

    @property
    def active_tab(self) -> str:
        return self.tabs.active

    def show_tab(self, tab: str) -> None:
        """Switch tabs; focus follows only if it was already inside the panel (the editor keeps it)."""
        inside = self.has_focus_inside
        self.tabs.active = tab
        if inside:
            self.focus()

    def _tab_count(self, tab: str) -> str | None:
        if tab == "errors":
            n = len(self.pane("errors").shown)
            return str(n) if n else None
        if tab == "checks":
            shown = self.pane("checks").checks
            return f"{sum(1 for c in shown if c.get('passed'))}/{len(shown)}" if shown else None
        if tab == "parallel" and "parallel" in self.filled:
            return str(self.pane("parallel").loops or 0)
        return None

    def tab_state(self, tab: str) -> str:
        """"empty" (nothing to show), "stale" (from an older run) or "current"."""
        if tab not in self.filled or (tab == "errors" and not self.pane("errors").shown):
            return "empty"
        return "stale" if self.pane(tab).is_stale else "current"

    def _relabel(self) -> None:
        """Tab labels carry counts; empty tabs are dimmed and stale ones italic (results.tcss)."""
        shown = self._visible_tabs()
        parts = {t: dict(count=self._tab_count(t), simd=t in ("llvm", "asm") and self.pane(t).simd) for t in shown}
        # full or compact is decided on the longest the labels get (counts, SIMD marks), so the labels
        # do not change form (and the tab row its length) from one step or run to the next
        widest = {"errors": dict(count="99"), "checks": dict(count="9/9"), "parallel": dict(count="9"),
                  "llvm": dict(simd=True), "asm": dict(simd=True)}
        width = sum(len(tab_label(t, compact=False, **widest.get(t, {}))) + 2 for t in shown)  # + Tab padding
        compact = self.size.width < max(COMPACT_BELOW, width)
        tabs = self.tabs
        for tab in TABS:
            part = parts.get(tab) or dict(count=None, simd=False)
            label = tab_label(tab, compact=compact, **part)
            widget = tabs.get_tab(tab)
            if self._labels.get(tab) != label:
                self._labels[tab] = label
                widget.label = label
            state = self.tab_state(tab)
            widget.set_class(state == "empty", "-empty")
            widget.set_class(state == "stale", "-stale")
            if tab in EMPTY_NOTES:  # the other panes have their own words for "nothing"
                self.pane(tab).show_empty(self.empty_note(tab) if state == "empty" else None)

    def empty_note(self, tab: str) -> str:
        """Why an empty tab is empty, in words (a blank pane reads like a broken one)."""
        name = TABS[tab][0]
        if self.job_id is None:
            return f"No {name} yet: it comes with the next run (F5 runs the step)."
        if self.simulator and tab in ("llvm", "asm", "ptx"):
            return SIMULATOR_NOTE.format(name=name)
        if self.state in ("compiling", "running"):
            return f"No {name} yet: this run is still going ({name} comes {'last' if tab == 'timings' else 'when it is ready'})."
        return EMPTY_NOTES[tab]

    def tab_label(self, tab: str) -> str:
        """The plain words on a tab (tests, screen readers)."""
        return self._labels.get(tab, TABS[tab][0])

    # ------------------------------------------------------------------ API
    def begin(self, job_id: str, kind: str = "jit", target: str = "cpu") -> None:
        """A new job started: everything shown so far becomes stale until its tab's new event lands."""
        self.job_id = job_id
        self.kind, self.target = kind, target
        self.state, self.elapsed_ms, self.reason, self.mode = "compiling", None, None, None
        self.simulator = self.cached = False
        self.checks = []
        self.fresh = set()
        for tab in self.filled:
            self.pane(tab).mark_stale()
        for tab in ("llvm", "asm"):
            self.pane(tab).new_job()
        self.pane("output").start_job()
        self.pane("errors").start_job()
        self.pane("checks").start_job()
        if target != "cuda" and kind != "cuda":
            self._hide_ptx()
        self._summary()
        self._relabel()

    def mark_stale(self, note: str = STALE_EDITED) -> None:
        """The code changed but no job started yet: mark everything shown as stale, with `note`."""
        for tab in self.filled:
            self.pane(tab).mark_stale(note)
        self._relabel()

    def _hide_ptx(self) -> None:
        if self.active_tab == "ptx":
            self.show_tab("output")
        self.tabs.hide_tab("ptx")
        if "ptx" in self.filled:
            self.pane("ptx").reset()
            self.filled.discard("ptx")

    def clear(self) -> None:
        """Forget the job and every result."""
        self.job_id = None
        self.state, self.elapsed_ms, self.reason, self.mode = "idle", None, None, None
        self.cached = False
        self.checks = []
        self.filled, self.fresh = set(), set()
        for tab in TABS:
            self.pane(tab).reset()
        self._hide_ptx()
        self.show_tab("output")  # a new step opens on its output, not on the last step's tab
        self._summary()
        self._relabel()

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
        if tab or etype == "done":
            self._relabel()

    # ------------------------------------------------------------------ events
    def _on_started(self, ev: dict) -> None:
        self.simulator = bool(ev.get("simulator"))
        self.cached = bool(ev.get("cached"))
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
        self.show_tab("errors")

    def _on_llvm(self, ev: dict) -> None:
        self.pane("llvm").show(ev)

    def _on_asm(self, ev: dict) -> None:
        self.pane("asm").show(ev)

    def _on_lines(self, ev: dict) -> None:
        """The source line of each IR/asm line (computed after the timings)."""
        for tab in ("llvm", "asm"):
            if tab in ev:
                self.pane(tab).set_line_map(ev[tab], ev.get(f"{tab}_exact", False), ev.get("source") or {},
                                            ev.get(f"{tab}_note", ""))

    def highlight_source_line(self, line: int | None) -> None:
        """The editor's cursor is on `line`: tint the IR and asm lines that came from it."""
        for tab in ("llvm", "asm"):
            self.pane(tab).highlight_source(line)

    def _show_text(self, tab: str, ev: dict) -> None:
        pane = self.pane(tab)
        pane.mark_fresh()
        pane.set_text(ev.get("text") or "")

    def _on_types(self, ev: dict) -> None:
        self._show_text("types", ev)

    def _on_parallel(self, ev: dict) -> None:
        self.pane("parallel").show(ev)

    def _on_ptx(self, ev: dict) -> None:
        """PTX exists only on a real GPU (the simulator sends none), so the tab shows only then."""
        self._show_text("ptx", ev)
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
            cause = ev.get("cause")
            if cause and self.reason is not None and cause not in self.reason.lower():
                self.reason += f"; ended by {cause}"
            if self.reason is None:
                if cause:
                    self.reason = f"ended by {cause}"
                elif failed_checks:
                    self.reason = checks_words(len(failed_checks), len(self.checks))
        # what this job never refreshed is not current: say so (and empty what must not linger)
        self.pane("output").finish()
        self.pane("errors").finish()
        self.fresh.update({"output", "errors"})
        for tab in TABS:
            if tab not in self.fresh and tab in self.filled:
                if tab == "checks":
                    self.pane(tab).reset()
                    self.filled.discard(tab)
                else:
                    self.pane(tab).mark_stale(STALE_NONE)
        self._summary()

    # ------------------------------------------------------------------ summary
    def summary_text(self) -> str:
        """The plain words of the summary line (tests and screen readers)."""
        return self.query_one("#results-summary", Static).render().plain  # type: ignore[union-attr]

    def _summary(self) -> None:
        self.query_one("#results-summary", Static).update(summary_line(
            self.state, elapsed_ms=self.elapsed_ms, reason=self.reason, job=self.job_id, kind=self.kind,
            target=self.target, mode=self.mode, simulator=self.simulator, checks=self.checks,
            cached=self.cached))

    # ------------------------------------------------------------------ keys
    def _visible_tabs(self) -> list[str]:
        return [t for t in TABS if t != "ptx" or "ptx" in self.filled]

    def action_next_tab(self) -> None:
        tabs = self._visible_tabs()
        self.show_tab(tabs[(tabs.index(self.active_tab) + 1) % len(tabs)])

    def action_zoom(self) -> None:
        self.post_message(self.Zoom())

    def action_prev_tab(self) -> None:
        tabs = self._visible_tabs()
        self.show_tab(tabs[(tabs.index(self.active_tab) - 1) % len(tabs)])
