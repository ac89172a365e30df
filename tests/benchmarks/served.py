"""What N served learners cost one box, as under JupyterHub: each learner runs their own
`numba-lab serve --socket` (like the hub's proxy starts it), with one browser session (a real
websocket) whose lab process keeps a warm worker and a warm spare. Measured with psutil over every
process of every learner: PSS (shared pages split fairly) and CPU while everyone reads (idle), then
during a compile burst (every learner opens lesson 1's first code step at the same moment, which
compiles and runs it), with the wall time until the last learner sees the result.

    python -m tests.benchmarks.served [N] [IDLE_SECONDS]
    python -m tests.benchmarks served          (in the table, N=4)
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .concurrent_labs import _cpu_seconds, _tree

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "bench-token-" + "b" * 24
MIB = 2**20


class Learner:
    """One learner's `numba-lab serve --socket` and one websocket session to it."""

    def __init__(self, i: int, tmp: Path):
        self.home = tmp / f"learner{i}"
        self.home.mkdir(mode=0o700)
        self.sock = self.home / "lab.sock"
        env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_LAB_HOME", "NUMBA_CACHE_DIR")}
        env.update(NUMBA_LAB_HOME=str(self.home / "state"), NUMBA_LAB_SERVE_TOKEN=TOKEN,
                   PYTHONPATH=str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""))
        self.proc = subprocess.Popen([sys.executable, "-m", "lab", "serve", "--socket", str(self.sock)], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=str(ROOT))
        self.raw = bytearray()
        self.mark = 0  # where the screen output after the last keys begins
        self.session = self.ws = self.reader = None

    async def connect(self, timeout: float = 120.0) -> None:
        import aiohttp

        deadline = time.monotonic() + timeout
        while not self.sock.exists():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("numba-lab serve did not start")
            await asyncio.sleep(0.2)
        self.session = aiohttp.ClientSession(connector=aiohttp.UnixConnector(path=str(self.sock)))
        while True:  # the socket file exists a moment before the server listens on it
            try:
                self.ws = await self.session.ws_connect("http://localhost/ws?width=120&height=36",
                                                        headers={"Authorization": f"token {TOKEN}"})
                break
            except aiohttp.ClientConnectionError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)
        await self.ws.send_json(["resize", {"width": 120, "height": 36}])
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        import aiohttp

        async for msg in self.ws:
            if msg.type == aiohttp.WSMsgType.BINARY:
                self.raw += msg.data

    async def wait_for(self, wanted: bytes, timeout: float = 300.0) -> None:
        """Until `wanted` is drawn after the last keys sent (escapes stripped a few times a second only:
        the reader must stay cheap, it is not one of the measured processes but shares the cores)."""
        from tests.instructor.test_serve import ANSI

        deadline = time.monotonic() + timeout
        while wanted not in ANSI.sub(b"", bytes(self.raw[self.mark:])):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{wanted!r} never appeared")
            await asyncio.sleep(0.25)

    async def keys(self, data: str) -> None:
        self.mark = len(self.raw)
        await self.ws.send_json(["stdin", data])

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.session is not None:
            await self.session.close()
        if self.reader is not None:
            self.reader.cancel()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _pss(ps) -> float:
    import psutil

    total = 0
    for p in ps:
        try:
            total += p.memory_full_info().pss
        except psutil.NoSuchProcess:
            pass
    return total


