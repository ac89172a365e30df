"""On-demand benchmarks (not part of the pytest run): `python -m tests.benchmarks [section ...]`."""
