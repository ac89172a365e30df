"""Parent side of the engine (asyncio; never imports numba or textual).

A ``Runner`` keeps a warm worker (numba imported, a function compiled) plus a warm spare. ``run(job)``
streams the job's events; a new ``run()`` supersedes the running one at once (its worker's process
group is killed and the spare takes over). Worker deaths (signal, exit, timeout, memory) become an
``error`` event with a hint and a ``done`` with the cause; the caller never sees an exception for a
learner fault. CUDA jobs go to a separate worker (started lazily; simulator when there is no GPU).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes.util
import json
import os
import re
import signal
import sys
import time
from collections import deque
from pathlib import Path
from typing import AsyncIterator, Callable

from lab.engine import limits, resultcache
from lab.engine.protocol import Job, JobError, error_event
from lab.engine.protocol import event as make_event

STREAM_LIMIT = 64 * 1024 * 1024  # event lines (IR text) can be far longer than asyncio's 64 KiB
RECYCLE_AFTER = 25  # jobs per worker before a fresh one takes over (memory, leaked state)
KILL_GRACE_S = 2.0
SIGNAL_HINTS = {
    "SIGSEGV": "likely an out-of-bounds access or runaway recursion; try boundscheck=True",
    "SIGBUS": "a bad memory access; check array indices (try boundscheck=True)",
    "SIGABRT": "the process aborted (often LLVM running out of memory, or a failed internal assertion)",
    "SIGFPE": "an arithmetic fault such as an integer division by zero",
    "SIGKILL": "killed from outside, often because the machine ran out of memory",
    "SIGILL": "an illegal instruction; report this with the code that caused it",
}


def cuda_mode(setting: str) -> str | None:
    """'real', 'sim' or None (off). Cheap: no numba import, no driver call."""
    if setting == "off":
        return None
    if setting == "sim":
        return "sim"
    has_lib = ctypes.util.find_library("cuda") is not None
    return "real" if has_lib and os.path.exists("/dev/nvidia0") else "sim"


class WorkerStartError(RuntimeError):
    pass


def _start_failure_reason(text: str) -> str:
    """The exception line of a start-up traceback, plus the first line of its message, briefly."""
    lines = [ln.strip() for ln in text.splitlines()]
    for i in range(len(lines) - 1, -1, -1):
        m = re.match(r"^([\w.]+(?:Error|Exception)): ?(.*)$", lines[i])
        if m:
            name = m.group(1).rsplit(".", 1)[-1]
            rest = m.group(2).strip() or next((ln for ln in lines[i + 1:] if ln and ln != ":"), "")
            if rest.endswith(":") and i + 1 < len(lines):
                rest = (rest + " " + next((ln for ln in lines[i + 1:] if ln and ln != ":"), "")).strip()
            return f"{name}: {rest}"[:160]
    return next((ln for ln in reversed(lines) if ln and ln != ":"), "unknown error")[:160]


class _Worker:
    def __init__(self, proc, reader: asyncio.StreamReader, jobs, kind: str, simulator: bool):
        self.proc, self.reader, self.jobs, self.kind, self.simulator = proc, reader, jobs, kind, simulator
        self.stderr_tail: deque[bytes] = deque(maxlen=64)
        self.ready: dict | None = None
        self.jobs_run = 0
        self.killing = False
        self.retired: str | None = None  # why it takes no more jobs (learner threads left running)
        self._drain = asyncio.ensure_future(self._drain_stderr())

    @property
    def alive(self) -> bool:
        return self.proc.returncode is None and not self.killing and not self.retired

    async def _drain_stderr(self) -> None:
        with contextlib.suppress(Exception):
            while True:
                chunk = await self.proc.stderr.read(4096)
                if not chunk:
                    break
                self.stderr_tail.append(chunk)

    def stderr_text(self) -> str:
        return b"".join(self.stderr_tail).decode("utf-8", errors="replace")[-16000:]

    async def wait_ready(self) -> dict:
        while True:
            line = await self.reader.readline()
            if not line:
                rc = await self.wait_exit()
                raise WorkerStartError(f"the worker exited during start-up (code {rc}):\n{self.stderr_text()}")
            msg = json.loads(line)
            if msg.get("type") == "ready":
                self.ready = msg
                return msg

    def send(self, job: Job) -> None:
        self.jobs.write((json.dumps(job.to_json()) + "\n").encode())

    async def kill(self) -> None:
        """SIGTERM to the whole process group, SIGKILL after a grace period (nopython loops and
        learner SIG_IGN handlers ignore SIGTERM)."""
        self.killing = True
        pgid = self.proc.pid
        # first every descendant, wherever it went (start_new_session, double fork): once the worker
        # is gone they belong to init and cannot be found any more
        self.kill_descendants()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGTERM)
        if await self.wait_exit(KILL_GRACE_S) is None:
            self.kill_descendants()  # any started during the grace period
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)  # stragglers too (forked children)
        await self.wait_exit()
        with contextlib.suppress(Exception):
            self.jobs.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._drain, 1.0)

    async def wait_exit(self, timeout: float | None = None) -> int | None:
        """The worker's exit status once it has exited (None: still running after `timeout` s).
        Not proc.wait(): on Python 3.11 that also waits for EOF on the stderr pipe, which a child the
        learner's code forked can hold open for as long as it lives."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.proc.returncode is None:
            if deadline is not None and time.monotonic() >= deadline:
                return None
            await asyncio.sleep(0.01)
        return self.proc.returncode

    def kill_descendants(self) -> None:
        if self.proc.returncode is None:
            with contextlib.suppress(Exception):
                limits.kill_descendants(self.proc.pid)

    async def close(self) -> None:
        if self.proc.returncode is None:
            with contextlib.suppress(Exception):
                self.jobs.close()  # EOF on the job pipe: the worker exits by itself
            await self.wait_exit(1.0)
        await self.kill()


