"""Start-up: `numba-lab` process start -> first interactive frame, and -> worker warm (status bar)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from .common import Row, judge, median
from .ptyapp import PtyApp

ROUNDS = 3
# The lesson list's first lesson title: the first frame a learner can act on.
FIRST_FRAME = r"Your first @jit|first-jit"
# The status bar names the worker's state; "idle" once numba is imported and the first compile is done.
WORKER_WARM = r"\bidle\b"


def section(cols: int = 120, rows: int = 36) -> list[Row]:
    frames, warms = [], []
    for _ in range(ROUNDS):
        app = PtyApp(Path(tempfile.mkdtemp(prefix="bench-home-")), cols=cols, rows=rows).start()
        try:
            frames.append(app.wait_for(FIRST_FRAME, 30))
            warms.append(app.wait_for(WORKER_WARM, 60))
        finally:
            app.close()
    if None in frames:
        raise RuntimeError(f"no first frame seen; screen was:\n{app.text()[-2000:]}")
    frame_ms = median(frames) * 1000
    warm_ms = median([w for w in warms if w is not None]) * 1000 if any(w is not None for w in warms) else None
    return [
        Row("startup", "process start -> first interactive frame", frame_ms, "ms", "< 1000 ms",
            judge(frame_ms, 1000), f"median of {ROUNDS} at {cols}x{rows}"),
        Row("startup", "process start -> worker warm (status 'idle')", warm_ms, "ms", "", "",
            "numba import + first compile, in the background"),
    ]
