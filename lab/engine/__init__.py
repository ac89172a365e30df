"""Everything that runs learner code out of process.

The parent side (protocol, runner, irtext, headless) never imports numba; only the worker process
(``python -m lab.engine.worker``) does. Nothing here imports textual.
"""
