"""LabApp: the Textual app a learner lives in, and `make_app()`, shared by the CLI and the tests.

Start-up is kept cheap: no numba import ever (UI rule), lessons are read from YAML, and the engine
(lab.engine.runner.Runner, which spawns the warm worker) starts only after the first frame is drawn.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from lab import notices, paths
from lab.progress import Drafts, Progress
from lab.ui import catalog as catalog_mod
from lab.ui.class_hook import ClassHook
from lab.ui.commands import LabCommands
from lab.ui.follow_hook import FollowHook
from lab.ui.plain import describe, notify_plain
from lab.ui.themes import LIGHT, register_themes

HERE = Path(__file__).parent


@dataclass
class Settings:
    """What the app needs to know; built from the CLI arguments or directly by tests."""

    lesson_dirs: list[Path] = field(default_factory=list)
    theme: str = "dark"                 # "dark" | "light"
    cuda: str = "auto"                  # "auto" | "sim" | "off"
    engine: bool = True                 # False: no worker at all (snapshots, layout tests)
    spare: bool = True                  # keep a warm spare worker (instant recovery after a kill)
    present: str | None = None          # presenter file (publish our position), "" = default path
    follow: str | None = None           # presenter file to follow, "" = default path
    class_dir: str | None = None        # --class DIR: write our status there (with --present: count learners)
    status_info: dict | None = None     # fixed status-bar info (deterministic snapshots)
    open_lesson: str | None = None      # open this lesson at start (tests)
    timeout_s: float | None = None      # per-run wall-clock limit (--timeout); None: the step's, else 10 s


class LabApp(App):
    TITLE = "numba-lab"
    SAVE_RETRY_S = 10.0  # while a draft or the progress is only in memory (disk full), retry this often
    CSS_PATH = [HERE / "app.tcss", HERE / "results.tcss"]
    COMMANDS = App.COMMANDS | {LabCommands}
    COMMAND_PALETTE_BINDING = "ctrl+o"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+q", "quit", "Quit"),
        Binding("ctrl+j", "jump_to_instructor", "To instructor"),
    ]

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.catalog = catalog_mod.Catalog()
        self.progress = Progress.load()
        self.drafts = Drafts()
        self.runner = None
        self.engine_state = "warming" if self.settings.engine else "off"
        self.engine_info: dict = dict(self.settings.status_info or {})
        self.follow = FollowHook(self.settings.present, self.settings.follow)
        self.follow_text = ""
        self.class_hook = ClassHook(self.settings.class_dir, presenting=self.settings.present is not None)
        self._quit_warned = False
        register_themes(self)
        self.theme = LIGHT if self.settings.theme == "light" else "textual-dark"

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "jump_to_instructor":
            return self.follow.following  # only offered (and shown in the footer) with --follow
        return True

    def notify(self, message, *, title="", severity="information", timeout=None, markup=False) -> None:
        """Every toast in the lab is plain text, whatever the caller asks (widgets pass markup=True by
        default, and toasts carry exception text, lesson titles, file names); notifying never raises."""
        notify_plain(super(), message, title=title, severity=severity, timeout=timeout)

    def action_help_quit(self) -> None:
        """ctrl+c (a reflex for quitting) says which key quits: Textual's own words, minus their markup."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(f"Press {key} to quit the app", title="Do you want to quit?")
                return

    # ------------------------------------------------------------ start / stop
    def on_mount(self) -> None:
        from lab.ui.screens.lesson_list import LessonListScreen

        self.catalog = catalog_mod.CatalogLoader(self, self.settings.lesson_dirs).start()  # big packs: a thread
        self.push_screen(LessonListScreen())
        notices.listen(self.show_notice)  # what the state layer has to tell (files set aside, saving failed)
        self.set_interval(self.SAVE_RETRY_S, self._retry_saving)
        if self.settings.open_lesson and not self.catalog.loading:
            self.open_lesson(self.settings.open_lesson)
        if self.settings.engine:
            self.call_after_refresh(self._start_engine)
        if self.follow.error:
            self.notify(self.follow.error, title="--follow", severity="warning", timeout=15, markup=False)
        if self.follow.following:
            self.follow_text = self.follow.watcher.banner_text()
            self.set_interval(1.0, self._poll_follow)
            self._poll_follow()
        if self.class_hook.error:
            self.notify(self.class_hook.error, title="--class", severity="warning", timeout=15, markup=False)
        if self.class_hook.roster is not None:
            self.set_interval(1.0, self._poll_class)
            self._poll_class()

    async def _start_engine(self) -> None:
        """Spawn the warm worker in the background (after the first frame, so start-up stays fast)."""
        from lab.engine.runner import Runner

        try:
            runner = Runner(cuda=self.settings.cuda, spare=self.settings.spare)
        except Exception as exc:  # a broken install must not stop the learner reading lessons
            self._engine_changed("off")
            self.notify(f"the engine could not start: {describe(exc)}", severity="error", timeout=15)
            return
        if not self.settings.status_info:
            self.engine_info = runner.info
        runner.on_state = self._engine_changed
        self.runner = runner
        await runner.start()
        self._engine_changed(runner.state)
        screen = self.screen
        if hasattr(screen, "engine_ready"):
            screen.engine_ready()

    def _engine_changed(self, state: str) -> None:
        self.engine_state = state
        for screen in self.screen_stack:
            for bar in screen.query("StatusBar"):
                self.refresh_status(bar)

    def refresh_status(self, bar) -> None:
        bar.info = dict(self.engine_info)
        bar.engine_state = self.engine_state

    def show_notice(self, text: str) -> None:
        """A notice about the learner's saved work (lab.notices): a plain-text toast that stays a while."""
        self.notify(text, title="Your work", severity="warning", timeout=20, markup=False)

    def _retry_saving(self) -> None:
        """Disk full or read-only a while ago: try again without waiting for the learner's next key."""
        if self.drafts.unsaved:
            self._save_drafts()  # the screen's own save: its status line says "saved" when it works
            self.drafts.retry()
            self._quit_warned = bool(self.drafts.unsaved) and self._quit_warned
        if self.progress.save_error is not None:
            self.progress.save()

    def _save_drafts(self) -> None:
        for screen in self.screen_stack:
            if hasattr(screen, "save_draft"):
                screen.save_draft()

    async def action_quit(self) -> None:
        self._save_drafts()
        unsaved = self.drafts.unsaved
        if unsaved and not self._quit_warned:  # the only copy of that code is in this lab's memory
            self._quit_warned = True
            steps = ", ".join(f"{lesson}/{step}" for lesson, step in list(unsaved)[:3])
            exc = self.drafts.last_error
            why = f" ({paths.why(exc)})" if exc is not None else ""
            self.notify(f"Your code for {steps} could not be saved{why} and exists only in this lab. It is saved "
                        "by itself as soon as the folder can be written; or press ctrl+q again to quit without it.",
                        title="Not saved", severity="error", timeout=30, markup=False)
            return
        self.exit()

    async def on_unmount(self) -> None:
        notices.listen(None)
        self.follow.close()
        self._save_drafts()
        if self.runner is not None:
            runner, self.runner = self.runner, None
            try:
                await asyncio.wait_for(runner.close(), 5.0)
            except Exception:
                pass

    # ------------------------------------------------------------ navigation
    def open_lesson(self, lesson_id: str, step_index: int | None = None) -> None:
        from lab.ui.screens.lesson import LessonScreen

        lesson = self.catalog.find(lesson_id)
        if lesson is None or not lesson.steps:
            self.notify(f"no lesson {lesson_id!r}", severity="warning")
            return
        index = self.progress.current_step(lesson_id) if step_index is None else step_index
        index = max(0, min(index, len(lesson.steps) - 1))
        if isinstance(self.screen, LessonScreen):
            self.screen.load_step(index, lesson=lesson)
        else:
            self.push_screen(LessonScreen(lesson, index))

    def neighbour_lesson(self, lesson, delta: int):
        i = self.catalog.index(lesson.id) + delta
        lessons = self.catalog.lessons
        return lessons[i] if 0 <= i < len(lessons) and lessons[i].steps else None

    def action_help(self) -> None:
        from lab.ui.screens.dialogs import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # ------------------------------------------------------------ presenter / follower
    def publish_position(self, lesson, step_index: int) -> None:
        error = self.follow.publish(lesson, step_index, self.catalog.index(lesson.id) + 1)
        if error:  # the presenter is told; followers would otherwise silently see nothing
            self.notify(error, title="--present: not published", severity="warning", timeout=10, markup=False)
        self._class_told(self.class_hook.moved(self, lesson, step_index))
        if self.class_hook.roster is not None:
            self._poll_class()

    def report_run(self, lesson, step, errors: list, passed: bool | None) -> None:
        """A run on the lesson screen ended (`passed`: None without checks): --class status file."""
        self._class_told(self.class_hook.ran(self, lesson, step, errors, passed))

    def _class_told(self, error: str | None) -> None:
        if error:
            self.notify(error, title="--class: status not written", severity="warning", timeout=10, markup=False)

    def _poll_class(self) -> None:
        """Presenter with --class: 'N of M learners on this step' in the banner."""
        self._show_banner(self.class_hook.presenter_text(self.follow.presenter.last if self.follow.presenter else None))

    def _poll_follow(self) -> None:
        self._show_banner(self.follow.poll())

    def _show_banner(self, text: str | None) -> None:
        """New banner text (None: nothing new) on every screen's FollowBanner."""
        if text is None or text == self.follow_text:
            return
        self.follow_text = text
        for screen in self.screen_stack:
            for banner in screen.query("FollowBanner"):
                banner.show_text(text)

    def action_jump_to_instructor(self) -> None:
        target = self.follow.last
        if target is None:
            self.notify("Not following anyone (start with --follow).")
            return
        lesson = self.catalog.find(target.lesson)
        if lesson is None:
            self.notify(f"The instructor's lesson {target.lesson!r} is not in your lesson folders.",
                        severity="warning", markup=False)  # the id comes from another user's file
            return
        self.open_lesson(lesson.id, max(0, int(target.step) - 1))


def settings_from_args(args) -> Settings:
    """CLI arguments (argparse.Namespace from lab.cli) -> Settings."""
    from lab.cli import lesson_dirs

    return Settings(
        lesson_dirs=lesson_dirs(args),
        theme=getattr(args, "theme", None) or "dark",
        cuda=getattr(args, "cuda", "auto") or "auto",
        present=getattr(args, "present", None),
        follow=getattr(args, "follow", None),
        class_dir=getattr(args, "class_dir", None) or os.environ.get("NUMBA_LAB_CLASS") or None,
        timeout_s=getattr(args, "timeout", None),
    )


def make_app(settings: Settings | None = None, **overrides) -> LabApp:
    """The app, from Settings (or keyword overrides of the defaults)."""
    if settings is None:
        settings = Settings(**overrides)
    elif overrides:
        settings = Settings(**{**settings.__dict__, **overrides})
    return LabApp(settings)
