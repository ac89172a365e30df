"""Custom lesson packs: `--lessons DIR` and $NUMBA_LAB_LESSONS, beside or instead of the built-ins,
through the real CLI parser, `numba-lab check`, `progress`, `doctor` and the lab's lesson list."""

from __future__ import annotations

import json

import pytest
from textual.widgets import OptionList

from lab.cli import build_parser, lesson_dirs
from lab.new_lesson import write_lesson

from .support import BUILTIN, run_lab, user_env


@pytest.fixture
def pack(tmp_path):
    d = tmp_path / "course"
    write_lesson("Course intro", d)
    return d


def _ids(doc):
    return [r["id"] for r in doc["lessons"] if r["loaded"]]


def test_cli_lesson_dirs_from_flag_and_env(pack, monkeypatch):
    args = build_parser().parse_args(["--lessons", str(pack)])
    assert lesson_dirs(args) == [BUILTIN, pack]
    args = build_parser().parse_args(["--no-builtin", "--lessons", str(pack), "progress"])
    assert lesson_dirs(args) == [pack]  # global flags survive the sub-command
    monkeypatch.setenv("NUMBA_LAB_LESSONS", f"{pack}:{pack.parent / 'other'}")
    dirs = lesson_dirs(build_parser().parse_args(["--no-builtin"]))
    assert dirs == [pack, pack.parent / "other"]


def test_pack_beside_and_instead_of_builtins(tmp_path, pack):
    env = user_env(tmp_path, "learner")
    both = json.loads(run_lab("--lessons", str(pack), "progress", "--json", env=env).stdout)
    assert "course-intro" in _ids(both) and "first-jit" in _ids(both)
    only = json.loads(run_lab("--no-builtin", "--lessons", str(pack), "progress", "--json", env=env).stdout)
    assert _ids(only) == ["course-intro"]
    via_env = json.loads(run_lab("--no-builtin", "progress", "--json",
                                 env={**env, "NUMBA_LAB_LESSONS": str(pack)}).stdout)
    assert _ids(via_env) == ["course-intro"]


def test_doctor_reports_the_pack(tmp_path, pack):
    env = user_env(tmp_path, "learner", NUMBA_LAB_LESSONS=str(pack))
    res = run_lab("--no-builtin", "doctor", "--cuda", "off", "--json", env=env)
    doc = json.loads(res.stdout)
    lessons = [f for f in doc["findings"] if f["section"] == "lessons"]
    assert [(f["verdict"], f["data"]["dir"], f["data"]["lessons"]) for f in lessons] == [("ok", str(pack), 1)]


def test_a_broken_pack_is_reported_with_file_and_line(tmp_path, pack):
    bad = pack / "broken.yaml"
    bad.write_text("id: broken\ntitle: Broken\nsteps:\n  - id: s\n    title: S\n    kind: jit\n    code: |\n"
                   "      def f(:\n    entry: f\n")
    res = run_lab("--no-builtin", "--lessons", str(pack), "doctor", "--cuda", "off",
                  env=user_env(tmp_path, "learner"))
    assert res.returncode == 0  # one bad file does not stop the lab: a warning naming file:line
    assert f"  warn  {pack}: 1 lesson(s) load, 1 with errors" in res.stdout
    assert f"{bad}:" in res.stdout


async def test_the_lab_lists_the_pack(pack, monkeypatch):
    from lab.ui.app import make_app, settings_from_args

    monkeypatch.setenv("NUMBA_LAB_LESSONS", str(pack))
    settings = settings_from_args(build_parser().parse_args(["--no-builtin"]))
    app = make_app(settings, engine=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#lessons", OptionList)
        rows = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert len(rows) == 1 and "Course intro" in rows[0]
