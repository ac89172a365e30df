"""`numba-lab class DIR`: the instructor's live view of a class folder (lab.class_roster reads it).

A table of learners, stuck ones first (who, state, where, steps done, attempts, stuck for, last
result / error kind), beside a count of learners per step. Re-reads the folder once a second (one
lstat per file; a file is read only when it changed) and redraws only when the words change.
Everything in a status file, and every file name, is another account's text: shown through
lab.ui.plain, never as markup.
"""

from __future__ import annotations

import time
from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from lab.class_roster import Learner, Roster, fmt_duration
from lab.ui.plain import line, plain
from lab.ui.themes import LIGHT, register_themes

HERE = Path(__file__).resolve().parent.parent
LEARNER_COLUMNS = ("Who", "State", "Stuck for", "Tries", "Done", "Total", "Where", "Last result")
STEP_COLUMNS = ("Here", "Step")  # the count first: it stays in sight on a narrow terminal
STATE_STYLE = {"stuck": "bold red", "away": "dim", "ok": "green"}


def learner_cells(x: Learner, now: float, stuck_after: float) -> tuple[str, ...]:
    """The row's words (plain strings; made into Text when shown). Done: steps done in this lesson;
    Total: in all lessons."""
    state = x.state(now, stuck_after)
    s = x.status
    if s is None:  # the problem, in the last (widest) column
        return (x.name, state, "", "", "", "", "", x.detail)
    done = f"{s.lesson_done}/{s.steps_in_lesson}" if s.steps_in_lesson else ""
    last = s.last_result + (f": {s.error_kind}" if s.error_kind else "") if s.last_result else s.error_kind
    return (x.name, state, fmt_duration(x.stuck_for(now)), str(s.attempts), done, str(s.steps_done), x.where(), last)


class ClassScreen(Screen):
    BINDINGS = [Binding("r", "refresh_now", "Refresh")]

    def __init__(self, folder: Path, stuck_after: float | None = None) -> None:
        super().__init__()
        self.roster = Roster(folder) if stuck_after is None else Roster(folder, stuck_after)
        self.rows: list[tuple[str, ...]] = []  # what the learner table shows (tests, exports)
        self.steps: list[tuple[str, str]] = []  # what the step table shows
        self.summary = ""
        self.refresh_ms = 0.0  # cost of the last refresh (benchmark)
        self._keys: list[str] = []  # the learner table's row keys (status file names), in order

    def compose(self) -> ComposeResult:
        yield Static(id="class-summary")
        yield Static(id="class-error")
        with Horizontal(id="class-body"):
            yield DataTable(id="class-learners", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="class-steps", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#class-learners", DataTable)
        for name in LEARNER_COLUMNS:
            table.add_column(name, key=name)
        self.query_one("#class-steps", DataTable).add_columns(*STEP_COLUMNS)
        self.refresh_roster()
        self.set_interval(1.0, self.refresh_roster)

    def action_refresh_now(self) -> None:
        self.refresh_roster()

    def refresh_roster(self) -> bool:
        """Re-read the folder; redraw what changed. True when the tables were redrawn."""
        started = time.perf_counter()
        now = time.time()
        roster = self.roster
        roster.refresh()
        learners = roster.sorted(now)
        rows = [learner_cells(x, now, roster.stuck_after) for x in learners]
        steps = [(where, str(n)) for _, _, where, n in roster.step_counts()]
        stuck = sum(1 for r in rows if r[1] == "stuck")
        away = sum(1 for r in rows if r[1] == "away")
        bad = sum(1 for x in learners if x.problem)
        summary = f"{roster.folder} · {len(rows) - bad} learners · {stuck} stuck · {away} away"
        if bad:
            summary += f" · {bad} file(s) not shown as learners"
        if roster.truncated:
            summary += " · too many files: only the first are shown"
        redrawn = False
        if summary != self.summary:
            self.summary = summary
            self.query_one("#class-summary", Static).update(line(summary))
        error = self.query_one("#class-error", Static)
        error.display = bool(roster.error)
        if roster.error:
            error.update(plain(roster.error))
        keys = [x.file for x in learners]
        if rows != self.rows:
            self._show_rows(keys, rows)
            redrawn = True
        if steps != self.steps:
            self.steps = steps
            table = self.query_one("#class-steps", DataTable)
            table.clear()
            for where, n in steps:
                table.add_row(plain(n), plain(where))
            redrawn = True
        self.refresh_ms = (time.perf_counter() - started) * 1000
        return redrawn

    def _show_rows(self, keys: list[str], rows: list[tuple[str, ...]]) -> None:
        """Same learners in the same order: only the cells that changed; else the table anew."""
        table = self.query_one("#class-learners", DataTable)
        cell = lambda i, c: plain(c, STATE_STYLE.get(c, "yellow") if i == 1 else "")  # noqa: E731
        if keys == self._keys:
            for key, old, new in zip(keys, self.rows, rows):
                for i, (a, b) in enumerate(zip(old, new)):
                    if a != b:
                        table.update_cell(key, LEARNER_COLUMNS[i], cell(i, b))
        else:
            table.clear()
            for key, cells in zip(keys, rows):
                table.add_row(*(cell(i, c) for i, c in enumerate(cells)), key=key)
        self.rows, self._keys = rows, keys


class ClassApp(App):
    TITLE = "numba-lab class"
    CSS_PATH = [HERE / "class_view.tcss"]
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, folder: Path, stuck_after: float | None = None, theme: str | None = None) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.stuck_after = stuck_after
        register_themes(self)
        if theme == "light":
            self.theme = LIGHT

    def on_mount(self) -> None:
        self.push_screen(ClassScreen(self.folder, self.stuck_after))
