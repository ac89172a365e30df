"""The lesson screen: step text | options + editor | results, and everything a learner does there."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static, TextArea
from textual.worker import Worker, WorkerState

from lab import paths
from lab.options import Options, OptionsError, apply_options, decorator_for_kind, options_from_source
from lab.placeholders import facts_from_event
from lab.ui import catalog
from lab.ui.editor_pane.code_editor import CodeEditor
from lab.ui.editor_pane.options_bar import OptionsBar, options_for_target, target_of
from lab.ui.lesson_pane.step_text import StepText
from lab.ui.plain import describe, line, notify_plain, to_str
from lab.ui.results import ResultsPanel
from lab.ui.results.ir import IRPane
from lab.ui.results.format import checks_words, fmt_ms
from lab.ui.status.follow_banner import FollowBanner
from lab.ui.status.footer import LabFooter
from lab.ui.status.status_bar import StatusBar

RUN_DEBOUNCE_S = 0.4   # after an edit or toggle, the job runs once typing pauses this long
DRAFT_DEBOUNCE_S = 1.0  # drafts are written (atomically) this long after the last edit
NARROW_BELOW = 110  # columns: below this the text and the code share the screen (F2 switches)
SHORT_BELOW = 30  # rows: below this the editor and results split the height evenly
WIDE_FROM = 150  # columns: from here the option toggles fit on one line


class LessonScreen(Screen):
    BINDINGS = [
        Binding("ctrl+n", "next_step", "Next"),
        Binding("ctrl+p", "prev_step", "Prev"),
        Binding("f5,ctrl+r", "run", "Run"),
        Binding("f2", "toggle_text", "Text"),
        Binding("f8,ctrl+t", "check", "Check"),
        Binding("ctrl+g", "hint", "Hint"),
        Binding("f9", "solution", "Solution"),
        Binding("f10", "reset", "Reset"),
        Binding("ctrl+l", "to_list", "Lessons"),
        Binding("escape", "to_list", "Lessons", show=False),
        Binding("f3", "focus('editor')", "Editor", show=False),
        Binding("f4", "focus('options')", "Options", show=False),
        Binding("ctrl+f", "focus('results')", "Results", show=False),
    ]

    def __init__(self, lesson, step_index: int = 0) -> None:
        super().__init__()
        self.lesson = lesson
        self.step_index = step_index
        self.step = None
        self.target = "cpu"
        self.hints_shown = 0
        self.job_id: str | None = None
        self._dirty = False  # editor text differs from the saved draft
        self._run_timer: Timer | None = None
        self._draft_timer: Timer | None = None
        self._check_results: list[dict] = []
        self._expected_error: str | None = None
        self._header: tuple | None = None
        self.passed = False
        self.text_choice: bool | None = None  # the learner's last F2 (text shown?); kept across steps
        self._fastmath_flags: str | None = None  # the custom fastmath set toggled off (restored on toggling on)

    def check_action(self, action: str, parameters) -> bool | None:
        """Keys that do nothing on this step are shown dimmed in the footer (None = disabled)."""
        step = self.step
        if step is None:
            return True
        read = catalog.is_read(step)
        if action in ("run", "reset", "toggle_text", "focus") and read:
            return None
        return True  # check / hint / solution on a step without them: left out of the footer, and say why

    def footer_hides(self, action: str) -> bool:
        """Keys that do nothing on this step stay out of the footer (pressed anyway, they say why)."""
        step = self.step
        if step is None:
            return False
        return ((action == "check" and not catalog.is_exercise(step))
                or (action == "hint" and not getattr(step, "hints", None))
                or (action == "solution" and not getattr(step, "solution", None)))

    # ------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield FollowBanner()
        yield Static("", id="lesson-header")
        with Horizontal(id="main"):
            yield StepText(id="text-pane")
            with Vertical(id="work"):
                yield OptionsBar(id="options")
                yield CodeEditor(id="editor")
                yield ResultsPanel(id="results")
        yield StatusBar(id="status")
        yield LabFooter()

    @property
    def editor(self) -> CodeEditor:
        return self.query_one("#editor", CodeEditor)

    @property
    def results(self) -> ResultsPanel:
        return self.query_one("#results", ResultsPanel)

    @property
    def status(self) -> StatusBar:
        return self.query_one("#status", StatusBar)

    def on_mount(self) -> None:
        self.app.refresh_status(self.status)
        self._layout_for(self.app.size.width, self.app.size.height)
        self.load_step(self.step_index)

    def on_screen_resume(self) -> None:
        self.app.refresh_status(self.status)

    def on_resize(self, event) -> None:
        self._layout_for(event.size.width, event.size.height)
        self._show_header()

    def _show_header(self) -> None:
        if self._header:
            self.query_one("#lesson-header", Static).update(header_line(*self._header, self.size.width - 2))

    def _layout_for(self, width: int, height: int | None = None) -> None:
        if height is not None:
            self.set_class(height < SHORT_BELOW, "-short")
        self.set_class(width < NARROW_BELOW, "-narrow")
        self.set_class(width >= WIDE_FROM, "-wide")

    # ------------------------------------------------------------ steps
    def load_step(self, index: int, lesson=None) -> None:
        """Show step `index` (of `lesson`, default the current one): draft or starter code, toggles, run."""
        self.save_draft()
        if lesson is not None:
            self.lesson = lesson
        steps = self.lesson.steps
        index = max(0, min(index, len(steps) - 1))
        self.step_index, self.step = index, steps[index]
        step, app = self.step, self.app
        app.progress.set_position(self.lesson.id, index)
        app.progress.mark_visited(self.lesson.id, step.id)
        self.hints_shown = 0
        self.passed = False  # this exercise's checks passed since the step was opened
        self.job_id = None
        self._cancel_timers()
        self.workers.cancel_group(self, "run")
        read = catalog.is_read(step)
        self.set_class(read, "-read")
        kind = "read" if read else ("exercise" if catalog.is_exercise(step) else "try it")
        self._header = (self.lesson.title, index + 1, len(steps), step.title, kind)
        self._show_header()
        done_when = ("done when its checks pass (F8)" if catalog.is_exercise(step)
                     else "done when you go on (ctrl+n)")  # progress records it then, not before
        self.query_one(StepText).show_step(line((f"{index + 1}. {step.title}", "b"), "  ", (done_when, "dim")),
                                           step.text)
        self.query_one(StepText).show_locks({} if read else catalog.locks(step))
        self.set_class(read or self.text_choice is not False, "-show-text")
        self.remove_class("-zoom")
        self.results.clear()
        self.results.remove_class("-edited")
        self.status.job_note = ""
        if not read:
            draft = app.drafts.load(self.lesson.id, step.id)
            source = draft if draft is not None else step.code
            with self.editor.prevent(TextArea.Changed):
                self.editor.load_text(source)
            self.editor.mark_error_line(None)
            self._dirty = False
            self.status.draft_note = "draft restored" if draft is not None and draft != step.code else ""
            if (self.lesson.id, step.id) in app.drafts.unsaved:  # a save that failed earlier: still unsaved
                self._dirty = True
                self.status.draft_note = unsaved_note(app.drafts)
            opts = self._read_options(source)
            allowed = catalog.allowed_targets(step)
            default = "cpu" if "cpu" in allowed else allowed[0]
            self.target = target_of(opts, default)
            bar = self.query_one(OptionsBar)
            decorator = opts.decorator if opts else decorator_for_kind(step.kind)
            bar.configure(decorator, catalog.locks(step), allowed)
            bar.show(opts, self.target, force=True)
            self._fastmath_flags = opts.fastmath_flags if opts else None
            self.run_now()
            if self.size.width >= NARROW_BELOW or not self.has_class("-show-text"):
                self.editor.focus()
            else:
                self.query_one(StepText).focus()
        else:
            self.query_one(StepText).focus()
        app.publish_position(self.lesson, index)
        self.refresh_bindings()

    def action_next_step(self) -> None:
        step = self.step
        if step is not None and not catalog.is_exercise(step):
            self.app.progress.mark_done(self.lesson.id, step.id)  # read / try-it steps: visited-and-next
        if self.step_index + 1 < len(self.lesson.steps):
            self.load_step(self.step_index + 1)
            return
        nxt = self.app.neighbour_lesson(self.lesson, +1)
        if nxt is None:
            self.notify("That was the last step of the last lesson. Well done!", title="The end")
        else:
            self.notify(f"Next lesson: {nxt.title}")
            self.load_step(0, lesson=nxt)

    def action_prev_step(self) -> None:
        if self.step_index > 0:
            self.load_step(self.step_index - 1)
            return
        prev = self.app.neighbour_lesson(self.lesson, -1)
        if prev is None:
            self.notify("This is the first step.")
        else:
            self.load_step(len(prev.steps) - 1, lesson=prev)

    def action_to_list(self) -> None:
        self.save_draft()
        self.workers.cancel_group(self, "run")
        self.app.pop_screen()

    def action_toggle_text(self) -> None:
        self.toggle_class("-show-text")
        if not self.has_class("-read"):
            self.text_choice = self.has_class("-show-text")
        if self.size.width < NARROW_BELOW:
            if self.has_class("-show-text") or self.has_class("-read"):
                self.query_one(StepText).focus()
            else:
                self.editor.focus()

    def action_focus(self, what: str) -> None:
        if self.has_class("-read"):
            return
        if self.size.width < NARROW_BELOW:
            self.remove_class("-show-text")
        if what != "results":
            self.remove_class("-zoom")
        target = {"editor": "#editor", "options": "#options Checkbox", "results": "#results"}[what]
        widget = self.query(target).first()
        if what == "options":
            widget = next((w for w in self.query("#options Checkbox, #options Input") if not w.disabled), widget)
        widget.focus()

    # ------------------------------------------------------------ editor -> toggles, drafts, live run
    @on(TextArea.Changed, "#editor")
    def _edited(self, event: TextArea.Changed) -> None:
        self.after_change()
        opts = self._read_options(self.editor.text)
        self.target = target_of(opts, self.target)
        self.query_one(OptionsBar).show(opts, self.target)

    def after_change(self) -> None:
        """Any change to the code: save the draft soon, re-run soon, mark the results as old."""
        self._dirty = True
        self.status.draft_note = "editing…"
        self.editor.mark_error_line(None)  # the lines may have moved
        if not self.results.has_class("-edited"):
            self.results.set_class(True, "-edited")
            self.results.mark_stale()  # old results are not about this code any more
        self._draft_timer = self._restart(self._draft_timer, DRAFT_DEBOUNCE_S, self.save_draft)
        self._run_timer = self._restart(self._run_timer, RUN_DEBOUNCE_S, self.run_now)

    def _restart(self, timer: Timer | None, delay: float, callback) -> Timer:
        if timer is not None:
            timer.stop()
        return self.set_timer(delay, callback)

    def _cancel_timers(self) -> None:
        self._cancel_run_timer()
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None

    def _read_options(self, source: str) -> Options | None:
        if self.step is None or not getattr(self.step, "entry", None):
            return None
        try:
            return options_from_source(source, self.step.entry)
        except (OptionsError, SyntaxError, ValueError):
            return None

    def save_draft(self) -> None:
        """Write the draft; when that fails the text stays in the editor and in app.drafts.unsaved, the
        status line says where saving failed, and the next change (or the app's retry timer) tries again."""
        if self.step is None or catalog.is_read(self.step) or not self._dirty:
            return
        drafts = self.app.drafts
        if drafts.save(self.lesson.id, self.step.id, self.editor.text):
            self._dirty = False
            self.status.draft_note = "saved"
        else:
            self.status.draft_note = unsaved_note(drafts)

    # ------------------------------------------------------------ toggles -> editor
    @on(OptionsBar.Toggled)
    def _toggled(self, event: OptionsBar.Toggled) -> None:
        opts = self._read_options(self.editor.text)
        if opts is None:
            self.notify("No Numba decorator found above the function (or it cannot be read); "
                        "fix the decorator line first.", severity="warning")
            self.query_one(OptionsBar).show(None, self.target)
            return
        new = opts.with_toggle(event.name, event.value)
        if event.name == "fastmath":  # the custom flag set is kept: off, then on again, gives it back
            if opts.fastmath_flags is not None:
                self._fastmath_flags = opts.fastmath_flags
            elif event.value and self._fastmath_flags:
                new = opts.with_fastmath_flags(self._fastmath_flags)
        if event.name == "forceobj" and event.value:
            new = new.with_toggle("nopython", None)
        if event.name == "nopython" and event.value:
            new = new.with_toggle("forceobj", False)
        if event.name == "parallel" and new.decorator in ("vectorize", "guvectorize"):
            new = new.with_toggle("parallel", False).with_toggle("target", "parallel" if event.value else None)
        self._write_options(new)

    @on(OptionsBar.TargetPicked)
    def _target_picked(self, event: OptionsBar.TargetPicked) -> None:
        self.target = event.target
        opts = self._read_options(self.editor.text)
        if opts is not None:
            self._write_options(options_for_target(opts, event.target))
        else:
            self.after_change()

    def _write_options(self, new: Options) -> None:
        old_text = self.editor.text
        try:
            text = apply_options(old_text, self.step.entry, new)
        except OptionsError as exc:
            self.notify(str(exc), severity="warning")
            return
        if text != old_text:
            self._replace_changed_lines(old_text, text)
        self.target = target_of(new, self.target)
        self.query_one(OptionsBar).show(new, self.target)
        self.after_change()

    def _replace_changed_lines(self, old: str, new: str) -> None:
        """Replace only the lines that differ (keeps undo history and the cursor elsewhere)."""
        a, b = old.split("\n"), new.split("\n")
        start = 0
        while start < min(len(a), len(b)) and a[start] == b[start]:
            start += 1
        end_a, end_b = len(a), len(b)
        while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
            end_a, end_b = end_a - 1, end_b - 1
        replacement = "\n".join(b[start:end_b])
        last = end_a - 1
        with self.editor.prevent(TextArea.Changed):
            if last >= start:
                self.editor.replace(replacement, (start, 0), (last, len(a[last])), maintain_selection_offset=True)
            else:
                self.editor.insert(replacement + "\n", (start, 0), maintain_selection_offset=True)

    # ------------------------------------------------------------ running
    def run_now(self, checks: bool = False, again: bool = False) -> None:
        """`again`: F5 on a result answered from the session cache runs the same job afresh."""
        self._cancel_run_timer()
        if self.step is None or catalog.is_read(self.step):
            return
        if self.app.runner is None:
            self.status.job_note = "waiting for the engine…" if self.app.settings.engine else "engine off"
            return
        try:
            job = catalog.build_job(self.lesson, self.step, self.editor.text, target=self.target, checks=checks,
                                       timeout_s=self.app.settings.timeout_s)
        except Exception as exc:  # a step the job builder rejects: say so, keep the app alive
            self.status.job_note = "cannot run"
            self.notify(f"cannot build a job for this step: {to_str(exc)}", severity="error", timeout=10)
            return
        self.job_id = job.id
        self.results.remove_class("-edited")
        self.results.begin(job.id, job.kind, job.target)
        self.status.job_note = "checking…" if checks else "running…"
        if checks:
            self._check_results = []
            self.query_one(StepText).show_checks([], line(("Checking…", "b")))
        fresh = again and getattr(self, "_cached_shown", None) == (job.source, job.target, checks)
        self._run_job(job, checks, use_cache=not fresh)

    def _cancel_run_timer(self) -> None:
        if self._run_timer is not None:
            self._run_timer.stop()
            self._run_timer = None

    @work(exclusive=True, group="run", exit_on_error=False)
    async def _run_job(self, job, checks: bool, use_cache: bool = True) -> None:
        done = None
        errors: list[dict] = []
        self._expected_error = None  # an error the step expects (the status says so, not a bare "ok")
        facts: dict[str, str] = {}  # machine facts for the text's {{placeholders}}
        self._cached_shown = None
        async for event in self.app.runner.run(job, use_cache=use_cache):
            if event.get("job") != self.job_id:
                continue  # an older job's event: never shown as current
            self.results.apply(event)
            facts.update(facts_from_event(event))
            kind = event.get("type")
            if kind == "check":
                self._check_results.append(event)
            elif kind == "error" and event.get("expected"):
                self._expected_error = self._expected_error or str(event.get("etype") or "error")
            elif kind == "error":
                errors.append(event)
                if len(errors) == 1:
                    self.editor.mark_error_line(event.get("line"))
            elif kind == "compiled" and event.get("cached"):
                self.status.job_note = "cached (from an earlier run; F5 runs it again)"
                self._cached_shown = (job.source, job.target, checks)
            elif kind == "compiled":
                self.status.job_note = f"compiled in {event.get('compile_ms') or 0:.0f} ms"
            elif kind == "done":
                done = event
        if done is None or done.get("job") != self.job_id:
            return
        if not errors:
            self.editor.mark_error_line(None)
        if done.get("cause") != "superseded":
            self.query_one(StepText).show_facts(facts)
        self._finish(job, done, errors, checks)

    def _finish(self, job, done: dict, errors: list[dict], checks: bool) -> None:
        if done.get("cause") == "superseded":
            return
        elapsed = done.get("elapsed_ms")
        took = f" in {fmt_ms(elapsed)}" if elapsed else ""  # "in 42 ms", "in 1.07 s" (was "in 0.0 s")
        if errors:
            first = errors[0]
            where = f" (line {first['line']})" if first.get("line") else ""
            self.status.job_note = f"✗ {first.get('etype', 'error')}{where}{took}"
        elif self._expected_error and done.get("ok"):
            self.status.job_note = f"✓ expected {self._expected_error}{took}"
        else:
            self.status.job_note = f"✓ ok{took}"
        if not checks:
            return self.app.report_run(self.lesson, self.step, errors, None)
        results = self._check_results
        failed_checks = sum(1 for r in results if not r.get("passed"))
        # passed: every check ran and passed, no unexpected error, not cut short. The engine's `ok` is
        # not required: on a step whose starter expects an error, a solution without it is "not ok"
        # there, and the exercise could never pass (what `numba-lab check` accepts, the lab accepts)
        passed = bool(results) and not failed_checks and not errors and not done.get("cause")
        if failed_checks and not errors:
            self.status.job_note = f"✗ {checks_words(failed_checks, len(results))}{took}"
        elif passed:
            self.status.job_note = f"✓ {checks_words(0, len(results))}{took}"
        elif not results and not errors:
            # F8 with no check run (e.g. the starter stops at an error the step expects): not a ✓
            what = f"{self._expected_error} before the checks" if self._expected_error else "the checks did not run"
            self.status.job_note = f"✗ {what}{took}"
        state = self.app.progress.record_attempt(self.lesson.id, self.step.id, passed)
        self.app.report_run(self.lesson, self.step, errors, passed)
        self.passed = self.passed or passed
        if passed and self.hints_shown:
            self.query_one(StepText).show_hints(list(self.step.hints or []), self.hints_shown, passed=True)
        if passed:
            summary = line((f"{checks_words(0, len(results)).capitalize()} — step done!", "green b"),
                           " ctrl+n for the next step.")
            self.notify("Exercise passed!", title="✓ Well done")
        else:
            why = checks_words(failed_checks, len(results)) if results else "the code did not run to the checks"
            if errors and not results:
                etype, summary = str(errors[0].get("etype") or "error"), str(errors[0].get("summary") or "")
                first = summary.strip().splitlines()[0] if summary.strip() else ""
                why += ": " + (first if first.startswith(etype) else f"{etype}: {first}").rstrip(": ")
            summary = line(("Not yet", "red b"), f" — {why} (attempt {state.attempts}). ctrl+g for a hint.")
        self.query_one(StepText).show_checks(results, summary)

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "run" and event.state == WorkerState.ERROR:
            # the reporting end of an error: plain text, and it never raises itself
            try:
                self.status.job_note = "run failed"
            finally:
                notify_plain(self.app, f"The run failed inside the lab: {describe(event.worker.error)}",
                             severity="error", timeout=10)

    def engine_ready(self) -> None:
        """The app's engine has just started: run the step that is on screen if nothing ran yet."""
        if self.step is not None and not catalog.is_read(self.step) and self.job_id is None:
            self.run_now()

    @on(TextArea.SelectionChanged, "#editor")
    def _editor_line(self, event: TextArea.SelectionChanged) -> None:
        """The editor's cursor moved: tint the IR/asm lines that came from its line."""
        self.editor.mark_linked_line(None)
        self.results.highlight_source_line(event.selection.end[0] + 1)

    @on(IRPane.SourceLineSelected)
    def _ir_line(self, event: IRPane.SourceLineSelected) -> None:
        """The IR/asm line cursor moved: tint its source line in the editor (the cursor stays)."""
        event.stop()
        self.editor.mark_linked_line(event.line)

    @on(ResultsPanel.Zoom)
    def _zoom(self, event: ResultsPanel.Zoom) -> None:
        """z in the results: they take the height (the editor and options step aside), z again gives it back."""
        event.stop()
        self.toggle_class("-zoom")
        if self.has_class("-zoom") and self.size.width < NARROW_BELOW:
            self.remove_class("-show-text")

    @on(ResultsPanel.JumpToLine)
    def _jump_to_line(self, event: ResultsPanel.JumpToLine) -> None:
        """Go to the error's line in the editor (the whole line selected so it stands out)."""
        event.stop()
        if self.step is None or catalog.is_read(self.step):
            return
        if self.size.width < NARROW_BELOW:
            self.remove_class("-show-text")
        self.remove_class("-zoom")
        lines = self.editor.document.line_count
        row = max(0, min(int(event.line) - 1, lines - 1))
        self.editor.focus()
        self.editor.cursor_location = (row, max(0, int(event.col or 1) - 1))
        self.editor.select_line(row)
        self.editor.scroll_cursor_visible(center=True)

    def action_run(self) -> None:
        if self.step is not None and catalog.is_read(self.step):
            self.notify("This step is for reading; ctrl+n goes on.")
            return
        self.save_draft()
        self.run_now(again=True)

    def action_check(self) -> None:
        if self.step is None or not catalog.is_exercise(self.step):
            self.notify("This step has no checks (it is not an exercise): F5 runs it, ctrl+n goes on.")
            return
        self.save_draft()
        self.run_now(checks=True)

    # ------------------------------------------------------------ hints, solution, reset
    def action_hint(self) -> None:
        hints = list(getattr(self.step, "hints", None) or [])
        if not hints:
            self.notify("No hints for this step: only exercises have hints.")
            return
        if self.hints_shown >= len(hints):
            self.notify("That was the last hint; F9 shows the solution.")
        self.hints_shown = min(len(hints), self.hints_shown + 1)
        self.set_class(True, "-show-text")
        self.query_one(StepText).show_hints(hints, self.hints_shown, passed=self.passed)

    def action_solution(self) -> None:
        solution = getattr(self.step, "solution", None)
        if not solution:
            self.notify("This step has no solution to show: only exercises have one.")
            return

        def done(apply: bool | None) -> None:
            if apply:
                self.set_code(solution)
                self.notify("Solution applied (ctrl+z undoes it).")

        self.app.push_screen(SolutionScreenLazy(solution), done)

    def action_reset(self) -> None:
        if self.step is None or catalog.is_read(self.step):
            return

        def done(yes: bool | None) -> None:
            if yes:
                self.set_code(self.step.code)
                self.app.drafts.discard(self.lesson.id, self.step.id)
                self._dirty = False
                self.status.draft_note = "reset to starter"
                self.notify("Step reset to the starter code.")

        self.app.push_screen(ConfirmLazy("Reset this step to the starter code?\nYour edits to it will be lost.",
                                         yes="Reset"), done)

    def set_code(self, text: str) -> None:
        """Replace the whole editor text as one undoable edit, then sync and re-run."""
        doc_end = self.editor.document.end
        self.editor.replace(text, (0, 0), doc_end)  # posts Changed -> _edited -> after_change
        opts = self._read_options(text)
        self.target = target_of(opts, self.target)
        self.query_one(OptionsBar).show(opts, self.target, force=True)  # the signature box too, even if focused


def header_line(lesson: str, number: int, total: int, step: str, kind: str, width: int) -> Content:
    """'Lesson  ·  step 2/5: Step title  (kind)' in `width` cells: the lesson title gives way first
    (cut with …, then left out), then the step title, so the step number and kind always show."""
    where, tail = f"step {number}/{total}: ", f"  ({kind})"
    room = width - len(where) - len(step) - len(tail)
    if room >= len(lesson) + 5:
        head = lesson
    elif room >= 12:
        head = lesson[: room - 6].rstrip() + "…"
    else:
        head = ""
        if len(where) + len(step) + len(tail) > width:
            step = step[: max(8, width - len(where) - len(tail)) - 1].rstrip() + "…"
    lead = ((head, "b"), "  ·  ") if head else ()
    return line(*lead, where, step, "  ", (f"({kind})", "dim"))


def unsaved_note(drafts) -> str:
    """The status line while a draft is not on disk: where saving failed, and that the code is safe."""
    exc, failed = drafts.last_error, drafts.last_failed
    why = paths.why(exc) if exc is not None else "not written yet"
    where = f" · {failed.parent}" if failed is not None else ""  # last: a narrow line cuts the folder first
    return f"⚠ NOT SAVED ({why}) — your code is still in the editor; retrying{where}"


def SolutionScreenLazy(solution: str):
    from lab.ui.screens.dialogs import SolutionScreen

    return SolutionScreen(solution)


def ConfirmLazy(question: str, yes: str = "Yes"):
    from lab.ui.screens.dialogs import ConfirmScreen

    return ConfirmScreen(question, yes=yes)
