"""Pure text formatting for the results panes (no Textual, no numba): durations, speed-ups,
the job-state summary line, the checks verdict, the caret under an error column."""

from __future__ import annotations


def fmt_seconds(s: float | None) -> str:
    """A duration for people: 812 ns, 3.41 µs, 2.60 ms, 1.20 s; '—' when unknown."""
    if s is None:
        return "—"
    s = float(s)
    if s < 0:
        return "—"
    if s < 1e-6:
        return f"{s * 1e9:.0f} ns"
    if s < 1e-3:
        return f"{s * 1e6:.3g} µs"
    if s < 1.0:
        return f"{s * 1e3:.3g} ms"
    return f"{s:.3g} s"


def fmt_ms(ms: float | None) -> str:
    return "—" if ms is None else fmt_seconds(float(ms) / 1000.0)


def compile_words(ev: dict) -> str:
    """Compile time of a compiled/timings event: '87.8 ms'; with Numba's disk cache (no compile
    happens, so 0 ns would mislead) 'loaded from cache in 1.75 ms', or both when only part was cached."""
    compiled = fmt_ms(ev.get("compile_ms"))
    # compile work at import for other functions (eager signatures) is not the entry's: shown apart
    at_import = (f" (+ {fmt_ms(ev['import_compile_ms'])} compiling other functions at import)"
                 if ev.get("import_compile_ms") else "")
    if not ev.get("from_cache"):
        return compiled + at_import
    loaded = f"loaded from cache in {fmt_ms(ev.get('cache_load_ms'))}"
    return (f"{compiled}, {loaded}" if ev.get("compile_ms") else loaded) + at_import


def fmt_spread(x: float | None) -> str:
    """A relative run-to-run spread (interquartile range over median): '4%'; '—' when unknown."""
    return "—" if x is None else f"{float(x) * 100:.0f}%"


def fmt_speedup(x: float | None) -> str:
    """38.2x, 1.05x, 0.42x (slower), '—' when there is no baseline."""
    if x is None:
        return "—"
    x = float(x)
    if x >= 100:
        return f"{x:.0f}x"
    if x >= 10:
        return f"{x:.1f}x"
    return f"{x:.2f}x"


def caret_line(source_line: str, col: int | None) -> str | None:
    """The line under `source_line` with a caret at 1-based `col` (tabs kept so it lines up);
    without a column, underline the statement's non-blank span instead."""
    if source_line is None:
        return None
    if col is not None and col >= 1:
        prefix = "".join(ch if ch == "\t" else " " for ch in source_line[: col - 1])
        return prefix + "^"
    stripped = source_line.lstrip()
    if not stripped:
        return None
    indent = source_line[: len(source_line) - len(stripped)]
    return indent + "^" * len(stripped.rstrip())


def checks_words(failed: int, total: int) -> str:
    """'all 3 checks passed', '2 of 3 checks failed'; one check: 'the check passed' / 'the check failed'."""
    if total == 1:
        return "the check failed" if failed else "the check passed"
    return f"{failed} of {total} checks failed" if failed else f"all {total} checks passed"


def state_text(state: str, *, elapsed_ms: float | None = None, reason: str | None = None,
               cached: bool = False) -> str:
    """The words of the summary line for a job state; a run answered from the result cache says so."""
    if cached and state in ("done", "failed", "expected"):
        return state_text(state, reason=reason) + " · cached (from an earlier run)"
    if state == "compiling":
        return "compiling…"
    if state == "running":
        return "running…"
    if state == "done":
        return f"done in {fmt_ms(elapsed_ms)}" if elapsed_ms is not None else "done"
    if state == "failed":
        return f"failed: {reason}" if reason else "failed"
    if state == "expected":
        return f"done — {reason}" if reason else "done"
    return "idle"
