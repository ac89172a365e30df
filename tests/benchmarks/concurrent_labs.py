"""What N learners' idle labs cost a shared box: N headless labs, each a process holding a warm
engine Runner (warm worker + warm spare, exactly what the app keeps while a learner reads), each with
its own per-user state folder. Prints total RSS, PSS (shared pages split fairly) and CPU over an idle
window, measured with psutil over every process of every lab.

    python -m tests.benchmarks.concurrent_labs [N] [SECONDS] [--no-spare]
    measure(n=10, seconds=10) -> dict        (used by tests/benchmarks/scale.py)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# One idle lab: start the Runner like the app does, wait until its worker and spare are warm, say
# "ready", then sleep until stdin closes (the parent ends it).
LAB = r"""
import asyncio, sys
from lab.engine.runner import Runner

async def main():
    runner = Runner(cuda=sys.argv[1], spare=sys.argv[2] == "1")
    await runner.start()
    tasks = [t for t in (runner._primary, runner._spare) if t is not None]
    await asyncio.gather(*tasks)  # both workers have imported numba and compiled their warm-up
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # idle: blocked in a thread, no polling
    await runner.close()

asyncio.run(main())
"""


def _tree(procs) -> list:
    import psutil

    out = []
    for p in procs:
        try:
            parent = psutil.Process(p.pid)
            out.append(parent)
            out += parent.children(recursive=True)
        except psutil.NoSuchProcess:
            pass
    return out


def _thread_switches(pid: int) -> int:
    """Context switches of every thread (psutil's num_ctx_switches counts the main thread only)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            for line in (task / "status").read_text().splitlines():
                if "ctxt_switches:" in line:
                    total += int(line.split()[-1])
        except (OSError, ValueError):
            pass
    return total


def _cpu_seconds(ps) -> dict[int, tuple[float, int]]:
    """pid -> (user+system CPU seconds, voluntary+involuntary context switches)."""
    import psutil

    out = {}
    for p in ps:
        try:
            t = p.cpu_times()
            out[p.pid] = (t.user + t.system, _thread_switches(p.pid))
        except psutil.NoSuchProcess:
            pass
    return out


def measure(n: int = 10, seconds: float = 10.0, *, spare: bool = True, cuda: str = "off",
            start_timeout: float = 300.0) -> dict:
    """Start n idle labs, wait until all are warm, then measure them idle for `seconds`."""
    import psutil

    homes = [Path(tempfile.mkdtemp(prefix=f"bench-learner{i}-")) for i in range(n)]
    env_base = {k: v for k, v in os.environ.items() if k not in ("NUMBA_LAB_HOME", "NUMBA_CACHE_DIR")}
    env_base["PYTHONPATH"] = str(ROOT) + (os.pathsep + env_base["PYTHONPATH"] if env_base.get("PYTHONPATH") else "")
    t0 = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", LAB, cuda, "1" if spare else "0"],
                              env={**env_base, "NUMBA_LAB_HOME": str(h)}, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT))
             for h in homes]
    try:
        deadline = time.monotonic() + start_timeout
        for p in procs:
            line = p.stdout.readline()  # blocks until that lab is warm
            if line.strip() != "ready" or time.monotonic() > deadline:
                raise RuntimeError(f"a lab did not warm up: {line!r} {p.stderr.read()[-2000:] if p.poll() is not None else ''}")
        warm_s = time.perf_counter() - t0
        time.sleep(2.0)  # let start-up settle (imports finishing, page faults)
        ps = _tree(procs)
        before = _cpu_seconds(ps)
        t1 = time.perf_counter()
        time.sleep(seconds)
        elapsed = time.perf_counter() - t1
        after = _cpu_seconds(ps)
        cpu_s = sum(after[pid][0] - before[pid][0] for pid in after if pid in before)
        switches = sum(after[pid][1] - before[pid][1] for pid in after if pid in before)
        rss = pss = uss = worker_pss = 0
        parents = {p.pid for p in procs}
        for p in ps:
            try:
                m = p.memory_full_info()
                rss, pss, uss = rss + m.rss, pss + getattr(m, "pss", 0), uss + m.uss
                if p.pid not in parents:
                    worker_pss += getattr(m, "pss", 0)
            except psutil.NoSuchProcess:
                pass
        mib = 2**20
        return {
            "n": n,
            "seconds": round(elapsed, 2),
            "processes": len(ps),
            "workers_per_lab": 2 if spare else 1,
            "warm_s": round(warm_s, 1),
            "rss_mib": round(rss / mib, 1),
            "pss_mib": round(pss / mib, 1),
            "uss_mib": round(uss / mib, 1),
            "per_lab_rss_mib": round(rss / mib / n, 1),
            "per_lab_pss_mib": round(pss / mib / n, 1),
            "per_worker_pss_mib": round(worker_pss / mib / max(1, len(ps) - n), 1),
            "cpu_percent": round(100.0 * cpu_s / elapsed, 2),
            "cpu_count": os.cpu_count(),
            "wakeups_per_s": round(switches / elapsed, 1),  # context switches of all processes: idle loops show here
            "cpu_tick_s": 1.0 / os.sysconf("SC_CLK_TCK"),  # CPU time is counted in these ticks per process
            "note": (f"{n} labs x (runner process + {2 if spare else 1} warm worker(s)), idle {elapsed:.0f} s; "
                     f"RSS counts shared pages once per process, PSS splits them"),
        }
    finally:
        for p in procs:
            try:
                p.stdin.close()  # the lab closes its runner and exits
            except OSError:
                pass
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for h in homes:
            subprocess.run(["rm", "-rf", str(h)], check=False)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    flags = [a for a in argv if a.startswith("--")]
    argv = [a for a in argv if not a.startswith("--")]
    n = int(argv[0]) if argv else 10
    seconds = float(argv[1]) if len(argv) > 1 else 10.0
    res = measure(n=n, seconds=seconds, spare="--no-spare" not in flags)
    print(f"{res['n']} concurrent idle labs ({res['processes']} processes, warm after {res['warm_s']} s on "
          f"{res['cpu_count']} cores):")
    print(f"  CPU over {res['seconds']} s idle: {res['cpu_percent']:.2f}% of one core in total "
          f"({res['wakeups_per_s']} context switches/s over all processes)")
    print(f"  memory: RSS {res['rss_mib']:.0f} MiB total ({res['per_lab_rss_mib']:.0f} per lab), "
          f"PSS {res['pss_mib']:.0f} MiB ({res['per_lab_pss_mib']:.0f} per lab, {res['per_worker_pss_mib']:.0f} per worker), "
          f"USS {res['uss_mib']:.0f} MiB")
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
