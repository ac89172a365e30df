"""Lessons and jobs for the UI, through the contract's seams (lab.lessons, lab.step_job).

The UI only reads step attributes named in docs/contracts.md (id, title, text, kind, code, entry,
lock, targets, checks, hints, solution).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from lab.engine.protocol import Job
from lab.ui.plain import describe


@dataclass
class Catalog:
    lessons: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "file:line:col: message", shown in the lesson list
    loading: bool = False  # lessons are still arriving from the loader thread
    files_done: int = 0
    files_total: int = 0

    def find(self, lesson_id: str):
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        return None

    def index(self, lesson_id: str) -> int:
        for i, lesson in enumerate(self.lessons):
            if lesson.id == lesson_id:
                return i
        return -1


SYNC_FILES = 32  # up to this many files load before the first frame (the built-ins: ~0.2 s); more load in a thread
BATCH_S = 0.2  # the loader thread hands lessons to the UI at most this often


class CatalogLoader:
    """Fills app.catalog. A few files load at once, before the first frame; more (a class pack of
    thousands) load in a Textual worker thread, and the lesson list shows each batch as it arrives,
    so the first frame and every key stay prompt. Screens with `lessons_arrived(batch)` /
    `lessons_loaded()` are told."""

    def __init__(self, app, dirs: list[Path]) -> None:
        self.app = app
        self.dirs = list(dirs)

    def start(self) -> Catalog:
        from lab.lessons import LessonLoader, scan_lesson_dirs

        try:
            files, folder_errors = scan_lesson_dirs(self.dirs)
        except Exception as exc:  # noqa: BLE001 - a loader bug: show it, keep the lab usable
            return Catalog([], [f"lesson loader failed: {describe(exc)}"])
        loader = LessonLoader()
        loader.result.errors += folder_errors
        if len(files) <= SYNC_FILES:
            try:
                for path in files:
                    loader.add(path)
            except Exception as exc:  # noqa: BLE001
                loader.result.errors.append(f"lesson loader failed: {describe(exc)}")
            result = loader.finish()
            return Catalog(list(result.lessons), [str(e) for e in result.errors])
        catalog = Catalog([], [str(e) for e in folder_errors], loading=True, files_total=len(files))
        # after the first frame is drawn: the thread competes for the GIL with start-up otherwise
        self.app.call_after_refresh(self.app.run_worker, lambda: self._work(loader, files), thread=True,
                                    exit_on_error=False, group="lessons", name="load lessons")
        return catalog

    # ---------------------------------------------------------------- loader thread
    def _work(self, loader, files: list[Path]) -> None:
        from textual.worker import get_current_worker

        worker = get_current_worker()
        batch: list = []
        sent_errors = len(loader.result.errors)
        last = time.monotonic()
        try:
            for done, path in enumerate(files, 1):
                if worker.is_cancelled:
                    return
                lesson = loader.add(path)
                time.sleep(0.002)  # between files the UI thread has the GIL to itself: keys stay prompt
                if lesson is not None:
                    batch.append(lesson)
                first = batch and len(loader.result.lessons) == 1  # the first lesson shows at once
                if first or time.monotonic() - last >= BATCH_S:
                    errors, sent_errors = loader.result.errors[sent_errors:], len(loader.result.errors)
                    if not self._post(self._arrived, batch, [str(e) for e in errors], done):
                        return
                    batch, last = [], time.monotonic()
            errors = [str(e) for e in loader.result.errors[sent_errors:]]
            self._post(self._arrived, batch, errors, len(files))
        except Exception as exc:  # noqa: BLE001 - show it; the lessons loaded so far stay usable
            self._post(self._arrived, [], [f"lesson loader failed: {describe(exc)}"], len(files))
        self._post(self._finished, loader.finish().lessons)

    def _post(self, callback, *args) -> bool:
        try:
            self.app.call_from_thread(callback, *args)
            return True
        except RuntimeError:  # the app is closing
            return False

    # ---------------------------------------------------------------- app thread
    def _screens(self, method: str):
        for screen in list(self.app.screen_stack):
            handler = getattr(screen, method, None)
            if handler is not None:
                yield handler

    def _arrived(self, batch: list, errors: list[str], done: int) -> None:
        catalog = self.app.catalog
        catalog.lessons.extend(batch)
        catalog.errors.extend(errors)
        catalog.files_done = done
        for handler in self._screens("lessons_arrived"):
            handler(batch)

    def _finished(self, lessons: list) -> None:
        catalog = self.app.catalog
        catalog.lessons = list(lessons)  # sorted by (order, id), like a small catalog
        catalog.loading = False
        for handler in self._screens("lessons_loaded"):
            handler()
        wanted = getattr(self.app.settings, "open_lesson", None)
        if wanted and catalog.find(wanted) is not None:
            self.app.open_lesson(wanted)


def is_exercise(step) -> bool:
    return bool(getattr(step, "checks", None))


def is_read(step) -> bool:
    return getattr(step, "kind", "read") == "read" or not getattr(step, "code", None)


def allowed_targets(step) -> list[str]:
    return list(getattr(step, "targets", None) or ["cpu"])


def locks(step) -> dict[str, str]:
    return dict(getattr(step, "lock", None) or {})


def build_job(lesson, step, source: str, *, target: str, checks: bool, timeout_s: float | None = None) -> Job:
    """The engine Job for this step and the learner's source (decorator line is the truth).
    `timeout_s` (the learner's --timeout) overrides the step's own limit and the 10 s default."""
    from lab.step_job import step_job

    return step_job(lesson, step, source, target=target, with_checks=checks, timeout_s=timeout_s)
