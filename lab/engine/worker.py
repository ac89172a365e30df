"""The worker process: ``python -m lab.engine.worker --jobs-fd J --events-fd E --parent PID``.

Imports numba and compiles a trivial function at start-up (so a job never pays for either), says
``ready``, then runs jobs read as JSON lines from fd J, answering with JSON event lines on fd E, a
channel the learner's prints never touch (fd 1 and 2 are captured per call). Learner code is a real
file under the work dir imported as a fresh module per job. This is the only process that runs
learner code; numba is imported in ``main()`` only, so importing this module stays cheap.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import linecache
import math
import os
import re
import signal
import sys
import threading
import time
from pathlib import Path

from lab.engine import limits
from lab.engine.capture import Capture
from lab.engine.errors import describe, matches_expected
from lab.engine.protocol import Job, error_event, event

RESULT_REPR_CAP = 20_000


class Channel:
    def __init__(self, fd: int):
        self.fd = fd
        self.lock = threading.Lock()

    def send(self, ev: dict) -> None:
        data = (json.dumps(ev, default=repr) + "\n").encode()
        with self.lock:
            view = memoryview(data)
            while view:
                n = os.write(self.fd, view)
                view = view[n:]


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _sanitize(name: str) -> str:
    return re.sub(r"\W", "_", name) or "m"


class JobRun:
    """One job inside the worker; emits events through `send`."""

    def __init__(self, job: Job, work_dir: Path, send, simulator: bool):
        self.job, self.send, self.simulator = job, send, simulator
        self.t0 = time.perf_counter()
        self.path = (work_dir / f"{job.workfile}.py").resolve()
        # stable per workfile: cache=True pickles the module name and a later worker process imports
        # it by that name to load the cache (a per-job counter made that fail: ModuleNotFoundError)
        self.module_name = f"lab_{_sanitize(job.workfile)}"
        self.source = job.source
        self.compiled_sent = False
        self.pending: list[dict] = []
        self.errors = 0  # unexpected
        self.expected_seen = False
        self.stdout_all: list[str] = []
        self.stopped = False
        self.entry_obj = None
        self.opts = None

    # ------------------------------------------------------------ events
    def ev(self, type_: str, **fields) -> dict:
        return event(type_, self.job.id, time.perf_counter() - self.t0, **fields)

    def emit(self, type_: str, **fields) -> None:
        self.send(self.ev(type_, **fields))

    def output(self, call, cap: Capture, result) -> None:
        self.stdout_all.append(cap.stdout)
        if call is None and not (cap.stdout or cap.stderr):
            return
        e = self.ev("output", call=call, stdout=cap.stdout, stderr=cap.stderr, result=result,
                    truncated=cap.truncated)
        if self.compiled_sent:
            self.send(e)
        else:
            self.pending.append(e)

    def flush_pending(self) -> None:
        for e in self.pending:
            self.send(e)
        self.pending.clear()

    def error(self, exc: BaseException, stage: str) -> None:
        fields = describe(exc, path=str(self.path), source=self.source, stage=stage)
        expected = matches_expected(self.job.expect_error, exc, fields["etype"], fields["full"])
        if expected:
            self.expected_seen = True
        else:
            self.errors += 1
        self.emit("error", expected=expected, **fields)
        self.flush_pending()
        self.compiled_sent = True  # later outputs go straight out

    # ------------------------------------------------------------ steps
    def write_file(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = self.source.encode()
        try:
            if self.path.read_bytes() == data:
                return  # unchanged: keep mtime so cache=True stays valid
        except OSError:
            pass
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, self.path)

    def compile_seconds(self) -> float:
        from lab.engine import views

        total = sum(lst.duration for lst in self.listeners if lst.done)
        return total + views.BUILD_SECONDS[0] - self.build_base

    def results(self):
        from lab.engine import views

        return views.compile_results(self.entry_obj) if self.entry_obj is not None else []

    def maybe_compiled(self, final: bool = False) -> None:
        if self.compiled_sent:
            return
        from lab.engine import views

        results = self.results()
        if self.job.kind == "cuda" and self.entry_obj is not None:
            from lab.engine import cudaside

            sigs = cudaside.compiled_signatures(self.entry_obj)
        else:
            sigs = views.signatures(results)
        if not sigs and not final:
            return
        self.emit("compiled", compile_ms=self.compile_seconds() * 1000, signatures=sigs,
                  mode="cuda" if self.job.is_cuda else views.mode(results), simulator=self.simulator)
        self.compiled_sent = True
        self.flush_pending()

    def run(self) -> None:
        from numba.core import event as nev

        from lab.engine import views

        self.listener = nev.TimingListener()
        self.listeners = [self.listener]
        self.build_base = views.BUILD_SECONDS[0]
        views.BUILT_UFUNCS.clear()
        with contextlib.ExitStack() as stack:
            stack.enter_context(nev.install_listener("numba:compile", self.listener))
            cuda_ev = _cuda_event_module() if os.environ.get("NUMBA_LAB_CUDA_WORKER") else None
            if cuda_ev is not None and cuda_ev is not nev:
                # numba-cuda has its own event bus. Its docs name "numba-cuda:compile", but 0.30 fires only
                # "numba-cuda:compiler_lock" (held for the whole compile), so that is what we time.
                extra = cuda_ev.TimingListener()
                self.listeners.append(extra)
                stack.enter_context(cuda_ev.install_listener("numba-cuda:compiler_lock", extra))
            self._run_steps()
        ok = self.errors == 0 and (not self.job.expect_error or self.expected_seen)
        ok = ok and all(c.get("passed") for c in self.check_results)
        self.emit("done", ok=ok, elapsed_ms=(time.perf_counter() - self.t0) * 1000, simulator=self.simulator,
                  cause=None)

    def _run_steps(self) -> None:
        import numba
        import numpy as np

        job = self.job
        self.check_results: list[dict] = []
        self.emit("started", pid=os.getpid(), target=job.target, simulator=self.simulator, numba=numba.__version__)
        from lab.options import OptionsError, apply_options, options_from_source

        try:
            if job.options is not None:
                self.source = apply_options(self.source, job.entry, job.options)
            self.opts = options_from_source(self.source, job.entry)
        except (OptionsError, SyntaxError) as exc:
            self.error(exc, "syntax")
            return
        self.write_file()
        linecache.clearcache()
        # import the learner file as a fresh module
        spec = importlib.util.spec_from_file_location(self.module_name, self.path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[self.module_name] = module
        self.module = module
        with Capture(job.output_cap) as cap:
            try:
                spec.loader.exec_module(module)
                exc = None
            except BaseException as e:  # noqa: BLE001 - learner code
                exc = e
        self.output(None, cap, None)
        if exc is not None:
            self.error(exc, "syntax" if isinstance(exc, SyntaxError) else "import")
            return
        self.entry_obj = getattr(module, job.entry, None)
        if self.entry_obj is None:
            self.error(NameError(f"{job.entry!r} is not defined in the file (the step's entry)"), "import")
            return
        self.maybe_compiled()
        ns = dict(vars(module))
        ns.update({"np": np, "math": math, "numba": numba})
        self.ns = ns
        if job.setup:
            with Capture(job.output_cap) as cap:
                try:
                    exec(compile(job.setup, "<setup>", "exec"), ns)
                    exc = None
                except BaseException as e:  # noqa: BLE001
                    exc = e
            self.output(None, cap, None)
            if exc is not None:
                self.error(exc, "setup")
                return
        self.maybe_compiled()
        for call in job.calls:
            if not self._call(call):
                break
            self.maybe_compiled()
        self._cache_note()
        if self.errors or self.expected_seen:
            if not self.compiled_sent:
                self.flush_pending()
            if not self.results():
                return
        self.maybe_compiled(final=True)
        self._views()
        self._timing()
        self._checks()

    def _cache_note(self) -> None:
        """With cache=True, say where the cache went, and why if it is not NUMBA_CACHE_DIR."""
        if not (self.opts and self.opts.cache):
            return
        cache_path = getattr(getattr(self.entry_obj, "_cache", None), "_cache_path", None)
        if not cache_path:
            return
        wanted = os.environ.get("NUMBA_CACHE_DIR", "")
        if wanted and not str(cache_path).startswith(wanted):
            note = (f"numba-lab: the cache folder {wanted} (NUMBA_CACHE_DIR) is not writable, so Numba "
                    f"fell back to {cache_path}. Check the folder's permissions or set NUMBA_CACHE_DIR "
                    "to a folder you own (numba-lab doctor lists the state folders).\n")
            self.emit("output", call=None, stdout="", stderr=note, result=None, truncated=False)

    def _call(self, call: str) -> bool:
        ns = self.ns
        try:
            code, is_expr = compile(call, "<call>", "eval"), True
        except SyntaxError:
            try:
                code, is_expr = compile(call, "<call>", "exec"), False
            except SyntaxError as exc:
                self.error(exc, "run")
                return False
        result = None
        with Capture(self.job.output_cap) as cap:
            try:
                value = eval(code, ns) if is_expr else exec(code, ns)
                exc = None
            except BaseException as e:  # noqa: BLE001
                exc = e
        if exc is None and is_expr:
            try:
                result = repr(value)
            except Exception as e:  # noqa: BLE001
                result = f"<repr failed: {type(e).__name__}: {e}>"
            if len(result) > RESULT_REPR_CAP:
                result = result[:RESULT_REPR_CAP] + f"... [{len(result) - RESULT_REPR_CAP} more characters]"
        if exc is not None:
            self.output(call, cap, None)
            if not isinstance(exc, (SyntaxError, SystemExit, KeyboardInterrupt)):
                self.locate_in_python(code, is_expr, exc)
            self.error(exc, "run")
            return False
        self.output(call, cap, result)
        return True

    def locate_in_python(self, code, is_expr: bool, exc: BaseException) -> None:
        """Compiled code keeps no line numbers: re-run the failing call once with the entry's
        py_func (1 s at most, output discarded) and borrow the line if it fails the same way."""
        import traceback

        from lab.engine import views

        path = str(self.path)
        if any(fs.filename == path for fs in traceback.extract_tb(exc.__traceback__)):
            return
        py_func = views.py_func_of(self.entry_obj)
        if py_func is None or self.job.kind != "jit":
            return

        ns = dict(self.ns)
        ns[self.job.entry] = py_func
        try:
            with limits.alarm(1.0, TimeoutError), Capture(4096):
                eval(code, ns) if is_expr else exec(code, ns)
        except BaseException as again:  # noqa: BLE001
            if type(again) is type(exc):
                lines = [fs for fs in traceback.extract_tb(again.__traceback__) if fs.filename == path]
                if lines:
                    exc.add_note(f'  File "{path}", line {lines[-1].lineno} (found by re-running in Python)')

    def _views(self) -> None:
        from lab.engine import views

        job = self.job
        results = self.results()
        modules = (self.module_name,)
        self.seen_vectorized = None
        self.parallel_loops = None
        if job.kind == "cuda":
            self._cuda_views()
            return
        if job.target == "cuda":  # a CUDA ufunc: Numba builds its kernels out of sight of these views
            where = "the CUDA simulator" if self.simulator else "the GPU"
            self.emit("types", text=f"# target='cuda': this ufunc runs as a CUDA kernel on {where}. The LLVM IR, "
                                    "assembly and types views cover CPU targets only; switch the target to cpu "
                                    "to read them, or write a @cuda.jit kernel (lesson 11) to see its PTX.\n")
            return
        for view in job.views:
            try:
                if view in ("llvm", "asm"):
                    fields = views.ir_view(results, view, modules)
                    if view == "llvm":
                        self.seen_vectorized = fields["vectorized"]
                    self.emit(view, **fields)
                elif view == "types":
                    self.emit("types", **views.types_view(results))
                elif view == "parallel" and (self._parallel_wanted()):
                    fields = views.parallel_view(results)
                    if job.target == "parallel" and job.kind == "vectorize":
                        fields["text"] = ("target='parallel' ufuncs split the whole array over threads; "
                                          "there are no prange loops to list.\n" + fields["text"])
                    self.parallel_loops = fields["loops"]
                    self.emit("parallel", **fields)
            except Exception as exc:  # a view must never sink the job
                self.emit("types", text=f"# the {view} view failed: {type(exc).__name__}: {exc}")
        if self.seen_vectorized is None and any(c.get("kind") == "vectorized" for c in job.checks):
            self.seen_vectorized = views.ir_view(results, "llvm", modules)["vectorized"]
        if self.parallel_loops is None and any(c.get("kind") == "parallel_loop" for c in job.checks):
            self.parallel_loops = views.parallel_view(results)["loops"]

    def _parallel_wanted(self) -> bool:
        o = self.opts
        return bool((o and o.parallel) or self.job.target == "parallel")

    def _cuda_views(self) -> None:
        from lab.engine import cudaside

        for name, fields in cudaside.views(self.entry_obj, self.job.views, self.simulator):
            self.emit(name, **fields)

    def _timing(self) -> None:
        from lab.engine import views
        from lab.engine.timing import run_timing

        self.speedup = None
        job = self.job
        if job.timing is None or self.errors:
            return
        py_func = views.py_func_of(self.entry_obj)
        if py_func is not None and job.kind in ("vectorize",):
            import numpy as np

            py_func = np.vectorize(py_func)
        elif job.kind in ("guvectorize", "cuda"):
            py_func = None
        sync = None
        cuda_events = False
        if job.kind == "cuda" or job.target == "cuda":
            from numba import cuda

            sync = cuda.synchronize
            cuda_events = not self.simulator
        try:
            with Capture(job.output_cap) as cap:
                fields = run_timing(job.timing, self.ns, job.entry, py_func, compile_seconds=self.compile_seconds,
                                    sync=sync, simulator=self.simulator, cuda_events=cuda_events)
        except BaseException as exc:  # noqa: BLE001
            self.error(exc, "timing")
            return
        self.speedup = fields["speedup"]
        self.emit("timings", **fields)

    def _checks(self) -> None:
        from lab.engine import views
        from lab.engine.checks import Seen, run_check

        if not self.job.checks:
            return
        results = self.results()
        seen = Seen(ns=self.ns, stdout="".join(self.stdout_all),
                    modes=[views.mode([r]) for r in results] if self.job.kind != "cuda" else ["cuda"] * len(results),
                    n_signatures=len(results), parallel_loops=self.parallel_loops,
                    vectorized=self.seen_vectorized, speedup=getattr(self, "speedup", None),
                    options=self.opts, errors=self.errors)
        for check in self.job.checks:
            with Capture(self.job.output_cap):
                res = run_check(check, seen)
            self.check_results.append(res)
            self.emit("check", **res)


def _cuda_event_module():
    try:
        from numba.cuda.core import event as cuda_event
    except ImportError:
        return None
    return cuda_event if hasattr(cuda_event, "TimingListener") else None


def _warm_up(simulator: bool) -> dict:
    t = time.perf_counter()
    import numba

    import_s = time.perf_counter() - t
    t = time.perf_counter()
    if simulator or os.environ.get("NUMBA_LAB_CUDA_WORKER"):
        from numba import cuda

        @cuda.jit
        def _warm(a):
            a[0] += 1

        import numpy as np

        _warm[1, 1](np.zeros(4))
    else:
        @numba.njit(cache=False)
        def _warm(x):
            return x + 1

        _warm(1)
        _warm(1.0)
    from lab.engine import views

    views.install_ufunc_hook()
    import lab.engine.timing  # noqa: F401
    import lab.engine.checks  # noqa: F401
    return {"import_s": import_s, "warm_s": time.perf_counter() - t, "numba": numba.__version__}


def _cleanup_after_job(module_name: str) -> None:
    sys.modules.pop(module_name, None)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM):
        try:
            signal.signal(sig, signal.SIG_DFL if sig != signal.SIGINT else signal.default_int_handler)
        except (OSError, ValueError):
            pass
    signal.setitimer(signal.ITIMER_REAL, 0)
    limits.kill_group_members()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="lab.engine.worker")
    ap.add_argument("--jobs-fd", type=int, required=True)
    ap.add_argument("--events-fd", type=int, required=True)
    ap.add_argument("--parent", type=int, required=True)
    ap.add_argument("--work-dir", required=True)
    args = ap.parse_args(argv)
    limits.worker_setup(args.parent)
    threading.Thread(target=_watch_parent, args=(args.parent,), daemon=True).start()
    os.set_inheritable(args.events_fd, False)
    os.set_inheritable(args.jobs_fd, False)
    chan = Channel(args.events_fd)
    simulator = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"
    sys.dont_write_bytecode = True
    info = _warm_up(simulator)
    info.update(pid=os.getpid(), simulator=simulator)
    if os.environ.get("NUMBA_LAB_CUDA_WORKER"):
        from lab.engine import cudaside

        info["cuda"] = cudaside.device_name(simulator)
    chan.send({"type": "ready", **info})
    work_dir = Path(args.work_dir)
    jobs = os.fdopen(args.jobs_fd, "rb", buffering=0)
    buf = b""
    while True:
        chunk = jobs.read(1 << 16)
        if not chunk:
            return 0
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            job = Job.from_json(json.loads(line))
            limits.job_limits(job.effective_memory_mb)
            run = JobRun(job, work_dir, chan.send, simulator)
            try:
                run.run()
            except BaseException as exc:  # noqa: BLE001 - report, never die silently
                chan.send(error_event(job.id, time.perf_counter() - run.t0, stage="worker", etype=type(exc).__name__,
                                      summary=f"internal error: {exc}", full=repr(exc)))
                run.emit("done", ok=False, elapsed_ms=(time.perf_counter() - run.t0) * 1000,
                         simulator=simulator, cause=None)
            finally:
                limits.job_limits(None)
                _cleanup_after_job(run.module_name)


if __name__ == "__main__":
    sys.exit(main())
