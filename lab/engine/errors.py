"""Turn exceptions from learner code into contract `error` events: a condensed summary, the learner's
line (from Numba's message or the traceback), the full text, and a hint. Pure Python (no numba import):
Numba exception classes are recognised by name along the MRO."""

from __future__ import annotations

import re
import traceback

_COMPILE_ERRORS = {"TypingError", "UnsupportedError", "LoweringError", "NumbaError", "ForbiddenConstruct",
                   "CompilerError", "UnsupportedRewriteError", "ConstantInferenceError", "VerificationError",
                   "NotDefinedError", "RedefinedError", "UntypedAttributeError", "InternalError",
                   "UnsupportedBytecodeError", "NumbaNotImplementedError", "NumbaValueError",
                   "NumbaTypeError", "NumbaAttributeError", "NumbaKeyError", "NumbaIndexError",
                   "NumbaAssertionError", "NumbaParallelSafetyWarning"}
_RUNTIME_NUMBA = {"NumbaRuntimeError"}
_ANSI = re.compile(r"\x1b\[[0-9;]*m")

HINTS = {
    "TypingError": "Numba could not work out a type here: look at the marked line and the types listed.",
    "UnsupportedError": "This Python feature is not supported in nopython mode.",
    "MemoryError": "The job hit its memory cap; try a smaller size.",
    "RecursionError": "Runaway recursion: check the base case.",
    "ZeroDivisionError": None,
    "IndexError": "An index is outside the array; Numba only checks this with boundscheck=True.",
    "SystemExit": "sys.exit() was caught by the lab; nothing was ended.",
    "KeyboardInterrupt": None,
}


def class_names(exc: BaseException) -> list[str]:
    return [c.__name__ for c in type(exc).__mro__]


def is_compile_error(exc: BaseException) -> bool:
    names = set(class_names(exc))
    if names & _RUNTIME_NUMBA:
        return False
    return bool(names & _COMPILE_ERRORS) and any(
        c.__module__.startswith("numba") for c in type(exc).__mro__)


def condense(message: str) -> str:
    """Numba's long messages -> the essential lines (no 'Failed in ... pipeline' preamble, no
    'During:' trail, no source excerpt)."""
    lines = [_ANSI.sub("", ln).rstrip() for ln in message.strip().splitlines()]
    keep: list[str] = []
    for ln in lines:
        s = ln.strip()
        if s.startswith("Failed in ") and "pipeline" in s:
            continue
        if s.startswith(("During:", "File \"", "Enable logging", "This error may have been caused",
                         "For more information", "- argument", "There are", "Rejected as the")):
            break
        if not s and keep:
            if len(keep) >= 2:
                break
            continue
        if s:
            keep.append(s)
        if len(keep) >= 6:
            break
    return "\n".join(keep) or (lines[0] if lines else "")


def learner_location(text: str, path: str) -> int | None:
    """The last ``File "<path>", line N`` in a message or traceback text."""
    found = None
    for m in re.finditer(r'File "([^"]+)", line (\d+)', text):
        if m.group(1) == path:
            found = int(m.group(2))
    if found is None:  # Numba's "at /path/file.py (5)" form
        for m in re.finditer(re.escape(path) + r" \((\d+)\)", text):
            found = int(m.group(1))
    return found

THREAD_HINT = ("No thread could be started within the job's memory cap. The CUDA simulator runs every GPU "
               "thread of a block as a Python thread (512 KiB of stack each, NUMBA_LAB_SIM_STACK_KB); "
               "launch fewer threads per block or give the job more memory (a step's memory_mb, "
               "numba-lab run --memory-mb).")

SIM_UFUNC_HINT = ("CUDA ufuncs (@vectorize/@guvectorize with target='cuda') do not work in Numba's CUDA "
                  "simulator, which the lab uses without a GPU (lesson 10 says why). Run it where an NVIDIA "
                  "GPU is present, pick the cpu or parallel target, or write the loop as a @cuda.jit kernel "
                  "(lesson 11): the simulator runs those.")


def describe(exc: BaseException, *, path: str, source: str, stage: str) -> dict:
    """Fields for an error event (everything but type/job/t/expected)."""
    etype = type(exc).__name__
    full_tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    message = _ANSI.sub("", str(exc))
    line = col = None
    if isinstance(exc, SyntaxError) and getattr(exc, "filename", None) == path:
        line, col = exc.lineno, exc.offset
        summary = f"{etype}: {exc.msg}"
    else:
        notes = "\n".join(getattr(exc, "__notes__", None) or [])
        line = learner_location(message + "\n" + notes, path)
        if line is None:
            tb_lines = [fs.lineno for fs in traceback.extract_tb(exc.__traceback__) if fs.filename == path]
            line = tb_lines[-1] if tb_lines else None
        body = condense(message) if is_compile_error(exc) else (message.strip().splitlines() or [""])[0][:500]
        summary = f"{etype}: {body}" if body else etype
    src_lines = source.splitlines()
    source_line = src_lines[line - 1] if line and 0 < line <= len(src_lines) else None
    if is_compile_error(exc) and stage in ("run", "import"):
        stage = "compile"
    hint = HINTS.get(etype)
    if etype == "RuntimeError" and "can't start new thread" in message:
        hint = THREAD_HINT
    elif etype == "AttributeError" and "'FakeOverload'" in message:
        hint = SIM_UFUNC_HINT
    if isinstance(exc, SystemExit):
        summary = f"SystemExit({exc.code!r}): the code called sys.exit()"
    return {"stage": stage, "etype": etype, "summary": summary, "line": line, "col": col,
            "source_line": source_line, "full": f"{message}\n\n{full_tb}".strip(), "hint": hint}


def matches_expected(expect: dict | None, exc: BaseException | None, etype: str, full: str) -> bool:
    if not expect:
        return False
    want = expect.get("type")
    names = class_names(exc) if exc is not None else [etype]
    if want and want not in names:
        return False
    pattern = expect.get("match")
    return not pattern or re.search(pattern, full, re.S) is not None
