"""The one-line job summary above the results tabs: state, kind/target/mode, simulator, checks."""

from __future__ import annotations

from textual.content import Content

from lab.ui.plain import line

from .format import state_text

ICONS = {"compiling": "⋯", "running": "▶", "done": "✓", "expected": "✓", "failed": "✗"}
COLOURS = {"done": "$success", "expected": "$success", "failed": "$error"}


def summary_line(state: str, *, elapsed_ms: float | None = None, reason: str | None = None,
                 job: str | None = None, kind: str = "jit", target: str = "cpu", mode: str | None = None,
                 simulator: bool = False, checks: list[dict] = (), cached: bool = False) -> Content:
    """The summary line as Content; every word from the engine is shown as written (lab.ui.plain)."""
    icon, colour = ICONS.get(state, "·"), COLOURS.get(state, "$accent")
    words = state_text(state, elapsed_ms=elapsed_ms, reason=reason, cached=cached)
    parts = [line((f"{icon} {words}", f"b {colour}"))]
    if job is not None:
        # "jit/parallel · nopython"; a CUDA job is just "cuda" (was "cuda/cuda · cuda")
        where = f"{kind}" if target == kind else f"{kind}/{target}"
        if mode and mode not in (kind, target):
            where += f" · {mode}"
        parts.append(line((where, "dim")))
    if simulator:
        parts.append(line(("simulator", "b $warning")))
    if checks:
        marks = [line(("✓", "$success") if c.get("passed") else ("✗", "$error"), c.get("name") or "")
                 for c in checks]
        parts.append(Content(" ").join(marks))
    return Content("  ").join(parts)
