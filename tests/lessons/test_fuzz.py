"""Fuzz: mutate a valid lesson's YAML text (delete/insert characters and lines, swap lines, change
indentation, swap value types) and load it. Loading must never raise; every outcome is either a
lesson or errors with a real file:line:col inside the file."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lab.lessons import load_lessons

SEED = (Path(__file__).parent / "valid" / "good.yaml").read_text(encoding="utf-8")
SEED_LINES = SEED.splitlines(keepends=True)
VALUES = ["42", "-1", "3.5", "true", "null", "~", "[]", "{}", "[1, [2]]", "{a: {b: c}}", '"x"', "'", '"',
          "|", ">", "&a x", "*a", "!!binary aGk=", "2024-01-01", "[cpu, gpu]", "{kind: equal}", "- x", "\t"]
CHARS = st.sampled_from(list(" \t\n:-#[]{},'\"|>&*!%@`\\") + ["é", "\u2028", "\x00", "\ufeff", "a", "1"])


@st.composite
def mutations(draw):
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["del_line", "dup_line", "swap_lines", "indent", "chars", "del_chars",
                                   "value", "truncate"]))
        if not lines:
            lines = ["\n"]
        i = draw(st.integers(0, len(lines) - 1))
        if op == "del_line":
            del lines[i]
        elif op == "dup_line":
            lines.insert(i, lines[i])
        elif op == "swap_lines":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            delta = draw(st.sampled_from([-4, -2, -1, 1, 2, 4]))
            line = lines[i]
            lines[i] = (" " * delta + line) if delta > 0 else line[min(-delta, len(line) - len(line.lstrip(" "))):]
        elif op == "chars":
            pos = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:pos] + draw(st.text(CHARS, min_size=1, max_size=3)) + lines[i][pos:]
        elif op == "del_chars":
            pos = draw(st.integers(0, max(0, len(lines[i]) - 1)))
            lines[i] = lines[i][:pos] + lines[i][pos + draw(st.integers(1, 5)):]
        elif op == "value":
            line = lines[i]
            if ":" in line:
                key = line.split(":", 1)[0]
                lines[i] = f"{key}: {draw(st.sampled_from(VALUES))}\n"
        elif op == "truncate":
            lines = lines[:i]
    return "".join(lines)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations())
def test_mutated_lesson_never_raises(text):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "fuzz.yaml"
        path.write_text(text, encoding="utf-8", newline="")
        result = load_lessons([path])
    n_lines = max(1, len(text.splitlines()) + 1)
    assert len(result.lessons) + (1 if result.errors else 0) == 1
    for e in result.errors:
        assert e.file == path
        assert 1 <= e.line <= n_lines + 1, (e, n_lines)
        assert e.col >= 1
        assert e.message and "internal error" not in e.message, str(e)
        assert str(e).startswith(f"{path}:{e.line}:{e.col}: ")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_never_raise(data):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "bytes.yaml"
        path.write_bytes(data)
        result = load_lessons([path])
    assert result.lessons == [] and result.errors
    assert all(e.line >= 1 and e.col >= 1 and "internal error" not in e.message for e in result.errors)
