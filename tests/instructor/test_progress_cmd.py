"""`numba-lab progress [--json]`: completed steps and attempts per lesson, from the user's own file."""

from __future__ import annotations

import json
import re

from lab.progress import Progress

from .support import run_lab, user_env


def _seed(env_home):
    p = Progress.load(env_home)
    p.record_attempt("first-jit", "lazy", False)
    p.record_attempt("first-jit", "lazy", True)
    p.mark_done("first-jit", "what-numba-is")
    p.record_attempt("types", "specialise", False)
    p.record_attempt("old-course", "gone", True)  # a lesson that is no longer loaded


def test_progress_json_and_text(tmp_path):
    env = user_env(tmp_path, "learner", NUMBA_LAB_HOME=str(tmp_path / "state"))
    _seed(tmp_path / "state" / "data" / "progress.json")
    doc = json.loads(run_lab("progress", "--json", env=env).stdout)
    assert doc["user"] and doc["progress_file"] == str(tmp_path / "state" / "data" / "progress.json")
    rows = {r["id"]: r for r in doc["lessons"]}
    fj = rows["first-jit"]
    assert fj["loaded"] and fj["steps_done"] == 2 and fj["attempts"] == 2 and fj["steps_total"] >= 3
    lazy = next(s for s in fj["steps"] if s["id"] == "lazy")
    assert lazy["status"] == "done" and lazy["attempts"] == 2 and lazy["passed_at"]
    assert rows["old-course"]["loaded"] is False and rows["old-course"]["steps_done"] == 1
    assert doc["totals"]["attempts"] == 4 and doc["totals"]["steps_done"] == 3

    text = run_lab("progress", env=env).stdout
    assert text.startswith("numba-lab progress for ")
    assert re.search(r"^  first-jit +2/5 +steps done +2 attempt\(s\)  Your first @jit$", text, re.M)
    assert "done  lazy: 2 attempt(s)" in text and "(lesson not loaded)" in text
    assert text.rstrip().splitlines()[-1].startswith("total: 3/")


def test_progress_of_a_new_learner(tmp_path):
    env = user_env(tmp_path, "newbie")
    doc = json.loads(run_lab("progress", "--json", env=env).stdout)
    assert doc["totals"]["steps_done"] == 0 and doc["totals"]["attempts"] == 0
    assert all(r["loaded"] for r in doc["lessons"]) and len(doc["lessons"]) >= 6
