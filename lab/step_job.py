"""A lesson step plus the learner's source -> the engine Job (lab.engine.protocol.Job).

The learner's source is the truth for compile options (its decorator line); `options`, when given,
is applied to that line by the engine before running.
"""

from __future__ import annotations

from lab.engine.protocol import VIEWS, Job, Timing
from lab.options import Options


class StepJobError(ValueError):
    """The step cannot be run (a text-only step, or a target it does not allow)."""


def step_kind_target(step, target: str) -> tuple[str, str]:
    """(Job.kind, Job.target) for running `step` on `target`: a cuda step always runs on cuda; a
    vectorize/guvectorize step keeps its kind whatever the target."""
    if step.kind == "read":
        raise StepJobError(f"step {step.id!r} is text only (kind: read); there is nothing to run")
    if step.kind == "cuda":
        return "cuda", "cuda"
    return step.kind, target


def check_dicts(step) -> list[dict]:
    """The step's checks as the plain dicts the engine evaluates (docs/contracts.md "Checks")."""
    out = []
    for c in step.checks:
        d = c.model_dump(exclude_none=True) if hasattr(c, "model_dump") else dict(c)
        if "expected" not in d and getattr(c, "kind", None) == "equal":
            d["expected"] = None
        out.append(d)
    return out


def step_job(lesson, step, source: str, *, target: str = "cpu", with_checks: bool = False,
             options: Options | None = None, timeout_s: float | None = None,
             checks: bool | None = None) -> Job:
    """The Job that runs `source` as this step. Checks are included only with `with_checks=True`
    (`checks=` is accepted as an older spelling). Raises StepJobError for a text-only step."""
    if checks is not None:
        with_checks = checks
    kind, job_target = step_kind_target(step, target)
    timing = None
    if step.timing is not None:
        t = step.timing
        timing = Timing(call=t.call, setup=t.setup, sizes=list(t.sizes), baseline=t.baseline,
                        budget_s=float(t.budget_s))
    expect = None
    if step.expect_error is not None:
        e = step.expect_error
        expect = {"type": e.type, "match": e.match} if hasattr(e, "type") else dict(e)
    views = list(step.views) if step.views is not None else list(VIEWS)
    if timeout_s is None:
        timeout_s = getattr(step, "timeout_s", None)
    kwargs = {} if timeout_s is None else {"timeout_s": float(timeout_s)}
    return Job(
        source=source,
        entry=step.entry,
        kind=kind,
        target=job_target,
        options=options,
        setup=step.setup or "",
        calls=list(step.calls),
        views=views,
        timing=timing,
        checks=check_dicts(step) if with_checks else [],
        expect_error=expect,
        workfile=f"{lesson.id}/{step.id}",
        **kwargs,
    )
