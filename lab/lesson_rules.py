"""Rules across fields of a lesson that the model's shape cannot say, each reported at its YAML line:
unique step ids, code that parses (error at the code's own line inside the block scalar), entry
defined, a readable decorator, exercises with solutions, lock keys, timing and check sanity."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from lab.lesson_model import Lesson, Step
from lab.lesson_yaml import LessonError, code_position, dotted, locate
from lab.options import BOOL_TOGGLES, TOGGLES, Options, OptionsError, is_expr, options_from_source
from lab.placeholders import PLACEHOLDERS, find as find_placeholders

LOCK_KEYS = (*TOGGLES, "target")
OPTION_NAMES = tuple(f for f in Options.__dataclass_fields__ if f != "extra")
DECORATED_KINDS = ("jit", "vectorize", "guvectorize", "cuda")


def rule_errors(path: Path, lesson: Lesson, data, text: str) -> list[LessonError]:
    errs: list[LessonError] = []

    def at(loc, msg, *, key=False):
        line, col = locate(data, loc, at_key=key)
        errs.append(LessonError(path, line, col, msg))

    seen: dict[str, int] = {}
    for i, step in enumerate(lesson.steps):
        base = ("steps", i)
        if step.id in seen:
            at(base + ("id",), f"duplicate step id {step.id!r} (step {seen[step.id] + 1} already uses it; "
                               "expected ids unique within the lesson)")
        else:
            seen[step.id] = i
        _step_rules(path, step, base, data, text, at, errs)
        _placeholder_rules(path, step, base, data, text, at, errs)
    for field in ("title", "summary"):
        if find_placeholders(getattr(lesson, field)):
            at((field,), f"{field}: placeholders such as {{{{cpu}}}} are filled only in a step's text")
    return errs


def _placeholder_rules(path, step: Step, base, data, text, at, errs) -> None:
    """{{name}} in step text must be a known machine fact (lab/placeholders.py), in a step that runs."""
    import difflib

    for name, line, col in find_placeholders(step.text):
        yline, ycol = code_position(data, base + ("text",), line, col, text)
        if name not in PLACEHOLDERS:
            close = difflib.get_close_matches(name, PLACEHOLDERS, n=1)
            hint = f"; did you mean {{{{{close[0]}}}}}?" if close else ""
            msg = (f"{dotted(base)}.text: unknown placeholder {{{{{name}}}}} (expected one of: "
                   f"{', '.join(PLACEHOLDERS)}){hint}")
        elif not step.runnable:
            msg = (f"{dotted(base)}.text: placeholder {{{{{name}}}}} in a 'kind: read' step: placeholders are "
                   "filled from the step's own run (expected a step that runs code)")
        else:
            continue
        errs.append(LessonError(path, yline, ycol, msg))
    for field in ("title",):
        if find_placeholders(getattr(step, field)):
            at(base + (field,), f"{dotted(base)}.{field}: placeholders are filled only in the step's text")
    for j, hint_text in enumerate(step.hints):
        if find_placeholders(hint_text):
            at(base + ("hints", j), f"{dotted(base)}.hints[{j}]: placeholders are filled only in the step's text")


def _code_rules(path, step: Step, base, field: str, source: str, data, text, at, errs, loc=None) -> bool:
    """Parse `source` (the step's code, solution or a wrong fix's code at `loc`); True if it parses and
    defines the entry."""
    loc = loc or base + (field,)
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        line, col = code_position(data, loc, exc.lineno or 1, exc.offset or 1, text)
        detail = exc.msg
        errs.append(LessonError(path, line, col, f"{dotted(loc)}: Python syntax error: {detail} "
                                                 f"(line {exc.lineno} of the {field})"))
        return False
    if step.entry and step.entry.isidentifier():
        defs = [n for n in ast.walk(tree)
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == step.entry]
        if not defs:
            at(base + ("entry",) if field == "code" else loc, f"{dotted(loc)}: entry {step.entry!r} is not defined here (expected `def {step.entry}(...)`)")
            return False
        if step.kind in DECORATED_KINDS:
            try:
                found = options_from_source(source, step.entry)
                by_code = [f"{name}={getattr(found, name)}" for name in BOOL_TOGGLES
                           if found is not None and is_expr(getattr(found, name))]
                if by_code:  # runs fine in the lab, but a lesson's options bar must be able to flip it
                    raise OptionsError(f"{', '.join(by_code)} is set by an expression; a lesson needs literal "
                                       "values (True/False) so the options bar can edit them")
                if found is None and field == "code":
                    fn = defs[0]
                    line, col = code_position(data, loc, fn.lineno, fn.col_offset + 1, text)
                    errs.append(LessonError(path, line, col, f"{dotted(loc)}: {step.entry!r} has no Numba decorator "
                                                             f"(expected e.g. @jit or @{_example(step.kind)} above "
                                                             f"`def {step.entry}`; the options bar edits that line)"))
            except OptionsError as exc:
                fn = defs[0]
                dec = fn.decorator_list[0] if fn.decorator_list else fn
                line, col = code_position(data, loc, dec.lineno, max(1, dec.col_offset), text)
                errs.append(LessonError(path, line, col, f"{dotted(loc)}: the decorator of {step.entry!r} "
                                                         f"cannot be read: {exc} (expected e.g. @jit(nogil=True))"))
    return True


def _example(kind: str) -> str:
    return {"jit": "njit", "vectorize": "vectorize", "guvectorize": "guvectorize", "cuda": "cuda.jit"}.get(kind, "jit")


def _parses(src: str, mode: str) -> SyntaxError | None:
    try:
        ast.parse(src, mode=mode)
    except SyntaxError as exc:
        return exc
    return None


def _step_rules(path, step: Step, base, data, text, at, errs) -> None:
    name = dotted(base)
    if step.kind == "read":
        for field in ("code", "entry", "setup", "calls", "timing", "expect_error", "checks", "hints", "solution",
                      "wrong_fixes"):
            if field in step.model_fields_set and getattr(step, field):
                at(base + (field,), f"{name}: {field!r} has no use in a 'kind: read' step (text only; "
                                    "expected kind jit, vectorize, guvectorize or cuda to run code)", key=True)
        return
    if not step.code.strip():
        at(base + (("code",) if "code" in step.model_fields_set else ()),
           f"{name}: a {step.kind!r} step needs starter 'code' (or use kind: read for text only)")
    if not step.entry:
        at(base + (("entry",) if "entry" in step.model_fields_set else ()),
           f"{name}: a {step.kind!r} step needs 'entry', the function the views are about")
    elif not step.entry.isidentifier():
        at(base + ("entry",), f"{name}.entry: {step.entry!r} is not a Python name")
    if step.code.strip():
        _code_rules(path, step, base, "code", step.code, data, text, at, errs)
    if step.solution is not None and step.solution.strip():
        _code_rules(path, step, base, "solution", step.solution, data, text, at, errs)
    for j, wrong in enumerate(step.wrong_fixes):
        wloc = base + ("wrong_fixes", j, "code")
        if not wrong.code.strip():
            at(wloc, f"{dotted(wloc)}: empty (expected the full source of a wrong answer)")
        else:
            _code_rules(path, step, base, "wrong fix", wrong.code, data, text, at, errs, loc=wloc)
        if not wrong.why.strip():
            at(base + ("wrong_fixes", j, "why"), f"{dotted(base + ('wrong_fixes', j))}.why: empty "
                                                 "(expected the mistake it stands for, in one sentence)")

    # harness code
    if step.setup.strip():
        exc = _parses(step.setup, "exec")
        if exc:
            line, col = code_position(data, base + ("setup",), exc.lineno or 1, exc.offset or 1, text)
            errs.append(LessonError(path, line, col, f"{name}.setup: Python syntax error: {exc.msg}"))
    for j, call in enumerate(step.calls):
        exc = _parses(call, "exec")
        if exc:
            at(base + ("calls", j), f"{name}.calls[{j}]: Python syntax error: {exc.msg} in {call!r}")

    # exercises
    if step.checks:
        if step.solution is None or not step.solution.strip():
            at(base + ("checks",), f"{name}: an exercise (a step with checks) needs a 'solution' that passes them",
               key=True)
    else:
        for field in ("solution", "hints", "wrong_fixes"):
            if getattr(step, field):
                at(base + (field,), f"{name}: {field!r} only makes sense in an exercise "
                                    "(expected 'checks' too)", key=True)

    # lock, targets
    for key in step.lock:
        if key not in LOCK_KEYS:
            import difflib

            close = difflib.get_close_matches(key, LOCK_KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            at(base + ("lock", key), f"{name}.lock: unknown option {key!r} (expected one of: "
                                     f"{', '.join(LOCK_KEYS)}){hint}", key=True)
    if len(set(step.targets)) != len(step.targets):
        at(base + ("targets",), f"{name}.targets: a target is listed twice")
    if step.kind == "cuda" and "cuda" not in step.targets and "targets" in step.model_fields_set:
        at(base + ("targets",), f"{name}.targets: a cuda step runs on the cuda target (expected [cuda])")
    if step.kind == "jit" and "cuda" in step.targets:
        at(base + ("targets",), f"{name}.targets: @jit code cannot target cuda (expected kind: cuda or vectorize)")

    # timing
    if step.timing is not None:
        t = step.timing
        tb = base + ("timing",)
        if not t.call.strip():
            at(tb + ("call",), f"{name}.timing.call: empty (expected an expression to time, like f(x))")
        elif (exc := _parses(t.call, "eval")) is not None:
            at(tb + ("call",), f"{name}.timing.call: not a Python expression: {exc.msg}")
        if t.setup.strip() and (exc := _parses(t.setup, "exec")) is not None:
            at(tb + ("setup",), f"{name}.timing.setup: Python syntax error: {exc.msg}")
        if t.sizes and not t.setup.strip():
            at(tb + ("sizes",), f"{name}.timing: a scaling series (sizes) needs a timing setup that uses n "
                                "(expected e.g. setup: \"x = np.ones(n)\")")

    # expect_error
    if step.expect_error is not None and not step.expect_error.type.replace(".", "_").isidentifier():
        at(base + ("expect_error", "type"), f"{name}.expect_error.type: {step.expect_error.type!r} is not an "
                                            "exception class name (expected e.g. TypingError)")
    if step.expect_error is not None and step.expect_error.match:
        try:
            re.compile(step.expect_error.match)
        except re.error as exc:
            at(base + ("expect_error", "match"), f"{name}.expect_error.match: bad regular expression: {exc}")

    # checks
    for j, check in enumerate(step.checks):
        cb = base + ("checks", j)
        kind = check.kind
        for field in ("expr",):
            src = getattr(check, field, None)
            if isinstance(src, str) and (exc := _parses(src, "eval")) is not None:
                at(cb + (field,), f"{dotted(cb)}.{field}: not a Python expression: {exc.msg}")
        if kind == "equal" and isinstance(check.expected, str) and (exc := _parses(check.expected, "eval")):
            at(cb + ("expected",), f"{dotted(cb)}.expected: not a Python expression: {exc.msg} "
                                   "(a string is evaluated; quote it twice for a string value: \"'text'\")")
        if kind == "option" and check.name not in OPTION_NAMES:
            at(cb + ("name",), f"{dotted(cb)}.name: unknown option {check.name!r} "
                               f"(expected one of: {', '.join(OPTION_NAMES)})")
        if kind == "speedup" and (step.timing is None or not step.timing.baseline):
            at(cb, f"{dotted(cb)}: a speedup check needs the step's 'timing' with baseline: true")
