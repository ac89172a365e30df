"""step_job: a lesson step + learner source -> engine Job, and one real run of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.engine.protocol import VIEWS, Job, Timing
from lab.engine.runner import run_job_sync
from lab.lessons import load_lesson_file
from lab.options import Options
from lab.step_job import StepJobError, check_dicts, step_job

GOOD = Path(__file__).parent / "valid" / "good.yaml"

CUDA_LESSON = """\
id: gpu-bits
title: GPU bits
steps:
  - id: kernel
    title: A kernel
    kind: cuda
    code: |
      from numba import cuda

      @cuda.jit
      def k(a):
          i = cuda.grid(1)
          if i < a.size:
              a[i] += 1
    entry: k
    targets: [cuda]
  - id: ufunc
    title: A ufunc
    kind: vectorize
    code: |
      from numba import vectorize

      @vectorize(["float64(float64)"])
      def twice(x):
          return 2 * x
    entry: twice
    targets: [cpu, parallel, cuda]
"""


@pytest.fixture(scope="module")
def good():
    return load_lesson_file(GOOD)


def test_plain_step(good):
    step = good.step("add")
    job = step_job(good, step, step.code)
    assert isinstance(job, Job)
    job.validate()
    assert job.source == step.code and job.entry == "add" and job.kind == "jit" and job.target == "cpu"
    assert job.workfile == "corpus-good/add"
    assert job.setup == "import numpy as np\n" and job.calls == ["add(2, 3)", "add(2.5, 1.0)"]
    assert job.views == ["llvm", "types"]
    assert job.timing == Timing(call="add(2, 3)", baseline=True, budget_s=1.0)
    assert job.checks == [] and job.expect_error is None and job.options is None


def test_checks_only_when_asked(good):
    step = good.step("exercise")
    assert step_job(good, step, step.code).checks == []
    job = step_job(good, step, step.code, with_checks=True)
    assert job.checks == [
        {"kind": "equal", "expr": "double(4)", "expected": "8", "rtol": 1e-7, "atol": 0.0,
         "message": "double(4) should be 8"},
        {"kind": "nopython"},
    ]
    assert step_job(good, step, step.code, checks=True).checks == job.checks  # older spelling
    assert job.views == list(VIEWS)  # no views key: all of them


def test_options_timeout_and_json_round_trip(good):
    step = good.step("add")
    job = step_job(good, step, step.code, options=Options(nogil=True), timeout_s=30)
    assert job.options == Options(nogil=True) and job.timeout_s == 30.0
    again = Job.from_json(job.to_json())
    assert again.to_json() == job.to_json()


def test_read_step_cannot_run(good):
    with pytest.raises(StepJobError):
        step_job(good, good.step("intro"), "")


def test_kind_and_target_mapping(tmp_path):
    p = tmp_path / "gpu.yaml"
    p.write_text(CUDA_LESSON)
    lesson = load_lesson_file(p)
    kernel, ufunc = lesson.steps
    job = step_job(lesson, kernel, kernel.code, target="cpu")
    assert (job.kind, job.target) == ("cuda", "cuda") and job.is_cuda
    for target in ("cpu", "parallel", "cuda"):
        job = step_job(lesson, ufunc, ufunc.code, target=target)
        assert (job.kind, job.target) == ("vectorize", target)
        job.validate()


def test_check_dicts_match_the_engine_contract(good):
    from lab.engine.checks import KINDS

    for d in check_dicts(good.step("exercise")):
        assert d["kind"] in KINDS


def test_job_runs_for_real_and_solution_passes(good):
    step = good.step("exercise")
    events = run_job_sync(step_job(good, step, step.solution, with_checks=True))
    checks = [e for e in events if e["type"] == "check"]
    assert [c["passed"] for c in checks] == [True, True], checks
    assert events[-1]["type"] == "done" and events[-1]["ok"]
    events = run_job_sync(step_job(good, step, step.code, with_checks=True))
    checks = [e for e in events if e["type"] == "check"]
    assert checks[0]["passed"] is False and "double(4) should be 8" in checks[0]["message"]


def test_step_timeout_and_learner_override_reach_the_job(tmp_path):
    from lab.lessons import load_lessons
    from lab.step_job import step_job

    (tmp_path / "t.yaml").write_text(
        "id: t\ntitle: T\nsteps:\n  - id: slow\n    title: Slow\n    timeout_s: 30\n"
        "    code: |\n      from numba import jit\n\n      @jit\n      def f(x):\n          return x\n    entry: f\n"
        "    calls: ['f(1)']\n")
    res = load_lessons([tmp_path])
    assert not res.errors, [str(e) for e in res.errors]
    lesson = res.lessons[0]
    step = lesson.steps[0]
    assert step_job(lesson, step, step.code).timeout_s == 30
    assert step_job(lesson, step, step.code, timeout_s=5).timeout_s == 5


def test_step_timeout_out_of_range_names_the_line(tmp_path):
    from lab.lessons import load_lessons

    (tmp_path / "t.yaml").write_text("id: t\ntitle: T\nsteps:\n  - id: s\n    title: S\n    kind: read\n"
                                     "    timeout_s: 0\n")
    errors = [str(e) for e in load_lessons([tmp_path]).errors]
    assert errors and ":7:" in errors[0] and "timeout_s" in errors[0], errors
