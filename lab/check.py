"""`numba-lab check [DIR...]`: validate lesson files, then prove every step through the real engine.

Phase 1 loads every file and prints each problem as file:line:col. Phase 2 runs, with one warm
Runner reused for every job:
  - the starter code of each runnable step, on each of its targets: it must run without error, or fail
    with exactly the step's expect_error;
  - for an exercise, the solution with the checks: every check must pass (speed-up claims included),
    and the starter with the checks: passing them all is a warning (the exercise asks for nothing);
  - a {{placeholder}} in the step text that the starter's run does not report is a warning;
  - each of the exercise's wrong_fixes with the checks: it must fail at least one check (or raise);
    a wrong fix that passes them all is a problem ("wrong fix N passes the checks: <why>").
Exit status: 0 all good, 1 a step failed, 2 a file did not validate.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lab.lessons import Lesson, LoadResult, Step, load_lessons
from lab.placeholders import PLACEHOLDERS, facts_from_events, find as find_placeholders
from lab.step_job import step_job

JOB_TIMEOUT_S = 60.0  # a cap per job for a busy machine; timing budgets and speed checks are the lesson's own


@dataclass
class StepResult:
    lesson: str
    step: str
    status: str  # "PASS" | "FAIL" | "WARN" | "SKIP"
    detail: str
    seconds: float = 0.0
    wrong_fixes: int = 0  # wrong fixes run
    wrong_fixes_passing: int = 0  # of those, how many passed every check (each one a problem)
    wrong_fix_verdicts: list[str] = field(default_factory=list)  # what rejected each wrong fix (--json)
    file: str = ""
    line: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.lesson}/{self.step}"

    def line_text(self) -> str:
        return f"{self.status} {self.name}  {self.detail} ({self.seconds:.1f} s)"


@dataclass
class RunOutcome:
    """What one job did, boiled down for the verdict."""
    errors: list[dict]
    checks: list[dict]
    done: dict | None
    facts: dict = field(default_factory=dict)  # machine facts the run reported (lab/placeholders.py)

    @property
    def unexpected(self) -> list[dict]:
        return [e for e in self.errors if not e.get("expected")]

    @property
    def expected_seen(self) -> bool:
        return any(e.get("expected") for e in self.errors)

    @property
    def failed_checks(self) -> list[dict]:
        return [c for c in self.checks if not c.get("passed")]


def _outcome(events: list[dict]) -> RunOutcome:
    return RunOutcome(errors=[e for e in events if e.get("type") == "error"],
                      checks=[e for e in events if e.get("type") == "check"],
                      done=next((e for e in events if e.get("type") == "done"), None),
                      facts=facts_from_events(events))


def _err_text(step: Step, field_name: str, e: dict) -> str:
    first = (e.get("summary") or "").strip().splitlines()
    head = first[0] if first else ""
    etype = str(e.get("etype") or "")
    text = head if head.startswith(etype) else f"{etype}: {head}".strip()
    if e.get("line") and e.get("stage") in ("syntax", "import", "compile", "run"):
        text += f" (code line {e['line']}, yaml line {step.yaml_line(field_name, e['line'])})"
    return text


def _verdict(step: Step, index: int, out: RunOutcome) -> str:
    """What one wrong fix's run came to, in a few words: the first failed check, the error, or 'passes'."""
    if out.failed_checks:
        return "rejected by " + ", ".join(repr(c.get("name")) for c in out.failed_checks)
    if out.errors:  # the step's expect_error too: it stops the run before the checks
        return "rejected: " + _err_text(step, f"wrong_fixes[{index}]", out.errors[0])
    if out.done is not None and out.done.get("cause"):
        return f"rejected: ended early ({out.done['cause']})"
    if not out.checks:
        return "rejected: no check ran"
    return "passes every check"


def _only_filter(only: list[str], lessons_opt: list[str]):
    wanted = [o.split("/", 1) for o in only] + [[lid] for lid in lessons_opt]

    def keep(lesson_id: str, step_id: str | None = None) -> bool:
        if not wanted:
            return True
        for w in wanted:
            if w[0] != lesson_id:
                continue
            if step_id is None or len(w) == 1 or w[1] == step_id:
                return True
        return False

    return keep


def keep_one(flt: str, lesson_id: str, step_id: str) -> bool:
    return _only_filter([flt], [])(lesson_id, step_id)


