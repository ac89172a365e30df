"""`numba-lab new-lesson`: a commented starter that validates and passes `numba-lab check`."""

from __future__ import annotations

from lab.engine.runner import run_job_sync
from lab.lessons import load_lesson_file
from lab.new_lesson import slug
from lab.step_job import step_job

from .support import run_lab, user_env


def test_new_lesson_writes_a_starter_that_passes_check(tmp_path):
    env = user_env(tmp_path, "author")
    out = tmp_path / "pack"
    res = run_lab("new-lesson", "Loops and Caches", "--dir", str(out), env=env)
    assert res.returncode == 0, res.stderr
    path = out / "loops-and-caches.yaml"
    assert f"wrote {path}" in res.stdout
    text = path.read_text()
    assert text.count("\n#") >= 5  # commented for the author
    lesson = load_lesson_file(path)
    assert lesson.id == "loops-and-caches" and lesson.title == "Loops and Caches"
    kinds = [s.kind for s in lesson.steps]
    assert kinds == ["read", "jit", "jit"] and lesson.steps[2].checks and lesson.steps[2].hints
    assert lesson.steps[2].solution and lesson.steps[2].wrong_fixes and lesson.steps[2].wrong_fixes[0].why
    check = run_lab("check", str(out), env=env, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 failed" in check.stdout and "0 validation error(s)" in check.stdout
    assert "1 of 1 wrong fix(es) rejected" in check.stdout


def test_new_lesson_refuses_to_overwrite(tmp_path):
    env = user_env(tmp_path, "author")
    assert run_lab("new-lesson", "dup", "--dir", str(tmp_path), env=env).returncode == 0
    path = tmp_path / "dup.yaml"
    path.write_text(path.read_text() + "# my edits\n")
    res = run_lab("new-lesson", "dup", "--dir", str(tmp_path), env=env)
    assert res.returncode == 1 and "already exists" in res.stderr
    assert path.read_text().endswith("# my edits\n")
    assert run_lab("new-lesson", "dup", "--dir", str(tmp_path), "--force", env=env).returncode == 0
    assert not path.read_text().endswith("# my edits\n")


def test_bad_names(tmp_path):
    res = run_lab("new-lesson", "!!!", "--dir", str(tmp_path), env=user_env(tmp_path, "author"))
    assert res.returncode == 2 and "lesson id" in res.stderr
    assert slug("  My 2nd Lesson! ") == "my-2nd-lesson"


def test_starter_steps_run_through_the_engine(tmp_path):
    """The same proof as `check`, step by step: the starter runs, the exercise starter fails its
    checks (there is something to do) and the solution passes them."""
    from lab.new_lesson import write_lesson

    lesson = load_lesson_file(write_lesson("engine proof", tmp_path))
    jit_step, exercise = lesson.steps[1], lesson.steps[2]
    events = run_job_sync(step_job(lesson, jit_step, jit_step.code), cuda="off", work_dir=tmp_path / "w")
    assert events[-1]["ok"] and any(e["type"] == "timings" and e["speedup"] for e in events)
    starter = run_job_sync(step_job(lesson, exercise, exercise.code, with_checks=True), cuda="off",
                           work_dir=tmp_path / "w")
    assert not starter[-1]["ok"]
    solved = run_job_sync(step_job(lesson, exercise, exercise.solution, with_checks=True), cuda="off",
                          work_dir=tmp_path / "w")
    checks = [e for e in solved if e["type"] == "check"]
    assert solved[-1]["ok"] and len(checks) == 3 and all(c["passed"] for c in checks)
