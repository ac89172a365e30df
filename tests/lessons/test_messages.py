"""Precise positions and wording for the errors authors meet most."""

from __future__ import annotations

import ast
from pathlib import Path

from lab.lessons import load_lesson_file, load_lessons

LESSON = """\
# yaml-language-server: $schema=https://example.invalid/lesson.schema.json
id: msgs
title: Messages
steps:
  - id: one
    title: One
    code: |
      from numba import jit

      @jit
      def f(x):
          if x >
              return 1
    entry: f
"""


def write(tmp_path: Path, text: str, name: str = "l.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_code_syntax_error_points_inside_the_block_scalar(tmp_path):
    p = write(tmp_path, LESSON)
    (err,) = load_lessons([p]).errors
    # code line 5 ("    if x >") is YAML line 12; the block is indented 6 spaces
    code = LESSON.split("code: |\n", 1)[1].split("    entry:", 1)[0].replace("\n      ", "\n")[6:]
    try:
        ast.parse(code)
    except SyntaxError as exc:
        lineno, offset = exc.lineno, exc.offset
    assert lineno == 5
    assert (err.line, err.col) == (12, 6 + offset)
    assert "syntax error" in err.message and "line 5 of the code" in err.message
    assert p.read_text().splitlines()[err.line - 1].strip() == "if x >"


def test_modeline_comment_is_allowed(tmp_path):
    p = write(tmp_path, LESSON.replace("if x >", "if x > 0:"))
    lesson = load_lesson_file(p)
    assert lesson.id == "msgs" and lesson.path == p
    step = lesson.steps[0]
    assert step.line == 5
    assert step.yaml_line("code", 1) == 8  # "from numba import jit"


def test_unknown_key_lists_allowed_keys_and_suggests(tmp_path):
    p = write(tmp_path, LESSON.replace("    entry: f", "    entry: f\n    hnits: [a]"))
    (err,) = load_lessons([p]).errors
    assert err.line == 15 and err.col == 5
    assert "unknown key 'hnits'" in err.message
    assert "did you mean 'hints'?" in err.message
    assert "expected one of: id, title, text, kind, code, entry" in err.message


def test_missing_key_points_at_the_parent_mapping(tmp_path):
    p = write(tmp_path, LESSON.replace("    title: One\n", ""))
    (err,) = load_lessons([p]).errors
    assert err.line == 5  # "  - id: one"
    assert "missing required key 'title'" in err.message and "step 1 (one)" in err.message


def test_wrong_type_says_what_was_found(tmp_path):
    p = write(tmp_path, LESSON.replace("title: Messages", "title: 42"))
    (err,) = load_lessons([p]).errors
    assert err.line == 3 and "expected a valid string, got integer 42" in err.message


def test_yes_and_no_are_strings_in_yaml_1_2(tmp_path):
    text = LESSON.replace("if x >", "if x > 0:").replace("    entry: f", "    entry: f\n    lock: {parallel: no}")
    lesson = load_lesson_file(write(tmp_path, text))
    assert lesson.steps[0].lock == {"parallel": "no"}


def test_bad_file_does_not_stop_the_others(tmp_path):
    write(tmp_path, "id: [\n", "a.yaml")
    write(tmp_path, LESSON.replace("if x >", "if x > 0:"), "b.yaml")
    result = load_lessons([tmp_path])
    assert [lesson.id for lesson in result.lessons] == ["msgs"]
    assert len(result.errors) == 1 and result.errors[0].file.name == "a.yaml"


def test_lessons_sort_by_order_then_id(tmp_path):
    ok = LESSON.replace("if x >", "if x > 0:")
    write(tmp_path, ok.replace("id: msgs", "id: zeta\norder: 1"), "1.yaml")
    write(tmp_path, ok.replace("id: msgs", "id: alpha\norder: 2"), "2.yaml")
    write(tmp_path, ok.replace("id: msgs", "id: beta\norder: 1"), "3.yaml")
    assert [lesson.id for lesson in load_lessons([tmp_path]).lessons] == ["beta", "zeta", "alpha"]