class Prover:
    """Runs the jobs of every step through one Runner."""

    def __init__(self, runner, *, no_speed: bool = False, cuda: str = "auto"):
        self.runner = runner
        self.no_speed = no_speed
        self.cuda = cuda

    async def _run(self, lesson: Lesson, step: Step, source: str, target: str, checks: bool) -> RunOutcome:
        job = step_job(lesson, step, source, target=target, with_checks=checks, timeout_s=JOB_TIMEOUT_S)
        if self.no_speed:
            job.checks = [c for c in job.checks if c.get("kind") != "speedup"]
        events = [e async for e in self.runner.run(job)]
        return _outcome(events)

    def _starter_problem(self, step: Step, out: RunOutcome, target: str) -> str | None:
        where = f"starter on {target}" if len(step.targets) > 1 else "starter"
        if out.done is None:
            return f"{where}: the engine gave no 'done' event"
        if step.expect_error is not None:
            want = step.expect_error
            if out.unexpected:
                e = out.unexpected[0]
                return (f"{where}: expected {want.type} matching {want.match!r}, got {_err_text(step, 'code', e)}")
            if not out.expected_seen:
                return f"{where}: expected {want.type} matching {want.match!r}, but it ran without error"
            return None
        if out.unexpected:
            return f"{where}: {_err_text(step, 'code', out.unexpected[0])}"
        if out.done.get("cause"):
            return f"{where}: ended early ({out.done['cause']})"
        return None

    async def _prove_wrong_fixes(self, lesson: Lesson, step: Step, problems: list[str], res: StepResult) -> int:
        """Run each wrong fix with the checks; one that passes them all is a problem. Returns how many
        were rejected (a failed check, or an error: a wrong fix may well not compile)."""
        rejected = 0
        for n, wrong in enumerate(step.wrong_fixes, 1):
            out = await self._run(lesson, step, wrong.code, step.targets[0], checks=True)
            res.wrong_fixes += 1
            if out.done is None:
                problems.append(f"wrong fix {n}: the engine gave no 'done' event")
            elif out.checks and not out.failed_checks and not out.unexpected and not out.done.get("cause"):
                res.wrong_fixes_passing += 1
                problems.append(f"wrong fix {n} passes the checks: {wrong.why.strip()} "
                                f"(yaml line {step.yaml_line(f'wrong_fixes[{n - 1}]', None)})")
            else:
                rejected += 1
            res.wrong_fix_verdicts.append(f"wrong fix {n}: " + _verdict(step, n - 1, out))
        return rejected

    async def prove(self, lesson: Lesson, step: Step) -> StepResult:
        t0 = time.perf_counter()
        res = StepResult(lesson.id, step.id, "PASS", "", file=str(lesson.path or ""), line=step.line)
        if not step.runnable:
            res.status, res.detail = "SKIP", "text only"
            return res
        if self.cuda == "off" and (step.kind == "cuda" or step.targets == ["cuda"]):
            res.status, res.detail = "SKIP", "CUDA is off (--cuda off)"
            return res
        problems: list[str] = []
        warnings: list[str] = []
        details: list[str] = []
        starter_passes_checks = False
        for target in step.targets:
            if target == "cuda" and self.cuda == "off":
                continue
            out = await self._run(lesson, step, step.code, target, checks=step.is_exercise and target == step.targets[0])
            p = self._starter_problem(step, out, target)
            if not p and target == step.targets[0]:
                unfilled = sorted({n for n, _, _ in find_placeholders(step.text)
                                   if n in PLACEHOLDERS and n not in out.facts})
                if unfilled:
                    warnings.append("the starter's run does not report " + ", ".join(
                        "{{" + n + "}}" for n in unfilled) + " (the text shows it unfilled)")
            if p:
                problems.append(p)
            elif step.is_exercise and target == step.targets[0] and out.checks and not out.failed_checks \
                    and not out.unexpected:
                starter_passes_checks = True
        if not problems:
            details.append("starter fails as expected" if step.expect_error else "starter ok")
        if step.is_exercise:
            out = await self._run(lesson, step, step.solution or "", step.targets[0], checks=True)
            n_want = len([c for c in step.checks if not (self.no_speed and c.kind == "speedup")])
            passed = len(out.checks) - len(out.failed_checks)
            if out.unexpected:
                problems.append(f"solution: {_err_text(step, 'solution', out.unexpected[0])}")
            if out.failed_checks:
                c = out.failed_checks[0]
                problems.append(f"solution: check {c.get('name')!r} failed: {c.get('message')}")
            elif len(out.checks) < n_want:
                problems.append(f"solution: only {len(out.checks)} of {n_want} checks ran")
            details.append(f"solution {passed}/{n_want} checks")
            if step.wrong_fixes:
                rejected = await self._prove_wrong_fixes(lesson, step, problems, res)
                details.append(f"{rejected}/{len(step.wrong_fixes)} wrong fix(es) rejected")
            if starter_passes_checks:
                warnings.append("the starter already passes every check")
        res.seconds = time.perf_counter() - t0
        res.problems = problems + warnings
        if problems:
            res.status, res.detail = "FAIL", "; ".join(problems)
        elif warnings:
            res.status, res.detail = "WARN", ", ".join(details) + "; " + "; ".join(warnings)
        else:
            res.detail = ", ".join(details)
        return res


