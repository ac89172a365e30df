"""The results panes of the lab: `ResultsPanel` shows one engine job's events in tabs.

No numba import here (UI rule); styles live in lab/ui/results.tcss.
"""

from .panel import ResultsPanel

__all__ = ["ResultsPanel"]