async def _settle(procs, limit_percent: float = 10.0, timeout: float = 300.0) -> float:
    """Wait until the learners' processes together use under limit_percent of one core (warm-up done)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        ps = _tree(procs)
        before = _cpu_seconds(ps)
        await asyncio.sleep(2.0)
        after = _cpu_seconds(ps)
        used = sum(after[pid][0] - before[pid][0] for pid in after if pid in before)
        if 100.0 * used / 2.0 < limit_percent:
            break
    return time.perf_counter() - t0


async def measure(n: int = 4, seconds: float = 10.0) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="numba-lab-served-"))
    learners = [Learner(i, tmp) for i in range(n)]
    procs = [lr.proc for lr in learners]
    try:
        t0 = time.perf_counter()
        await asyncio.gather(*(lr.connect() for lr in learners))
        await asyncio.gather(*(lr.wait_for(b"Types and signatures") for lr in learners))
        drawn_s = time.perf_counter() - t0
        await _settle(procs)
        warm_s = time.perf_counter() - t0
        ps = _tree(procs)
        before = _cpu_seconds(ps)
        t1 = time.perf_counter()
        await asyncio.sleep(seconds)
        idle_elapsed = time.perf_counter() - t1
        after = _cpu_seconds(ps)
        idle_cpu = sum(after[pid][0] - before[pid][0] for pid in after if pid in before)
        idle_pss = _pss(ps)

        # the burst: everyone opens lesson 1 and goes to its first code step at once (it compiles and runs)
        await asyncio.gather(*(lr.keys("\r") for lr in learners))
        await asyncio.gather(*(lr.wait_for(b"What Numba is") for lr in learners))
        ps = _tree(procs)
        before = _cpu_seconds(ps)
        peak = _pss(ps)
        t2 = time.perf_counter()
        await asyncio.gather(*(lr.keys("\x0e") for lr in learners))  # ctrl+n
        done = asyncio.gather(*(lr.wait_for(b"= [(int64, int64)]") for lr in learners))
        while not done.done():
            peak = max(peak, _pss(_tree(procs)))
            await asyncio.sleep(0.3)
        await done
        burst_s = time.perf_counter() - t2
        after = _cpu_seconds(_tree(procs))
        burst_cpu = sum(after[pid][0] - before.get(pid, (0.0, 0))[0] for pid in after)
        return {
            "n": n,
            "processes": len(_tree(procs)),
            "cpu_count": os.cpu_count(),
            "drawn_s": round(drawn_s, 1),
            "warm_s": round(warm_s, 1),
            "idle_seconds": round(idle_elapsed, 1),
            "idle_cpu_percent": round(100.0 * idle_cpu / idle_elapsed, 2),
            "idle_pss_mib": round(idle_pss / MIB, 1),
            "per_learner_idle_pss_mib": round(idle_pss / MIB / n, 1),
            "burst_peak_pss_mib": round(peak / MIB, 1),
            "per_learner_burst_pss_mib": round(peak / MIB / n, 1),
            "burst_wall_s": round(burst_s, 2),
            "burst_cpu_s": round(burst_cpu, 2),
            "burst_cpu_s_per_learner": round(burst_cpu / n, 2),
        }
    finally:
        await asyncio.gather(*(lr.close() for lr in learners), return_exceptions=True)
        subprocess.run(["rm", "-rf", str(tmp)], check=False)


def section(n: int = 4):
    from .common import Row

    res = asyncio.run(measure(n))
    note = f"{n} learners x (serve + lab + warm worker + spare), {res['cpu_count']} cores"
    return [
        Row("served", f"PSS per learner, idle ({n} learners)", res["per_learner_idle_pss_mib"], "MiB", "", "", note),
        Row("served", f"CPU, all {n} idle", res["idle_cpu_percent"], "% of 1 core", "", "", ""),
        Row("served", f"PSS per learner, compile burst ({n} at once)", res["per_learner_burst_pss_mib"], "MiB", "",
            "", "peak over the burst"),
        Row("served", f"compile burst: last learner's result ({n} at once)", res["burst_wall_s"], "s", "", "",
            f"{res['burst_cpu_s_per_learner']} CPU-s per learner"),
    ]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    n = int(argv[0]) if argv else 4
    seconds = float(argv[1]) if len(argv) > 1 else 10.0
    res = asyncio.run(measure(n, seconds))
    print(f"{n} served learners ({res['processes']} processes, {res['cpu_count']} cores; lists drawn after "
          f"{res['drawn_s']} s, warm after {res['warm_s']} s):")
    print(f"  idle {res['idle_seconds']} s: CPU {res['idle_cpu_percent']}% of one core in total, "
          f"PSS {res['idle_pss_mib']:.0f} MiB ({res['per_learner_idle_pss_mib']:.0f} per learner)")
    print(f"  compile burst, all at once: last result after {res['burst_wall_s']} s, "
          f"{res['burst_cpu_s']} CPU-s ({res['burst_cpu_s_per_learner']} per learner), "
          f"peak PSS {res['burst_peak_pss_mib']:.0f} MiB ({res['per_learner_burst_pss_mib']:.0f} per learner)")
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
