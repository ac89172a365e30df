"""Run the benchmarks and print one table, each figure beside its budget (../shared/DESIGN.md).

    python -m tests.benchmarks                 # everything (about 5-8 minutes on 2 cores)
    python -m tests.benchmarks latency paper   # some sections only
    python -m tests.benchmarks --list

Writes tests/benchmarks/results/latest.json (and a time-stamped copy). Numbers, not assertions: a
missed budget is marked MISSED in the table and the exit code stays 0 unless a section crashed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
import traceback
from pathlib import Path

from .common import Row

SECTIONS = ("startup", "latency", "overhead", "accuracy", "cache", "paper", "scale", "served", "classview")
RESULTS = Path(__file__).with_name("results")


async def _engine_sections(names, tmp: Path) -> list[Row]:
    from . import accuracy, latency, overhead, paper, resultcache
    from .common import warm_runner

    rows: list[Row] = []
    runner = await warm_runner(work_dir=tmp / "work", cuda="off")
    try:
        for name in names:
            t = time.perf_counter()
            print(f"... {name}", file=sys.stderr, flush=True)
            try:
                if name == "latency":
                    rows += await latency.section(runner)
                elif name == "overhead":
                    rows += await overhead.section(runner, tmp)
                elif name == "accuracy":
                    rows += await accuracy.section(runner, tmp)
                elif name == "paper":
                    rows += await paper.section(runner)
                elif name == "cache":
                    rows += await resultcache.section(runner)
            except Exception as exc:  # noqa: BLE001 - one broken section must not hide the others
                traceback.print_exc()
                rows.append(Row(name, "section failed", None, "", "", "MISSED", f"{type(exc).__name__}: {exc}"))
            print(f"    {name} took {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    finally:
        await runner.close()
    return rows


def _run_sync_section(name: str) -> list[Row]:
    from . import classview, scale, served, startup

    print(f"... {name}", file=sys.stderr, flush=True)
    t = time.perf_counter()
    try:
        if name == "startup":
            return startup.section(120, 36) + startup.section(80, 24)
        if name == "scale":
            return scale.app_idle() + scale.concurrent_labs(10) + scale.big_pack()
        if name == "served":
            return served.section(4)
        if name == "classview":
            return classview.section()
    except Exception as exc:  # noqa: BLE001
        traceback.print_exc()
        return [Row(name, "section failed", None, "", "", "MISSED", f"{type(exc).__name__}: {exc}")]
    finally:
        print(f"    {name} took {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    return []


def _fmt(v) -> str:
    if v is None:
        return "-"
    return f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}"


def print_table(rows: list[Row]) -> None:
    headers = ("section", "measure", "value", "unit", "budget", "verdict")
    table = [(r.section, r.name, _fmt(r.value), r.unit, r.budget, r.verdict) for r in rows]
    widths = [max(len(h), *(len(t[i]) for t in table)) if table else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    print(line)
    print("-" * len(line))
    for t, r in zip(table, rows):
        print("  ".join(c.ljust(w) for c, w in zip(t, widths)))
        if r.note:
            print(" " * (widths[0] + 2) + f"  ({r.note})")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("sections", nargs="*", metavar="SECTION",
                    help=f"any of {', '.join(SECTIONS)} (default: all)")
    ap.add_argument("--list", action="store_true", help="list the sections and exit")
    ap.add_argument("--no-save", action="store_true", help="do not write results JSON")
    args = ap.parse_args(argv)
    if args.list:
        print("\n".join(SECTIONS))
        return 0
    names = args.sections or list(SECTIONS)
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        ap.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    tmp = Path(tempfile.mkdtemp(prefix="numba-lab-bench-"))
    os.environ.setdefault("NUMBA_LAB_HOME", str(tmp / "home"))
    started = time.time()
    rows: list[Row] = []
    if "startup" in names:
        rows += _run_sync_section("startup")
    engine = [n for n in names if n in ("latency", "overhead", "accuracy", "cache", "paper")]
    if engine:
        rows += asyncio.run(_engine_sections(engine, tmp))
    for name in ("scale", "served", "classview"):
        if name in names:
            rows += _run_sync_section(name)
    print()
    print_table(rows)
    crashed = any(r.name == "section failed" for r in rows)
    if not args.no_save:
        import numba
        import psutil

        RESULTS.mkdir(exist_ok=True)
        doc = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
               "seconds": round(time.time() - started, 1),
               "machine": {"cpus": os.cpu_count(), "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
                           "python": platform.python_version(), "numba": numba.__version__,
                           "platform": platform.platform()},
               "rows": [r.to_json() for r in rows]}
        text = json.dumps(doc, indent=2)
        (RESULTS / "latest.json").write_text(text)
        (RESULTS / f"run-{time.strftime('%Y%m%d-%H%M%S', time.gmtime(started))}.json").write_text(text)
        print(f"\nwrote {RESULTS / 'latest.json'}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