def _worker_env(cuda: str | None) -> dict:
    from lab import paths

    env = dict(os.environ)
    env["NUMBA_CACHE_DIR"] = str(paths.numba_cache_dir())
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["NUMBA_DISABLE_ERROR_MESSAGE_HIGHLIGHTING"] = "1"
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("NUMBA_ENABLE_CUDASIM", None)
    if cuda is not None:
        env["NUMBA_LAB_CUDA_WORKER"] = "1"
        if cuda == "sim":
            env["NUMBA_ENABLE_CUDASIM"] = "1"
    return env


async def spawn_worker(work_dir: Path, cuda: str | None = None) -> _Worker:
    r_job, w_job = os.pipe()
    r_ev, w_ev = os.pipe()
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "lab.engine.worker", "--jobs-fd", str(r_job), "--events-fd", str(w_ev),
            "--parent", str(os.getpid()), "--work-dir", str(work_dir),
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE, pass_fds=(r_job, w_ev), start_new_session=True,
            env=_worker_env(cuda), cwd=str(work_dir),
        )
    finally:
        os.close(r_job)
        os.close(w_ev)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=STREAM_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(r_ev, "rb", 0))
    jobs, _ = await loop.connect_write_pipe(asyncio.Protocol, os.fdopen(w_job, "wb", 0))
    return _Worker(proc, reader, jobs, "cuda" if cuda else "cpu", cuda == "sim")


