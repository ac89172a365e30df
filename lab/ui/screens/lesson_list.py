"""The first screen: every lesson with the learner's progress; enter opens one where they left off."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

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
    row.append(f"{number:>2}. {title}", style="bold")
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
            yield OptionList(id="lessons")
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
        options.clear_options()
        width = self._row_width()
        rows = []
        for number, lesson in enumerate(app.catalog.lessons, 1):
            status = app.progress.lesson_status(lesson.id, [s.id for s in lesson.steps])
            done = sum(1 for s in lesson.steps if app.progress.step_state(lesson.id, s.id).status == "done")
            rows.append((number, lesson, status, done))
        # one progress form for the whole list: the short one ("0/5 · new") when any row needs it
        short = any(len(f" x {n:>2}. {l.title}") + len(progress_tail(d, len(l.steps), WORDS[st], False)) > width
                    for n, l, st, d in rows)
        for number, lesson, status, done in rows:
            mark, colour = MARKS[status]
            tail = progress_tail(done, len(lesson.steps), WORDS[status], short)
            options.add_option(Option(lesson_row(mark, colour, number, lesson.title, tail, width), id=lesson.id))
        errors = app.catalog.errors
        err = self.query_one("#load-errors", Static)
        err.update(("Some lesson files could not be loaded:\n" + "\n".join(errors)) if errors else "")
        err.display = bool(errors)
        if not app.catalog.lessons:
            options.add_option(Option("no lessons found (see --lessons / --no-builtin)", disabled=True))
            return
        index = keep
        if index is None:
            last = app.progress.last_lesson
            index = max(0, app.catalog.index(last)) if last else 0
        options.highlighted = min(index, len(app.catalog.lessons) - 1)
        options.focus()
        self._show_summary(options.highlighted)

    @on(OptionList.OptionHighlighted, "#lessons")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_summary(event.option_index)

    def _show_summary(self, index: int | None) -> None:
        lessons = self.app.catalog.lessons
        if index is None or not (0 <= index < len(lessons)):
            return
        lesson = lessons[index]
        step = self.app.progress.current_step(lesson.id)
        where = f"resume at step {step + 1}: {escape(lesson.steps[min(step, len(lesson.steps) - 1)].title)}" \
            if lesson.id in self.app.progress.lessons else f"{len(lesson.steps)} steps"
        self.query_one("#lesson-summary", Static).update(
            # where to resume comes before the summary: at 80x24 only the first lines show
            f"[b]{escape(lesson.title)}[/b]\n[dim]{where}[/dim]\n{escape(' '.join(str(lesson.summary or '').split()))}")

    @on(OptionList.OptionSelected, "#lessons")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.app.open_lesson(event.option.id)

    def action_open(self) -> None:
        options = self.query_one("#lessons", OptionList)
        if options.highlighted is not None and self.app.catalog.lessons:
            self.app.open_lesson(self.app.catalog.lessons[options.highlighted].id)
