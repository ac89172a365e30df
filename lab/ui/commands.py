"""Command palette (ctrl+o): jump to any lesson or step, toggle an option, run / check / hint."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from lab.ui.editor_pane.options_bar import BOOL_TOGGLES
from lab.ui.plain import line


EXACT_OPTION_BONUS = 1.0  # fuzzy scores are at most 1: an exact option name ranks its toggle first


class LabCommands(Provider):
    def _commands(self) -> list[tuple[str, object, str]]:
        app = self.app
        screen = self.screen
        out: list[tuple[str, object, str]] = []
        lesson_screen = hasattr(screen, "load_step") and getattr(screen, "lesson", None) is not None
        if lesson_screen:
            lesson = screen.lesson
            for i, step in enumerate(lesson.steps):
                out.append((f"Step {i + 1}: {step.title}", partial(screen.load_step, i), f"in {lesson.title}"))
            bar = next(iter(screen.query("OptionsBar")), None)
            if bar is not None and not screen.has_class("-read"):
                for name in BOOL_TOGGLES:
                    box = bar.query_one(f"#opt-{name}")
                    if not box.disabled:
                        out.append((f"Toggle {name}", partial(_flip, box), "rewrites the decorator line"))
                out += [("Run now", screen.action_run, "F5"), ("Check exercise", screen.action_check, "F8"),
                        ("Next hint", screen.action_hint, "ctrl+g"), ("Show solution", screen.action_solution, "F9"),
                        ("Reset step to starter", screen.action_reset, "F10")]
        for n, lesson in enumerate(app.catalog.lessons, 1):
            out.append((f"Lesson {n}: {lesson.title}", partial(app.open_lesson, lesson.id),
                        "open where you left off"))
        return out

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(line(name), callback, text=name, help=line(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        wanted = " ".join(query.lower().split()).removeprefix("toggle ").strip()
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                if wanted in BOOL_TOGGLES and name == f"Toggle {wanted}":
                    score += EXACT_OPTION_BONUS  # "fastmath" means the option before any step about it
                yield Hit(score, highlight(matcher, name), callback, text=name, help=line(help_text))


def highlight(matcher: Matcher, candidate: str) -> Content:
    """`matcher.highlight()` parses the candidate as markup, and names here hold lesson and step
    titles: the same highlighting on the plain text."""
    content = line(candidate)
    try:
        score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
        for offset in offsets if score else ():
            if not candidate[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    except Exception:
        pass
    return content


def _flip(box) -> None:
    box.value = not box.value  # posts Checkbox.Changed -> OptionsBar.Toggled -> decorator rewrite
