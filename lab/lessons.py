"""Lessons: load and validate lesson YAML files, with "file:line:col: message" errors.

    result = load_lessons([builtin_lessons_dir()])
    result.lessons   # [Lesson], sorted by (order, id); each keeps .path
    result.errors    # [LessonError]; str(e) == "file:line:col: message"

One bad file never stops the others, and loading never raises on bad input. The model is in
lab/lesson_model.py, YAML positions in lab/lesson_yaml.py, cross-field rules in lab/lesson_rules.py.
`numba-lab schema` prints the JSON Schema (for editors with yaml-language-server).
"""

from __future__ import annotations

import json
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from lab.lesson_model import (CHECK_MODELS, STEP_KINDS, TARGETS, VIEWS, ExpectError, Lesson, Step,  # noqa: F401
                              TimingSpec)
from lab.lesson_rules import rule_errors
from lab.paths import builtin_lessons_dir
from lab.lesson_yaml import LessonError, TooBig, locate, os_problem, plain, read_yaml, validation_errors

__all__ = ["Lesson", "Step", "TimingSpec", "ExpectError", "LessonError", "LessonFileError", "LoadResult",
           "load_lessons", "load_lesson_file", "lesson_files", "scan_lesson_dirs", "LessonLoader",
           "builtin_lessons_dir", "lesson_json_schema", "schema_main"]

SCHEMA_ID = "https://numba-lab.invalid/lesson.schema.json"


class LessonFileError(Exception):
    """A lesson file that cannot be used; `.errors` holds every problem found."""

    def __init__(self, errors: list[LessonError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class LoadResult:
    lessons: list[Lesson] = field(default_factory=list)
    errors: list[LessonError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def lesson(self, lesson_id: str) -> Lesson:
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        raise KeyError(lesson_id)


def scan_lesson_dirs(dirs: list[Path]) -> tuple[list[Path], list[LessonError]]:
    """(lesson files, folder errors). Each folder's *.yaml / *.yml entries, sorted by name; a path that
    is not a folder is kept as a file (its kind is checked when it is read, so a FIFO or a loop among
    them is reported, never opened for reading). A folder that cannot be listed (permission denied, a
    symlink loop, missing) becomes one error and the other folders still load."""
    files: list[Path] = []
    errors: list[LessonError] = []
    for d in dirs:
        d = Path(d)
        try:
            st = os.stat(d)
        except OSError as exc:
            errors.append(LessonError(d, 1, 1, os_problem(d, exc, "folder")))
            continue
        if not stat.S_ISDIR(st.st_mode):
            files.append(d)
            continue
        try:
            with os.scandir(d) as entries:
                names = [e.name for e in entries if e.name.endswith((".yaml", ".yml")) and not e.name.startswith(".")]
        except OSError as exc:
            errors.append(LessonError(d, 1, 1, os_problem(d, exc, "lesson folder") + "; its lessons are left out"))
            continue
        files += [d / name for name in sorted(names)]
    return files, errors


def lesson_files(dirs: list[Path]) -> list[Path]:
    """*.yaml / *.yml files of each folder (sorted by name); a file given directly is kept."""
    return scan_lesson_dirs(dirs)[0]


def _load(path: Path) -> tuple[Lesson | None, list[LessonError], object]:
    path = Path(path)
    try:
        data, text, errors = read_yaml(path)
        if errors:
            return None, errors, None
        try:
            lesson = Lesson.model_validate(plain(data))
        except ValidationError as exc:
            return None, sorted(validation_errors(path, data, exc), key=lambda e: (e.line, e.col)), data
        errors = rule_errors(path, lesson, data, text)
        if errors:
            return None, sorted(errors, key=lambda e: (e.line, e.col)), data
        lesson._path = path
        for i, step in enumerate(lesson.steps):
            step._line = locate(data, ("steps", i))[0]
            for fld in ("code", "solution", "setup"):
                node = data["steps"][i].get(fld)
                if isinstance(node, str):
                    step._code_lines[fld] = (locate(data, ("steps", i, fld))[0],
                                             isinstance(node, (LiteralScalarString, FoldedScalarString)))
            for j, wrong in enumerate(data["steps"][i].get("wrong_fixes") or []):
                node = wrong.get("code") if isinstance(wrong, dict) else None
                if isinstance(node, str):
                    step._code_lines[f"wrong_fixes[{j}]"] = (
                        locate(data, ("steps", i, "wrong_fixes", j, "code"))[0],
                        isinstance(node, (LiteralScalarString, FoldedScalarString)))
        return lesson, [], data
    except RecursionError:
        return None, [LessonError(path, 1, 1, "the YAML nests too deeply (expected a lesson mapping)")], None
    except TooBig as exc:
        return None, [LessonError(path, 1, 1, f"{exc} (expected a lesson of ordinary size)")], None
    except Exception as exc:  # noqa: BLE001 - a loader bug must not hide the other files
        return None, [LessonError(path, 1, 1, f"internal error while loading ({type(exc).__name__}: {exc}); "
                                             "please report it")], None


def load_lesson_file(path: Path) -> Lesson:
    """One lesson, or LessonFileError listing every problem."""
    lesson, errors, _ = _load(Path(path))
    if errors or lesson is None:
        raise LessonFileError(errors)
    return lesson


class LessonLoader:
    """Loads lesson files one at a time (so the UI can show lessons as they arrive): bad files become
    errors, and a lesson id used twice is an error naming both files (the first one loaded wins)."""

    def __init__(self) -> None:
        self.result = LoadResult()
        self._by_id: dict[str, Lesson] = {}
        self._seen: set[str] = set()

    def add(self, path: Path) -> Lesson | None:
        """Load one file; the lesson if it loaded (and was new), else None (errors are in .result)."""
        key = os.path.realpath(path)
        if key in self._seen:
            return None
        self._seen.add(key)
        lesson, errors, data = _load(path)
        self.result.errors += errors
        if lesson is None:
            return None
        other = self._by_id.get(lesson.id)
        if other is not None:
            line, col = locate(data, ("id",))
            self.result.errors.append(LessonError(path, line, col, f"lesson id {lesson.id!r} is already used by "
                                                                   f"{other.path} (expected ids unique across files)"))
            return None
        self._by_id[lesson.id] = lesson
        self.result.lessons.append(lesson)
        return lesson

    def finish(self) -> LoadResult:
        self.result.lessons.sort(key=lambda l: (l.order, l.id))
        return self.result


def load_lessons(dirs: list[Path]) -> LoadResult:
    """Every lesson in `dirs` (folders of *.yaml, or files). Bad files and folders become errors;
    a lesson id used twice is an error naming both files (the first one loaded wins)."""
    files, folder_errors = scan_lesson_dirs(dirs)
    loader = LessonLoader()
    loader.result.errors += folder_errors
    for path in files:
        loader.add(path)
    return loader.finish()


def lesson_json_schema() -> dict:
    schema = Lesson.model_json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
              "title": "numba-lab lesson", **{k: v for k, v in schema.items() if k != "title"}}
    return schema


def schema_main(args) -> int:
    """`numba-lab schema [-o FILE]`: the lesson JSON Schema."""
    text = json.dumps(lesson_json_schema(), indent=2) + "\n"
    out = getattr(args, "output", None)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
