"""The status line: worker state, Numba version, cores, CUDA, last job and draft state."""