class Runner:
    def __init__(self, *, work_dir: Path | None = None, cuda: str = "auto", spare: bool = True):
        if cuda not in ("auto", "sim", "off"):
            raise ValueError(f"cuda must be 'auto', 'sim' or 'off', not {cuda!r}")
        if work_dir is None:
            from lab import paths

            work_dir = paths.work_dir()
        self.work_dir = Path(work_dir)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.cuda_setting = cuda
        self.cuda = cuda_mode(cuda)
        self.cuda_fallback: str | None = None  # why a present GPU could not be used, if it could not
        self.state = "warming"
        self.on_state: Callable[[str], None] | None = None
        self.info: dict = {"numba": None, "cpus": os.cpu_count(),
                           "cuda": None if self.cuda is None else ("CUDA simulator" if self.cuda == "sim" else "CUDA device")}
        self._primary: asyncio.Task | None = None
        self._spare: asyncio.Task | None = None
        self._cuda_task: asyncio.Task | None = None
        self._gen = 0
        self._active: _Worker | None = None
        self._background: set[asyncio.Task] = set()
        self._closed = False
        self._want_spare = spare
        self.results = resultcache.ResultCache()  # answers for jobs already run in this session

    # ------------------------------------------------------------ state
    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            if self.on_state is not None:
                with contextlib.suppress(Exception):
                    self.on_state(state)

    def _bg(self, coro) -> asyncio.Task:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def _start_worker(self, cuda: str | None) -> _Worker:
        worker = await spawn_worker(self.work_dir, cuda)
        try:
            ready = await worker.wait_ready()
        except BaseException:
            await worker.kill()
            raise
        if cuda is None:
            self.info["numba"] = ready.get("numba")
        elif ready.get("cuda"):
            self.info["cuda"] = ready["cuda"] + (f" (GPU unusable: {self.cuda_fallback})" if self.cuda_fallback else "")
        return worker

    def _new_task(self, cuda: str | None = None) -> asyncio.Task:
        task = asyncio.ensure_future(self._start_worker(cuda))
        task.add_done_callback(lambda t: t.cancelled() or t.exception())  # never "exception never retrieved"
        return task

    async def _promote_spare(self, task: asyncio.Task) -> None:
        """The spare (or a fresh worker) replaces `task` as the primary, unless that happened already."""
        if self._primary is task:
            self._primary, self._spare = self._spare or self._new_task(), None
            await self.start()

    async def start(self) -> None:
        """Spawn the warm worker and a spare in the background; returns at once."""
        if self._closed:
            raise RuntimeError("Runner is closed")
        if self._primary is None:
            self._set_state("warming")
            self._primary = self._new_task()
            self._primary.add_done_callback(self._warmed)
        if self._spare is None and self._want_spare:
            self._spare = self._new_task()

    def _warmed(self, task: asyncio.Task) -> None:
        if self.state == "warming" and not task.cancelled() and task.exception() is None:
            self._set_state("idle")

    async def _take_cpu_worker(self) -> _Worker:
        await self.start()
        for _attempt in range(3):
            task = self._primary
            try:
                worker = await asyncio.shield(task)
            except WorkerStartError:
                await self._promote_spare(task)
                if _attempt == 2:
                    raise
                continue
            if worker.alive and worker.jobs_run < RECYCLE_AFTER:
                return worker
            if worker.alive:  # recycle: retire it quietly
                self._bg(worker.close())
            await self._promote_spare(task)
        return await asyncio.shield(self._primary)

    async def _retire(self, worker: _Worker) -> None:
        """`worker` reported learner threads still running: it takes no more jobs (a busy thread
        would slow every later one); the spare, or a fresh worker, takes its place at once."""
        if _holds(self._cuda_task, worker):
            self._cuda_task = None
        elif _holds(self._primary, worker):
            await self._promote_spare(self._primary)
        await worker.close()

    async def _take_cuda_worker(self) -> _Worker:
        for _attempt in range(2):
            if self._cuda_task is None:
                self._cuda_task = self._new_task(self.cuda)
            task = self._cuda_task
            try:
                worker = await asyncio.shield(task)
            except WorkerStartError as exc:
                self._cuda_task = None
                if self.cuda == "real":
                    # A GPU is there but CUDA will not start (driver, numba-cuda/NumPy mismatch...): fall back to
                    # the simulator, and say why wherever the CUDA device is named.
                    reason = _start_failure_reason(str(exc))
                    self.cuda = "sim"
                    self.cuda_fallback = reason
                    self.info["cuda"] = f"CUDA simulator (GPU unusable: {reason})"
                    continue
                if _attempt:
                    raise
                continue
            if worker.alive:
                return worker
            if self._cuda_task is task:
                self._cuda_task = None
        raise WorkerStartError("the CUDA worker could not be started")

    # ------------------------------------------------------------ run
    def _cache_key(self, job: Job) -> str | None:
        try:
            return resultcache.job_key(job, self.info.get("numba"), self.cuda if job.is_cuda else "cpu")
        except Exception:  # noqa: BLE001 - a job that cannot be keyed is simply run
            return None

    async def run(self, job: Job, *, use_cache: bool = True) -> AsyncIterator[dict]:
        """Events of `job`, `done` last. Supersedes whatever was running. A job already run in this
        session (same source, options, target, calls, checks... and Numba) is answered from the result
        cache: its events replayed at once, each marked ``cached: true``; `use_cache=False` runs it again."""
        use_cache = use_cache and resultcache.wanted(job)
        key = self._cache_key(job) if use_cache and not self._closed else None
        hit = self.results.get(key) if key else None
        if hit is not None:
            self._gen += 1
            await self._supersede()
            t0 = time.perf_counter()
            for e in resultcache.replay(hit, job.id, time.perf_counter() - t0):
                if e["type"] == "done":
                    e["elapsed_ms"] = (time.perf_counter() - t0) * 1000
                yield e
            self._set_state("idle")
            return
        kept: list[dict] = []
        async with contextlib.aclosing(self._run_fresh(job)) as events:  # closed at once if we are
            async for e in events:
                if use_cache:
                    kept.append(e)
                    if e.get("type") == "done":
                        key = self._cache_key(job)  # the Numba version is known now
                        if key:
                            self.results.put(key, kept)
                yield e

    async def _run_fresh(self, job: Job) -> AsyncIterator[dict]:
        self._gen += 1
        gen = self._gen
        t0 = time.perf_counter()

        def ev(type_: str, **fields) -> dict:
            return make_event(type_, job.id, time.perf_counter() - t0, **fields)

        def done(cause, ok=False, simulator=False) -> dict:
            return ev("done", ok=ok, elapsed_ms=(time.perf_counter() - t0) * 1000, simulator=simulator, cause=cause)

        def err(etype, summary, **fields) -> dict:
            return error_event(job.id, time.perf_counter() - t0, stage="worker", etype=etype, summary=summary, **fields)

        await self._supersede()
        try:
            job.validate()
        except JobError as exc:
            yield err("JobError", str(exc), hint="the job was built wrongly; this is not the learner's fault")
            yield done(None)
            return
        if self._closed:
            yield err("Closed", "the runner is closed")
            yield done(None)
            return
        simulator = False
        if job.is_cuda:
            if self.cuda is None:
                yield err("CudaOff", "CUDA is switched off (--cuda off); this step needs it",
                          hint="start numba-lab with --cuda auto or --cuda sim")
                yield done(None)
                return
            simulator = self.cuda == "sim"
        self._set_state("compiling")
        try:
            worker = await (self._take_cuda_worker() if job.is_cuda else self._take_cpu_worker())
        except WorkerStartError as exc:
            yield err("WorkerStart", "the worker process could not start", full=str(exc),
                      hint="run `numba-lab doctor` to check the installation")
            yield done(None, simulator=simulator)
            self._set_state("idle")
            return
        if gen != self._gen:
            yield done("superseded", simulator=simulator)
            return
        self._active = worker
        worker.jobs_run += 1
        if not job.is_cuda:  # the spare must be warm before anyone needs it
            await self.start()
        worker.send(job)
        deadline = time.monotonic() + job.timeout_s
        finished = False
        compiling = False  # the worker says when Numba starts and ends compiling
        began = False  # anything seen yet: a compile started, an event of the job (output, compiled, ...)
        try:
            while True:
                remaining = deadline - time.monotonic()
                line = b""
                if remaining > 0:
                    try:
                        line = await asyncio.wait_for(worker.reader.readline(), remaining)
                    except asyncio.TimeoutError:
                        remaining = 0
                    except (ValueError, asyncio.LimitOverrunError):  # over the 64 MiB line limit
                        await worker.kill()
                        yield err("ProtocolError", "an event was too large to read")
                        yield done("exit", simulator=simulator)
                        finished = True
                        return
                if remaining <= 0:
                    self._bg(worker.kill())
                    worker.killing = True
                    summary, hint = _timeout_text(job.timeout_s, compiling, began)
                    yield err("Timeout", summary, hint=hint)
                    yield done("timeout", simulator=simulator)
                    finished = True
                    self._set_state("restarted")
                    return
                if not line:
                    if gen != self._gen or worker.killing:
                        yield done("superseded", simulator=simulator)
                        finished = True
                        return
                    for e in await self._death(worker, job, ev, err):
                        yield e
                    finished = True
                    self._set_state("restarted")
                    return
                try:
                    event = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if event.get("job") != job.id:
                    continue  # stale line from an earlier job
                began = began or event.get("type") != "started"
                if event.get("type") == "compiling":  # worker -> runner only
                    compiling = bool(event.get("active"))
                    continue
                event["t"] = round(time.perf_counter() - t0, 6)
                if worker.simulator:
                    event["simulator"] = True
                if event["type"] == "compiled":
                    self._set_state("running")
                if event["type"] == "done":
                    finished = True
                    if event.get("retire"):
                        worker.retired = str(event["retire"])
                        self._bg(self._retire(worker))
                    yield event
                    if gen == self._gen:
                        self._active = None
                        self._set_state("idle")
                    return
                yield event
        finally:
            if not finished and worker.alive:  # consumer walked away mid-job: stop it
                worker.killing = True
                self._bg(worker.kill())
            if self._active is worker and not finished:
                self._active = None

    async def _death(self, worker: _Worker, job: Job, ev, err) -> list[dict]:
        rc = await worker.wait_exit()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(worker._drain, 1.0)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(worker.proc.pid, signal.SIGKILL)
        stderr = worker.stderr_text()
        line, source_line = _crash_line(stderr, self.work_dir / f"{job.workfile}.py", job)
        memory = any(s in stderr for s in ("out of memory", "MemoryError", "std::bad_alloc", "Cannot allocate"))
        if rc < 0:
            name = signal.Signals(-rc).name if -rc in signal.Signals._value2member_map_ else f"signal {-rc}"
            etype, cause = name, "signal"
            summary = f"the code crashed the worker ({name})"
            hint = SIGNAL_HINTS.get(name)
            if memory:
                etype, cause, hint = "MemoryError", "memory", (
                    f"ran out of memory (the cap is {job.effective_memory_mb} MiB above the worker's own); use less")
        else:
            etype, cause = "ExitCode", "exit"
            summary = f"the worker exited with code {rc} (os._exit() in the code?)"
            hint = "the lab catches sys.exit(), but os._exit() ends the process at once; remove it"
            if memory:
                etype, cause = "MemoryError", "memory"
        full = summary + ("\n\n" + stderr if stderr.strip() else "")
        return [
            err(etype, summary, line=line, source_line=source_line, full=full, hint=hint),
            ev("done", ok=False, elapsed_ms=None, simulator=worker.simulator, cause=cause),
        ]

    async def _supersede(self) -> None:
        worker = self._active
        self._active = None
        if worker is not None and worker.alive:
            worker.killing = True
            self._bg(worker.kill())

    async def cancel(self) -> None:
        self._gen += 1
        await self._supersede()
        self._set_state("idle")

    async def close(self) -> None:
        self._closed = True
        self._gen += 1
        await self._supersede()
        for task in (self._primary, self._spare, self._cuda_task):
            if task is None:
                continue
            if not task.done():
                task.cancel()
            with contextlib.suppress(BaseException):
                worker = await task
                await worker.close()
        self._primary = self._spare = self._cuda_task = None
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        self._set_state("closed")


