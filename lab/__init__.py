"""numba-lab: a terminal learning lab for Numba."""

__version__ = "0.1.0"