async def prove_all(lessons: list[Lesson], keep, *, cuda: str = "auto", no_speed: bool = False,
                    on_result=None) -> list[StepResult]:
    from lab.engine.runner import Runner

    results: list[StepResult] = []
    with tempfile.TemporaryDirectory(prefix="numba-lab-check-") as work:
        runner = Runner(work_dir=Path(work), cuda=cuda, spare=False)
        await runner.start()
        prover = Prover(runner, no_speed=no_speed, cuda=cuda)
        try:
            for lesson in lessons:
                for step in lesson.steps:
                    if not keep(lesson.id, step.id):
                        continue
                    try:
                        r = await prover.prove(lesson, step)
                    except Exception as exc:  # noqa: BLE001 - one broken step must not stop the others
                        r = StepResult(lesson.id, step.id, "FAIL", f"check crashed: {type(exc).__name__}: {exc}",
                                       file=str(lesson.path or ""), line=step.line)
                    results.append(r)
                    if on_result:
                        on_result(r)
        finally:
            await runner.close()
    return results


def _summary(loaded: LoadResult, results: list[StepResult], seconds: float, n_lessons: int) -> dict:
    count = {s: sum(r.status == s for r in results) for s in ("PASS", "WARN", "FAIL", "SKIP")}
    return {"lessons": n_lessons, "steps": len(results), "validation_errors": len(loaded.errors),
            "passed": count["PASS"], "warnings": count["WARN"], "failed": count["FAIL"], "skipped": count["SKIP"],
            "wrong_fixes": sum(r.wrong_fixes for r in results),
            "wrong_fixes_passing": sum(r.wrong_fixes_passing for r in results),
            "seconds": round(seconds, 1)}


def main(args) -> int:
    t0 = time.perf_counter()
    dirs = list(getattr(args, "dirs", None) or [])
    if not dirs:
        from lab.cli import lesson_dirs

        dirs = lesson_dirs(args)
    as_json = bool(getattr(args, "json", False))
    quiet = bool(getattr(args, "quiet", False))
    only, lesson_ids = list(getattr(args, "only", None) or []), list(getattr(args, "lesson", None) or [])
    keep = _only_filter(only, lesson_ids)
    out = sys.stdout

    loaded = load_lessons(dirs)
    if not as_json:
        for e in loaded.errors:
            print(e, file=out)
        if loaded.errors:
            print(f"{len(loaded.errors)} validation error(s)", file=out)
    lessons = [l for l in loaded.lessons if keep(l.id)]
    unmatched = [f for f in only + lesson_ids
                 if not any(keep_one(f, l.id, s.id) for l in loaded.lessons for s in l.steps)]
    if unmatched:
        known = ", ".join(l.id for l in loaded.lessons)
        print(f"nothing matches {', '.join(unmatched)} (lessons: {known})", file=sys.stderr)
        return 1
    results: list[StepResult] = []
    if not getattr(args, "validate_only", False) and lessons:
        def show(r: StepResult) -> None:
            if not as_json and (not quiet or r.status in ("FAIL", "WARN")):
                print(r.line_text(), file=out, flush=True)
                if not quiet:
                    for verdict in r.wrong_fix_verdicts:
                        print(f"    {verdict}", file=out, flush=True)

        results = asyncio.run(prove_all(lessons, keep, cuda=getattr(args, "cuda", "auto") or "auto",
                                        no_speed=bool(getattr(args, "no_speed", False)), on_result=show))
    summary = _summary(loaded, results, time.perf_counter() - t0, len(lessons))
    if as_json:
        json.dump({"errors": [{"file": str(e.file), "line": e.line, "col": e.col, "message": e.message}
                              for e in loaded.errors],
                   "steps": [asdict(r) for r in results], "summary": summary}, out, indent=2)
        out.write("\n")
    else:
        print(f"{summary['lessons']} lesson(s), {summary['steps']} step(s): {summary['passed']} passed, "
              f"{summary['warnings']} warning(s), {summary['failed']} failed, {summary['skipped']} skipped; "
              f"{summary['wrong_fixes'] - summary['wrong_fixes_passing']} of {summary['wrong_fixes']} wrong fix(es) "
              f"rejected; {summary['validation_errors']} validation error(s) in {summary['seconds']:.1f} s", file=out)
    if loaded.errors:
        return 2
    return 1 if summary["failed"] else 0
