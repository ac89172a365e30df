"""The first screen: every lesson with the learner's progress; enter opens one where they left off."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from lab.ui.plain import lines, plain
from lab.ui.screens.one_line_options import OneLineOptionList
from lab.ui.status.follow_banner import FollowBanner
from lab.ui.status.status_bar import StatusBar

SHORT_BELOW = 30  # rows: below this the description is docked at the bottom and the list scrolls
MARKS = {"done": ("✓", "green"), "in_progress": ("◐", "yellow"), "new": ("·", "")}
WORDS = {"done": "done", "in_progress": "in progress", "new": "new"}


def progress_tail(done: int, total: int, word: str, short: bool) -> str:
    return f"  {done}/{total} · {word}" if short else f"   {done}/{total} steps · {word}"


def lesson_row(mark: str, colour: str, number: int, title: str, tail: str, width: int) -> Text:
    """One line per lesson: mark, number and title, then progress; a title too long for `width`
    is cut with "…" instead of the row wrapping onto a second line."""
    head = f" {mark} {number:>2}. "
    room = max(8, width - len(head) - len(tail))
    if len(title) > room:
        title = title[: room - 1].rstrip() + "…"
    row = Text()
    row.append(f" {mark} ", style=colour)
    row.append(plain(f"{number:>2}. {title}", "bold"))
    row.append(tail, style="dim")
    return row


class LessonListScreen(Screen):
    BINDINGS = [
        Binding("enter", "open", "Open", show=True),
        Binding("ctrl+q", "app.quit", "Quit", show=True),
    ]

    def compose(self) -> ComposeResult:
        yield FollowBanner()
        yield Static("[b]numba-lab[/b] — pick a lesson (enter), F1 for help", id="list-header")
        with Vertical(id="list-body"):
            yield OneLineOptionList(id="lessons")
            yield Static("", id="lesson-summary")
            yield Static("", id="load-errors", markup=False)
        yield StatusBar(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.refill()
        self.app.refresh_status(self.query_one(StatusBar))

    def _row_width(self) -> int:
        """Cells for one row inside the list (its border and the body's padding taken off)."""
        options = self.query_one("#lessons", OptionList)
        # less the scrollbar, which short terminals need (a row one cell too long wrapped its tail)
        return (options.content_region.width or self.app.size.width - 8) - 1 - options.styles.scrollbar_size_vertical

    def on_resize(self, event) -> None:
        self.set_class(event.size.height < SHORT_BELOW, "-short")
        if self.is_mounted and self.app.catalog.lessons:
            self.call_after_refresh(self.refill)

    def on_screen_suspend(self) -> None:
        self._last_seen = (self.app.progress.last_lesson, repr(self.app.progress.lessons.get(self.app.progress.last_lesson)))

    def on_screen_resume(self) -> None:
        # back from a lesson (maybe opened from the palette): highlight it; back from F1 or a dialog
        # (no lesson opened since): keep the learner's selection
        now = (self.app.progress.last_lesson, repr(self.app.progress.lessons.get(self.app.progress.last_lesson)))
        self.refill(follow_last=now != getattr(self, "_last_seen", None))
        self.app.refresh_status(self.query_one(StatusBar))

    def refill(self, follow_last: bool = False) -> None:
        app = self.app
        options = self.query_one("#lessons", OptionList)
        keep = None if follow_last else options.highlighted
        options.set_options(self._rows(app.catalog.lessons, 1))  # one update: 10,000 add_option calls take seconds
        self._show_errors()
        self._show_loading()
        if not app.catalog.lessons:
            empty = "loading lessons…" if app.catalog.loading else "no lessons found (see --lessons / --no-builtin)"
            options.add_option(Option(empty, disabled=True))
            return
        index = keep
        if index is None:
            last = app.progress.last_lesson
            index = max(0, app.catalog.index(last)) if last else 0
        options.highlighted = min(index, len(app.catalog.lessons) - 1)
        options.focus()
        self._show_summary(options.highlighted)

    # ------------------------------------------------------------ a big pack arriving from the loader thread
    def _rows(self, lessons: list, first: int, short: bool | None = None) -> list[Option]:
        """One option per lesson, numbered from `first`. `short`: the progress form; None picks one
        for all these rows (the short one, "0/5 · new", when any row needs it)."""
        app = self.app
        width = self._row_width()
        rows = []
        for number, lesson in enumerate(lessons, first):
            status = app.progress.lesson_status(lesson.id, [s.id for s in lesson.steps])
            done = sum(1 for s in lesson.steps if app.progress.step_state(lesson.id, s.id).status == "done")
            rows.append((number, lesson, status, done))
        if short is None:
            short = any(len(f" x {n:>2}. {l.title}") + len(progress_tail(d, len(l.steps), WORDS[st], False)) > width
                        for n, l, st, d in rows)
        return [Option(lesson_row(*MARKS[status], number, lesson.title,
                                  progress_tail(done, len(lesson.steps), WORDS[status], short), width), id=lesson.id)
                for number, lesson, status, done in rows]

    def _show_errors(self) -> None:
        errors = self.app.catalog.errors
        err = self.query_one("#load-errors", Static)
        err.update(lines(["Some lesson files could not be loaded:", *errors]) if errors else "")
        err.display = bool(errors)

    def lessons_arrived(self, batch: list) -> None:
        """Append the new lessons as rows (load order; lessons_loaded() sorts), keep the highlight."""
        if not self.is_mounted:
            return
        options = self.query_one("#lessons", OptionList)
        first = len(self.app.catalog.lessons) - len(batch)
        if batch and first == 0:
            options.clear_options()  # the "loading lessons…" placeholder
        options.add_options(self._rows(batch, first + 1, short=True))
        if batch and options.highlighted is None:
            options.highlighted = 0
            options.focus()
        self._show_errors()
        self._show_loading()

    def lessons_loaded(self) -> None:
        """Loading finished: the list in its real order, the highlighted lesson kept."""
        if not self.is_mounted:
            return
        options = self.query_one("#lessons", OptionList)
        if [o.id for o in options.options] == [l.id for l in self.app.catalog.lessons]:
            self._show_loading()  # already in order (files named in lesson order): nothing to redraw
            return
        index = options.highlighted
        shown = options.get_option_at_index(index).id if index is not None and options.option_count else None
        self.refill()
        if shown is not None:
            new = self.app.catalog.index(shown)
            if new >= 0:
                options.highlighted = new

    def _show_loading(self) -> None:
        catalog = self.app.catalog
        self.query_one("#lessons", OptionList).border_subtitle = (
            f"loading lessons: {catalog.files_done} of {catalog.files_total} files" if catalog.loading else "")

    @on(OptionList.OptionHighlighted, "#lessons")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_summary(event.option_index)

    def _show_summary(self, index: int | None) -> None:
        lessons = self.app.catalog.lessons
        if index is None or not (0 <= index < len(lessons)):
            return
        lesson = lessons[index]
        step = self.app.progress.current_step(lesson.id)
        where = f"resume at step {step + 1}: {lesson.steps[min(step, len(lesson.steps) - 1)].title}" \
            if lesson.id in self.app.progress.lessons else f"{len(lesson.steps)} steps"
        self.query_one("#lesson-summary", Static).update(
            # where to resume comes before the summary: at 80x24 only the first lines show
            lines([(lesson.title, "b"), (where, "dim"), " ".join(str(lesson.summary or "").split())]))

    @on(OptionList.OptionSelected, "#lessons")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.app.open_lesson(event.option.id)

    def action_open(self) -> None:
        options = self.query_one("#lessons", OptionList)
        if options.highlighted is not None and self.app.catalog.lessons:
            self.app.open_lesson(self.app.catalog.lessons[options.highlighted].id)
