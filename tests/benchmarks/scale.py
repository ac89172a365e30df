"""Scale: idle CPU and RSS of the app (with its warm workers), and of 10 concurrent headless labs."""

from __future__ import annotations

import importlib
import tempfile
from pathlib import Path

from .common import Row, judge
from .ptyapp import PtyApp
from .startup import FIRST_FRAME, WORKER_WARM

IDLE_SECONDS = 10


def app_idle() -> list[Row]:
    app = PtyApp(Path(tempfile.mkdtemp(prefix="bench-home-"))).start()
    try:
        if app.wait_for(FIRST_FRAME, 30) is None:
            raise RuntimeError(f"app never drew its first frame:\n{app.text()[-2000:]}")
        app.wait_for(WORKER_WARM, 60)
        app.tree_rss_cpu(2.0)  # let start-up settle
        rss, cpu = app.tree_rss_cpu(IDLE_SECONDS)
        import psutil

        own = psutil.Process(app.proc.pid).memory_info().rss / 2**20
    finally:
        app.close()
    return [
        Row("scale", "idle app CPU (app + workers)", cpu, "% of a core", "~0%", judge(cpu, 1.0),
            f"over {IDLE_SECONDS} s, lesson list open, workers warm"),
        Row("scale", "idle app RSS (the Textual process)", own, "MiB", "< 150 MB", judge(own, 150)),
        Row("scale", "idle app RSS incl. warm workers", rss, "MiB", "", "",
            "workers hold numba + LLVM; one per target in use plus a spare"),
    ]


def concurrent_labs(n: int = 10) -> list[Row]:
    try:
        mod = importlib.import_module("tests.benchmarks.concurrent_labs")
    except ImportError as exc:
        return [Row("scale", f"{n} concurrent headless labs", None, "", "", "", f"not measured: {exc}")]
    res = mod.measure(n=n, seconds=IDLE_SECONDS)
    rows = []
    for key, unit in (("rss_mib", "MiB"), ("cpu_percent", "% of a core")):
        if key in res:
            rows.append(Row("scale", f"{n} concurrent idle labs: total {key.split('_')[0].upper()}", res[key], unit,
                            "", "", res.get("note", "")))
    if not rows:
        rows.append(Row("scale", f"{n} concurrent headless labs", None, "", "", "", repr(res)[:200]))
    return rows
