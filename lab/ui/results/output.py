"""Output pane: per call, the call, its stdout/stderr and result repr; truncation marked.
Also the simple text panes (typed code, parallel diagnostics, PTX) and the checks list."""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from lab.ui.plain import line, lines

from .base import ResultPane, SearchablePane
from .format import compile_words

_TRUNC_RE = re.compile(r"^\[\.\.\. \d+ bytes truncated \.\.\.\]$")


class OutputPane(SearchablePane):
    """Lines are tagged (header / stderr / result / note) and styled through CodeView classes."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self._lines: list[str] = []
        self._tags: list[str | None] = []
        self.truncated = False

    def start_job(self) -> None:
        self._lines, self._tags, self.truncated = [], [], False

    def _add(self, text: str, tag: str | None) -> None:
        lines = text.split("\n")
        start = len(self._lines)
        self._lines.extend(lines)
        self._tags.extend([tag] * len(lines))
        if "[..." in text:  # the engine's "head ... tail" cut marker reads as a note
            for i, line in enumerate(lines, start):
                if line.startswith("[...") and _TRUNC_RE.match(line):
                    self._tags[i] = "note"

    def add_compiled(self, ev: dict) -> None:
        sigs = ev.get("signatures") or []
        mode = ev.get("mode") or "?"
        if ev.get("cached"):
            self._add("cached: this code and these options ran earlier in this session; the output and "
                      "timings below are from that earlier run", "note")
        if sigs and ev.get("from_cache") and not ev.get("compile_ms"):
            self._add(f"{compile_words(ev)} ({mode})", "note")
        elif sigs:
            self._add(f"compiled ({mode}) in {compile_words(ev)}", "note")
        else:
            self._add("CUDA simulator: kernels run as Python, nothing is compiled" if ev.get("simulator")
                      else f"{mode}: nothing compiled yet (no call reached the function)", "note")
        for s in sigs:
            self._add(f"  {s}", "note")
        self._flush()

    def add_output(self, ev: dict) -> None:
        call = ev.get("call")
        earlier = " (from an earlier run)" if ev.get("cached") else ""
        self._add((f"▶ {call}" if call else "▶ (import / setup)") + earlier, "header")
        for key, tag in (("stdout", None), ("stderr", "stderr")):
            out = ev.get(key) or ""
            if out:
                self._add(out[:-1] if out.endswith("\n") else out, tag)
        if ev.get("result") is not None and ev.get("result") != "None":
            self._add(f"= {ev['result']}", "result")
        if ev.get("truncated"):
            self.truncated = True
            self._add("⚠ output truncated: only the head and tail were kept", "note")
        self._flush()

    def finish(self) -> None:
        """The job is done: an empty pane says so."""
        if not self._lines:
            self._add("(no output)", "note")
            self._flush()

    def _flush(self) -> None:
        self.mark_fresh()
        at_bottom = self.view.scroll_y >= self.view.max_scroll_y
        self.view.set_lines(self._lines, None, list(self._tags))  # set_lines copies the lines itself
        self._update_status()
        if at_bottom and self.view.max_scroll_y:
            self.view.scroll_end(animate=False)

    def reset(self) -> None:
        self.start_job()
        super().reset()


class TypesPane(SearchablePane):
    LANGUAGE = "python"


class PTXPane(SearchablePane):
    LANGUAGE = "ptx"


class ParallelPane(SearchablePane):
    LANGUAGE = "text"

    def compose_header(self) -> ComposeResult:
        yield Static("", classes="pane-header")

    loops: int | None = None

    def show(self, ev: dict) -> None:
        loops = self.loops = ev.get("loops")
        head = "no parallel loops found" if not loops else f"{loops} parallel loop{'s' if loops != 1 else ''} found"
        self.query_one(".pane-header", Static).update(line(head))
        self.mark_fresh()
        self.set_text(ev.get("text") or "")

    def reset(self) -> None:
        super().reset()
        self.loops = None
        self.query_one(".pane-header", Static).update("")


class ChecksPane(ResultPane):
    """Every check of the job: ✓/✗, name, message."""

    FOCUS = ".checks-scroll"

    def __init__(self, **kw):
        super().__init__(**kw)
        self.checks: list[dict] = []   # what is shown (an older job's while stale)
        self._new_job = False

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="checks-scroll"):
            yield Static("no checks in this step", classes="checks-list")

    def start_job(self) -> None:
        self._new_job = True

    def add(self, ev: dict) -> None:
        if self._new_job:
            self.checks, self._new_job = [], False
        self.checks.append(ev)
        self.mark_fresh()
        self._redraw()

    def _redraw(self) -> None:
        rows = []
        for c in self.checks:
            mark = ("✓", "b $success") if c.get("passed") else ("✗", "b $error")
            msg = line(" — ", c["message"]) if c.get("message") else ""
            rows.append(line(mark, " ", (c.get("name") or "check", "b"), msg))
        self.query_one(".checks-list", Static).update(lines(rows) if rows else "no checks in this step")

    def reset(self) -> None:
        super().reset()
        self.checks, self._new_job = [], False
        self._redraw()
