"""Which ResultsPanel the lesson screen mounts: the real one from lab/ui/results/ when it exists."""

from __future__ import annotations

try:
    from lab.ui.results import ResultsPanel
except ImportError:  # INTERIM: lab/ui/results/ not landed yet
    from lab.ui.results_fallback import ResultsPanel

__all__ = ["ResultsPanel"]
