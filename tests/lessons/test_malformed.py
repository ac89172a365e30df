"""The malformed corpus: every file in malformed/ records on its first line the line it must be
reported at and a phrase the message must contain (`# expect: LINE: phrase`, or `# expect: LINE:COL: phrase`
where the column matters too). Each is loaded beside a
valid lesson, which must still load."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from lab.lessons import LessonFileError, load_lesson_file, load_lessons

HERE = Path(__file__).parent
CORPUS = sorted((HERE / "malformed").glob("*.yaml"))
GOOD = HERE / "valid" / "good.yaml"


def expectation(path: Path) -> tuple[int, int | None, str]:
    head = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    m = re.fullmatch(r"# expect: (\d+)(?::(\d+))?: (.+)", head.strip())
    assert m, f"{path.name}: first line must be '# expect: LINE: phrase' or '# expect: LINE:COL: phrase'"
    return int(m[1]), (int(m[2]) if m[2] else None), m[3]


def test_corpus_is_big_enough():
    assert len(CORPUS) >= 30


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_malformed_file_reports_its_line(path: Path, tmp_path: Path):
    line, col, phrase = expectation(path)
    shutil.copy(GOOD, tmp_path / "a-good.yaml")
    bad = tmp_path / path.name
    shutil.copy(path, bad)

    result = load_lessons([tmp_path])  # never raises

    assert [lesson.id for lesson in result.lessons] == ["corpus-good"], "the valid lesson beside it must load"
    mine = [e for e in result.errors if e.file == bad]
    assert mine, "the malformed file must give at least one error"
    assert all(e.file == bad for e in result.errors)
    for e in mine:
        text = str(e)
        assert text.startswith(f"{bad}:{e.line}:{e.col}: ")
        assert e.line >= 1 and e.col >= 1
        assert "Traceback" not in text and "internal error" not in text
    hits = [e for e in mine if e.line == line and col in (None, e.col) and phrase.lower() in e.message.lower()]
    where = f"{line}:{col}" if col else f"line {line}"
    assert hits, f"expected an error at {where} mentioning {phrase!r}; got:\n" + "\n".join(map(str, mine))


@pytest.mark.parametrize("path", CORPUS[:5], ids=[p.stem for p in CORPUS[:5]])
def test_load_lesson_file_raises_with_the_same_errors(path: Path):
    with pytest.raises(LessonFileError) as info:
        load_lesson_file(path)
    assert info.value.errors
    assert str(info.value).startswith(f"{path}:")
    assert info.value.errors == load_lessons([path]).errors


def test_duplicate_lesson_id_names_both_files(tmp_path: Path):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    shutil.copy(GOOD, first)
    shutil.copy(GOOD, second)
    result = load_lessons([tmp_path])
    assert [lesson.path for lesson in result.lessons] == [first]
    (err,) = result.errors
    assert err.file == second
    assert err.line == 3  # the `id:` line (two comment lines above it)
    assert str(first) in err.message and "corpus-good" in err.message


def test_missing_folder_is_an_error_not_an_exception(tmp_path: Path):
    result = load_lessons([tmp_path / "nope"])
    assert result.lessons == [] and len(result.errors) == 1
    assert "no such file" in result.errors[0].message


def test_errors_within_a_file_are_in_line_order(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: T\nstepz: 1\nsteps:\n  - {id: a, title: A, kind: rd}\n  - {id: b}\n")
    lines = [e.line for e in load_lessons([bad]).errors]
    assert lines == sorted(lines) and lines[0] == 3 and len(lines) == 3
