"""The one-line job summary above the results tabs: state, kind/target/mode, simulator, checks."""

from __future__ import annotations

from textual.markup import escape

from .format import state_text

ICONS = {"compiling": "⋯", "running": "▶", "done": "✓", "expected": "✓", "failed": "✗"}
COLOURS = {"done": "$success", "expected": "$success", "failed": "$error"}


def summary_markup(state: str, *, elapsed_ms: float | None = None, reason: str | None = None,
                   job: str | None = None, kind: str = "jit", target: str = "cpu", mode: str | None = None,
                   simulator: bool = False, checks: list[dict] = ()) -> str:
    """Content markup for the summary line; every word from the engine is escaped."""
    icon, colour = ICONS.get(state, "·"), COLOURS.get(state, "$accent")
    words = escape(state_text(state, elapsed_ms=elapsed_ms, reason=reason))
    parts = [f"[b {colour}]{icon} {words}[/]"]
    if job is not None:
        # "jit/parallel · nopython"; a CUDA job is just "cuda" (was "cuda/cuda · cuda")
        where = escape(kind) if target == kind else f"{escape(kind)}/{escape(target)}"
        if mode and mode not in (kind, target):
            where += f" · {escape(mode)}"
        parts.append(f"[dim]{where}[/]")
    if simulator:
        parts.append("[b $warning]simulator[/]")
    if checks:
        marks = [("[$success]✓[/]" if c.get("passed") else "[$error]✗[/]") + escape(str(c.get("name") or ""))
                 for c in checks]
        parts.append(" ".join(marks))
    return "  ".join(parts)
