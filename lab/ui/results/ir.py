"""LLVM IR and assembly panes: filtered/full toggle, diff against the previous job, SIMD badge, and
the source line of each line (from the engine's `lines` event): the editor's line tints the lines
that came from it, the line cursor here (up/down) names its source line, `l` writes the source line
as a comment above each block."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static

from lab.engine.irtext import ir_diff  # pure text, no numba import (the UI may use it)
from lab.engine.linemap import comment_above_blocks  # pure text too
from lab.ui.plain import line

from .base import SearchablePane
from .codeview import CodeView


class IRCodeView(CodeView):
    """A CodeView with a line cursor once the code has source lines (up/down move it; without
    source lines they scroll as in every other view)."""

    BINDINGS = [
        Binding("up", "cursor(-1)", "Line up", show=False),
        Binding("down", "cursor(1)", "Line down", show=False),
    ]

    class CursorMoved(Message):
        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    def _on_focus(self, event) -> None:
        super()._on_focus(event)
        self._cache.clear()
        if self.cursor_row is not None:
            self.post_message(self.CursorMoved(self.cursor_row))

    def _on_blur(self, event) -> None:
        super()._on_blur(event)
        self._cache.clear()

    def action_cursor(self, delta: int) -> None:
        if self.cursor_row is None:
            self.scroll_relative(y=delta, animate=False)
            return
        self.move_cursor(self.cursor_row + delta)
        self.post_message(self.CursorMoved(self.cursor_row))


class IRPane(SearchablePane):
    """One compiler view (`llvm` or `asm` events).

    `event` is this job's event (None until it lands); `previous` the last event of an earlier job.
    Until this job's event lands the pane keeps showing `previous` (marked stale by the panel); the
    diff compares `previous` with `event` in the current mode (filtered or full)."""

    VIEW = IRCodeView
    BINDINGS = [
        Binding("f", "toggle_full", "Full/filtered"),
        Binding("d", "toggle_diff", "Diff vs last"),
        Binding("l", "toggle_lines", "Source lines"),
    ]

    class SourceLineSelected(Message):
        """The line cursor of this pane is on code from source `line` (None: no source line)."""

        def __init__(self, line: int | None) -> None:
            super().__init__()
            self.line = line

    def __init__(self, kind: str, **kw):
        self.kind = kind  # "llvm" | "asm"
        self.LANGUAGE = kind
        super().__init__(**kw)
        self.event: dict | None = None
        self.previous: dict | None = None
        self.full = False
        self.diff = False
        self.linemap: dict | None = None  # this job's `lines` fields for this view
        self.comments = False  # source line as a comment above each block
        self.rows: list[int | None] = []  # source line of each row on screen
        self.source_line: int | None = None  # the editor's line

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
        self.linemap = None

    def show(self, event: dict) -> None:
        self.event = event
        self.mark_fresh()
        self.render_view()

    def reset(self) -> None:
        """A new step: nothing shown, and the diff mode off (it compares runs of one step only)."""
        super().reset()
        self.event = self.previous = None
        self.linemap = None
        self.diff = False
        self.render_view()

    def set_line_map(self, lines: list | None, exact: bool, source: dict, note: str = "") -> None:
        """The source line of each line of this job's text (the `lines` event)."""
        text = (self.event or {}).get("text") or ""
        if not isinstance(lines, list) or len(lines) != len(text.split("\n")):
            return  # not for the text on screen: show none rather than wrong ones
        self.linemap = {"lines": [n if isinstance(n, int) else None for n in lines], "exact": bool(exact),
                        "source": source if isinstance(source, dict) else {}, "note": note or ""}
        view = self.view
        top, cursor = view.scroll_y, view.cursor_row
        self.render_view()
        view.scroll_to(None, top, animate=False)
        if cursor is not None:
            view.move_cursor(cursor)

    def highlight_source(self, line: int | None) -> int:
        """Tint the rows that came from source `line` and scroll to the first; returns how many."""
        self.source_line = line
        rows = [i for i, n in enumerate(self.rows) if line is not None and n == line]
        self.view.set_linked(rows)
        if rows and not self.view.has_focus:
            self.view.cursor_row = rows[0]  # the line cursor starts from there
        return len(rows)

    @property
    def linked_rows(self) -> list[int]:
        return sorted(self.view.linked)

    @on(IRCodeView.CursorMoved)
    def _cursor_moved(self, event: IRCodeView.CursorMoved) -> None:
        event.stop()
        row = event.row
        self.post_message(self.SourceLineSelected(self.rows[row] if 0 <= row < len(self.rows) else None))

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
        rows: list[int | None] = []
        self._index: list[int | None] = []
        if self.linemap and not diff and not self.diff and not self.full and self.event is not None:
            lines = self.linemap["lines"]
            if self.comments:
                mark = ";" if self.kind == "llvm" else "#"
                shown, index = comment_above_blocks(text.split("\n"), lines, self.linemap["source"], mark)
                self._index = index
                text = "\n".join(shown)
                rows = [lines[i] if i is not None else n for i, n in zip(index, _comment_lines(shown, index))]
            else:
                rows = list(lines)
        self.rows = rows
        self.view.cursor_row = 0 if rows else None
        self.set_text(text, self.kind, diff=diff)
        self.rows = rows[:len(self.view.lines)]  # the view drops the text's last newline
        if rows and self.source_line is not None:
            self.highlight_source(self.source_line)
        self._header()
        self.refresh_bindings()

    def _header(self) -> None:
        ev = self.shown or {}
        fns = ev.get("functions") or []
        scope = "full module" if self.full else (f"filtered: {', '.join(map(str, fns))}" if fns else "filtered")
        mode = f"diff vs previous run · {scope}" if self.diff else scope
        if self.linemap and self.rows:  # first, so 80 columns still show it
            lines = "lines: exact" if self.linemap["exact"] else "lines ≈ (debug copy, matched)"
            mode = f"{lines} · {mode}"
        self.query_one(".ir-mode", Static).update(line(mode) if ev else "")
        vt = ev.get("vector_types") or []
        badge = self.query_one(".simd-badge", Static)
        badge.display = self.simd
        badge.update(line(f"SIMD: {', '.join(map(str, vt[:3]))}{' …' if len(vt) > 3 else ''}") if self.simd else "")

    def action_toggle_full(self) -> None:
        self.full = not self.full
        self.render_view()

    def action_toggle_diff(self) -> None:
        self.diff = not self.diff
        self.render_view()

    def action_toggle_lines(self) -> None:
        view = self.view
        at = view.cursor_row if view.cursor_row is not None else 0
        code_row = self._text_row(at)
        self.comments = not self.comments
        self.render_view()
        row = next((r for r in range(len(view.lines)) if self._text_row(r) == code_row), 0)
        view.move_cursor(row)
        view.call_after_refresh(view.scroll_to_row, row)

    def _text_row(self, row: int) -> int:
        """The row of the event's text shown at display `row` (comment rows: the code row below)."""
        index = self._index
        if not index:
            return row
        while row < len(index) and index[row] is None:
            row += 1
        return index[row] if row < len(index) else len(index)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("toggle_full", "toggle_diff"):
            return self.shown is not None
        if action == "toggle_lines":
            return self.linemap is not None
        return super().check_action(action, parameters)


def _comment_lines(shown: list[str], index: list[int | None]) -> list[int | None]:
    """For the comment rows `comment_above_blocks` added, the source line they name."""
    out: list[int | None] = []
    for text, i in zip(shown, index):
        n = None
        if i is None:
            head = text.strip()[1:].strip().split(":", 1)[0]
            n = int(head) if head.isdigit() else None
        out.append(n)
    return out
