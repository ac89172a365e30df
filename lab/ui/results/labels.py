"""Tab labels that carry state: "Errors (1)", "Checks (2/3)", "Parallel (1)"; the panel dims the tabs
with nothing in them and italicises the stale ones through CSS classes on the Tab (-empty, -stale)."""

from __future__ import annotations

# tab id -> (full label, compact label)
TABS = {
    "output": ("Output", "Out"),
    "errors": ("Errors", "Err"),
    "llvm": ("LLVM IR", "IR"),
    "asm": ("Assembly", "Asm"),
    "types": ("Types", "Typ"),
    "parallel": ("Parallel", "Par"),
    "timings": ("Timings", "Time"),
    "checks": ("Checks", "Chk"),
    "ptx": ("PTX", "PTX"),
}
COMPACT_BELOW = 76  # panel width (cells) under which the compact labels are always used (wider: if they fit)


def tab_label(tab: str, *, compact: bool, count: str | None = None, simd: bool = False) -> str:
    """The words on one tab: its name, then a count in brackets, then a SIMD mark for IR/asm."""
    full, short = TABS[tab]
    label = short if compact else full
    if count:
        label += f" ({count})"
    if simd:
        label += " ≋" if compact else " SIMD"
    return label
