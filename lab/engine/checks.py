"""Worker side: evaluate a step's checks (see docs/contracts.md, "Checks") against what the job saw.
Each check gives (name, passed, message)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lab.engine.errors import class_names

KINDS = ("equal", "output_contains", "nopython", "parallel_loop", "vectorized", "speedup", "signatures",
         "raises", "option", "no_error")


@dataclass
class Seen:
    """What the job produced, for the checks to look at."""
    ns: dict
    stdout: str = ""
    modes: list[str] = field(default_factory=list)  # one per compiled signature
    n_signatures: int = 0
    parallel_loops: int | None = None
    prange_loops: int | None = None  # of those, loops from the code's own prange
    vectorized: bool | None = None
    speedup: float | None = None
    options: object = None  # lab.options.Options of the decorator line, or None
    errors: int = 0  # unexpected errors so far


def check_name(check: dict) -> str:
    kind = check.get("kind", "?")
    detail = check.get("expr") or check.get("text") or ""
    if kind == "option":
        detail = f"{check.get('name')}={check.get('value')}"
    if kind in ("speedup", "signatures", "parallel_loop") and "min" in check:
        detail = f">= {check['min']}"
    if kind == "parallel_loop" and check.get("prange"):
        detail = f"{detail} from prange".strip()
    return f"{kind} {detail}".strip()


def _close(a, b, rtol, atol) -> bool:
    import numpy as np

    try:
        if isinstance(a, (np.ndarray, float, np.floating, complex)) or isinstance(b, (np.ndarray, float, np.floating)):
            a_arr, b_arr = np.asarray(a), np.asarray(b)
            return a_arr.shape == b_arr.shape and bool(np.allclose(a_arr, b_arr, rtol=rtol, atol=atol, equal_nan=True))
        return bool(a == b)
    except Exception:
        return False


def _short(v, n=200) -> str:
    s = repr(v)
    return s if len(s) <= n else s[: n - 3] + "..."


def evaluate(check: dict, seen: Seen) -> tuple[bool, str]:
    kind = check.get("kind")
    ns = seen.ns
    if kind == "equal":
        got = eval(compile(str(check["expr"]), "<check>", "eval"), ns)
        exp_src = check.get("expected")
        expected = eval(compile(str(exp_src), "<check>", "eval"), ns) if isinstance(exp_src, str) else exp_src
        ok = _close(got, expected, float(check.get("rtol", 1e-7)), float(check.get("atol", 0)))
        return ok, f"{check['expr']} gave {_short(got)}" + ("" if ok else f", expected {_short(expected)}")
    if kind == "output_contains":
        ok = str(check["text"]) in seen.stdout
        return ok, "found in the output" if ok else f"the output does not contain {check['text']!r}"
    if kind == "nopython":
        if not seen.modes:
            return False, "nothing was compiled"
        ok = all(m == "nopython" for m in seen.modes)
        return ok, "every signature compiled in nopython mode" if ok else "some signature compiled in object mode"
    if kind == "parallel_loop":
        want = int(check.get("min", 1))
        if check.get("prange"):
            got = seen.prange_loops or 0
            return got >= want, f"{got} parallel loop(s) from prange found (need {want})"
        got = seen.parallel_loops or 0
        return got >= want, f"{got} parallel loop(s) found (need {want})"
    if kind == "vectorized":
        ok = bool(seen.vectorized)
        return ok, "the LLVM IR uses vector types" if ok else "no vector types in the LLVM IR"
    if kind == "speedup":
        want = float(check["min"])
        if seen.speedup is None:
            return False, "no speed-up measured (the step needs a timing with baseline)"
        return seen.speedup >= want, f"speed-up {seen.speedup:.1f}x (need {want:g}x)"
    if kind == "signatures":
        want = int(check.get("min", 1))
        return seen.n_signatures >= want, f"{seen.n_signatures} compiled signature(s) (need {want})"
    if kind == "raises":
        want = str(check["error"])
        try:
            value = eval(compile(str(check["expr"]), "<check>", "eval"), ns)
        except BaseException as exc:  # noqa: BLE001 - learner code
            ok = want in class_names(exc)
            return ok, f"raised {type(exc).__name__}" + ("" if ok else f", expected {want}")
        return False, f"returned {_short(value)} instead of raising {want}"
    if kind == "option":
        name, value = check["name"], check.get("value")
        if seen.options is None:
            return False, "no Numba decorator found on the entry"
        got = getattr(seen.options, name, None)
        return got == value, f"{name}={got!r}" + ("" if got == value else f" (want {value!r})")
    if kind == "no_error":
        return seen.errors == 0, "nothing raised" if seen.errors == 0 else f"{seen.errors} error(s) raised"
    raise ValueError(f"unknown check kind {kind!r}; known: {', '.join(KINDS)}")


def run_check(check: dict, seen: Seen) -> dict:
    name = check_name(check)
    try:
        passed, detail = evaluate(check, seen)
    except BaseException as exc:  # noqa: BLE001 - learner code is evaluated here
        passed, detail = False, f"check raised {type(exc).__name__}: {exc}"
    message = detail if passed or not check.get("message") else f"{check['message']} ({detail})"
    return {"name": name, "passed": bool(passed), "message": message}