def _holds(task: asyncio.Task | None, worker: _Worker) -> bool:
    return (task is not None and task.done() and not task.cancelled() and task.exception() is None
            and task.result() is worker)


def _timeout_text(timeout_s: float, compiling: bool, began: bool = True) -> tuple[str, str]:
    """(summary, hint) of a job stopped at its time limit."""
    if not began:  # no compile started, no event: the file's top level (or its imports) never finished
        return (f"stopped after {timeout_s:g} s before anything compiled (the wall-clock limit)",
                "the file's top-level code did not finish: an endless loop or a slow import at module "
                "level? On a very busy machine, loading alone can take long: try again or raise the limit")
    if compiling:
        return (f"still compiling after {timeout_s:g} s (the wall-clock limit; compile time counts)",
                "Numba was still compiling the code when the limit came: a very long function, deep "
                "inlining or many signatures take long to compile; make the function smaller or split it")
    return (f"stopped after {timeout_s:g} s (the wall-clock limit; compile time counts)",
            "an endless loop? nopython loops cannot be interrupted: check the loop's exit condition, "
            "or make the problem smaller")


def _crash_line(stderr: str, path: Path, job: Job) -> tuple[int | None, str | None]:
    """faulthandler's dump names the learner's line for a crash in a call from the learner file."""
    line = None
    for m in re.finditer(r'File "([^"]+)", line (\d+)', stderr):
        if m.group(1) == str(path.resolve()):
            line = int(m.group(2))
            break  # faulthandler lists the most recent call first
    if line is None:
        return None, None
    lines = job.source.splitlines()
    return line, lines[line - 1] if 0 < line <= len(lines) else None


def run_job_sync(job: Job, **runner_kwargs) -> list[dict]:
    """Run one job to completion in a fresh Runner; returns all events (done last)."""

    async def go() -> list[dict]:
        runner_kwargs.setdefault("spare", False)  # one job: no need to warm a second worker
        runner = Runner(**runner_kwargs)
        try:
            return [e async for e in runner.run(job)]
        finally:
            await runner.close()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(go())
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # called from inside an event loop
        return pool.submit(asyncio.run, go()).result()
