"""LLVM IR and assembly panes: filtered/full toggle, diff against the previous job, SIMD badge."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static

from lab.engine.irtext import ir_diff  # pure text, no numba import (the UI may use it)

from .base import SearchablePane


class IRPane(SearchablePane):
    """One compiler view (`llvm` or `asm` events).

    `event` is this job's event (None until it lands); `previous` the last event of an earlier job.
    Until this job's event lands the pane keeps showing `previous` (marked stale by the panel); the
    diff compares `previous` with `event` in the current mode (filtered or full)."""

    BINDINGS = [
        Binding("f", "toggle_full", "Full/filtered"),
        Binding("d", "toggle_diff", "Diff vs last"),
    ]

    def __init__(self, kind: str, **kw):
        self.kind = kind  # "llvm" | "asm"
        self.LANGUAGE = kind
        super().__init__(**kw)
        self.event: dict | None = None
        self.previous: dict | None = None
        self.full = False
        self.diff = False

    @property
    def shown(self) -> dict | None:
        """The event whose code is on screen."""
        return self.event if self.event is not None else self.previous

    @property
    def simd(self) -> bool:
        """The shown code uses SIMD vector types (the badge and the tab's mark)."""
        ev = self.shown
        return bool(ev and ev.get("vectorized") and ev.get("vector_types"))

    def compose_header(self) -> ComposeResult:
        with Horizontal(classes="ir-header"):
            yield Static("", classes="ir-mode")
            yield Static("", classes="simd-badge")

    # events -----------------------------------------------------------------
    def new_job(self) -> None:
        """A job started: what is shown now becomes the diff baseline once the new text lands."""
        if self.event is not None:
            self.previous = self.event
        self.event = None

    def show(self, event: dict) -> None:
        self.event = event
        self.mark_fresh()
        self.render_view()

    def reset(self) -> None:
        """A new step: nothing shown, and the diff mode off (it compares runs of one step only)."""
        super().reset()
        self.event = self.previous = None
        self.diff = False
        self.render_view()

    # modes ------------------------------------------------------------------
    def _pick(self, event: dict | None) -> str:
        if event is None:
            return ""
        if self.full:
            return event.get("full") or event.get("text") or ""
        return event.get("text") or ""

    def render_view(self) -> None:
        diff = False
        if self.shown is None:
            text = ""
        elif self.diff and self.event is None:
            text = "; diff: waiting for this run's code"
        elif self.diff and self.previous is None:
            text = "; diff: no previous run to compare with yet"
        elif self.diff:
            text = ir_diff(self._pick(self.previous), self._pick(self.event))
            diff = bool(text)
            if not text:
                text = "; diff: no change from the previous run"
        else:
            text = self._pick(self.shown)
            if not text.strip() and not self.full:
                what = "LLVM IR" if self.kind == "llvm" else "assembly"
                text = f"; no {what} for your function here: f shows the whole module"
        self.set_text(text, self.kind, diff=diff)
        self._header()
        self.refresh_bindings()

    def _header(self) -> None:
        ev = self.shown or {}
        fns = ev.get("functions") or []
        scope = "full module" if self.full else (f"filtered: {', '.join(fns)}" if fns else "filtered")
        mode = f"diff vs previous run · {scope}" if self.diff else scope
        self.query_one(".ir-mode", Static).update(mode if ev else "")
        vt = ev.get("vector_types") or []
        badge = self.query_one(".simd-badge", Static)
        badge.display = self.simd
        badge.update(f"SIMD: {', '.join(vt[:3])}{' …' if len(vt) > 3 else ''}" if self.simd else "")

    def action_toggle_full(self) -> None:
        self.full = not self.full
        self.render_view()

    def action_toggle_diff(self) -> None:
        self.diff = not self.diff
        self.render_view()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("toggle_full", "toggle_diff"):
            return self.shown is not None
        return super().check_action(action, parameters)
