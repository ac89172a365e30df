"""Every shipped lesson loads and validates, and the built-in folder is found."""

from __future__ import annotations

import ast

from lab.cli import build_parser, lesson_dirs
from lab.lessons import builtin_lessons_dir, lesson_files, load_lessons
from lab.options import options_from_source


def test_builtin_dir_is_the_source_checkout_lessons():
    d = builtin_lessons_dir()
    assert d.is_dir() and d.name in ("lessons", "builtin_lessons")
    assert lesson_files([d])


def test_cli_lesson_dirs_start_with_the_builtin_folder():
    args = build_parser().parse_args([])
    assert lesson_dirs(args)[0] == builtin_lessons_dir()
    args = build_parser().parse_args(["--no-builtin"])
    assert builtin_lessons_dir() not in lesson_dirs(args)


def test_every_shipped_lesson_loads_without_errors():
    files = lesson_files([builtin_lessons_dir()])
    result = load_lessons([builtin_lessons_dir()])
    assert result.errors == [], "\n".join(map(str, result.errors))
    assert len(result.lessons) == len(files) >= 6
    assert len({lesson.id for lesson in result.lessons}) == len(result.lessons)
    orders = [(lesson.order, lesson.id) for lesson in result.lessons]
    assert orders == sorted(orders)


def test_shipped_steps_are_coherent():
    for lesson in load_lessons([builtin_lessons_dir()]).lessons:
        assert lesson.path is not None and lesson.path.exists()
        for step in lesson.steps:
            assert step.line > 0
            if not step.runnable:
                continue
            tree = ast.parse(step.code)
            assert any(isinstance(n, ast.FunctionDef) and n.name == step.entry for n in ast.walk(tree))
            if step.kind in ("jit", "vectorize", "cuda"):
                options_from_source(step.code, step.entry)  # must not raise
            if step.is_exercise:
                assert step.solution and step.entry in step.solution


def test_installed_layout_uses_lab_builtin_lessons(tmp_path):
    """A wheel force-includes lessons/ as lab/builtin_lessons (pyproject); the loader must find it there."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    import lab

    pkg = tmp_path / "site" / "lab"
    shutil.copytree(Path(lab.__file__).parent, pkg, ignore=shutil.ignore_patterns("__pycache__", "ui"))
    shutil.copytree(builtin_lessons_dir(), pkg / "builtin_lessons")
    code = ("from lab.lessons import builtin_lessons_dir, load_lessons; d = builtin_lessons_dir(); "
            "r = load_lessons([d]); print(d); print(len(r.lessons), len(r.errors))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                         env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    where, counts = out.stdout.splitlines()
    assert Path(where) == pkg / "builtin_lessons"
    n_lessons, n_errors = map(int, counts.split())
    assert n_errors == 0 and n_lessons == len(lesson_files([builtin_lessons_dir()]))
