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
from lab.options import is_expr

RESULT_REPR_CAP = 20_000


class Channel:
    def __init__(self, fd: int):
        self.fd = fd
        self.pid = os.getpid()
        self.lock = threading.Lock()

    def send(self, ev: dict) -> None:
        if os.getpid() != self.pid:  # a child forked by learner code never speaks for the worker
            return
        data = (json.dumps(ev, default=repr) + "\n").encode()
        with self.lock:
            view = memoryview(data)
            while view:
                n = os.write(self.fd, view)
                view = view[n:]


WORKER_PID = [0]  # set in main(); a forked child of learner code sees another pid
OWN_THREADS: set[int] = set()  # idents of the worker's own threads, taken after warm-up
THREAD_WINDOW_S = 0.1  # after a job, learner threads still alive are watched this long...
BUSY_CPU_S = 0.002  # ...and one that uses this much CPU in that time retires the worker


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            limits.kill_descendants()
            os._exit(0)


def leave_if_forked() -> None:
    """A child forked by learner code (os.fork, multiprocessing's fork) that returns into the
    worker's code ends here instead of running the rest of the job, or the next one, as a second
    worker."""
    if WORKER_PID[0] and os.getpid() != WORKER_PID[0]:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(0)


def _close_in_child(*fds: int) -> None:
    """In a forked child: close the worker's private pipes so the child cannot hold them open."""
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)


def _thread_cpu_s(native_id: int | None) -> float | None:
    """CPU time a thread of this process has used (None: gone, or not knowable here)."""
    if native_id is None:
        return None
    try:
        with open(f"/proc/self/task/{native_id}/schedstat") as fh:
            return int(fh.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/self/task/{native_id}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def busy_leftover_threads(window_s: float = THREAD_WINDOW_S) -> list[threading.Thread]:
    """Threads learner code started that still use CPU after the job (they would slow every later
    job in this process). The worker's own threads, capture drains and foreign threads that merely
    called into Python do not count; neither do idle ones (a pool waiting for work) or ones that
    end within the window. Without a per-thread CPU clock, every thread still alive counts."""
    from lab.engine import capture

    found = [t for t in threading.enumerate()
             if t.ident not in OWN_THREADS and t not in capture.THREADS and not isinstance(t, threading._DummyThread)]
    if not found:
        return []
    before = {t: _thread_cpu_s(t.native_id) for t in found}

    def used(t: threading.Thread) -> float | None:
        now = _thread_cpu_s(t.native_id)
        return None if now is None or before[t] is None else now - before[t]

    deadline = time.monotonic() + window_s
    while time.monotonic() < deadline and any(t.is_alive() for t in found):
        time.sleep(0.005)  # the GIL is free now: a busy thread runs and its CPU clock moves
        if any(t.is_alive() and (used(t) or 0.0) >= BUSY_CPU_S for t in found):
            break  # one busy thread is enough to know
    return [t for t in found if t.is_alive() and (used(t) is None or used(t) >= BUSY_CPU_S)]


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
        self.view_compile_s = 0.0  # compiling an uncached copy for the views is not the job's compile time

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
        """The entry's own compile time: for a jit dispatcher, Numba's compile events for it (callees
        it compiled included); for other kinds, every compile and ufunc build in the job."""
        from lab.engine import views

        total = max(0.0, self._listened() + views.BUILD_SECONDS[0] - self.build_base - self.view_compile_s)
        own = self.own_compile_s()
        return total if own is None else own

    def own_compile_s(self) -> float | None:
        from numba.core.dispatcher import Dispatcher

        if not isinstance(self.entry_obj, Dispatcher):
            return None
        return sum(d for disp, d in self.by_dispatcher.done if disp is self.entry_obj)

    def import_compile_ms(self) -> float | None:
        """Compile work at import for functions other than the entry (eager signatures, calls at
        module level), shown apart from the entry's compile time; None when there was none."""
        own = self.own_compile_s()
        if own is None:
            return None
        others = sum(d for disp, d in self.by_dispatcher.done[: self.import_events] if disp is not self.entry_obj)
        return others * 1000 if others > 0 else None

    def _listened(self) -> float:
        return sum(lst.duration for lst in self.listeners if lst.done)

    def cache_fields(self) -> dict:
        """from_cache: the entry came (at least partly) from Numba's disk cache; cache_load_ms: the
        time the loads took (no compile events fire for them)."""
        from lab.engine import views

        hits = views.cache_hits(self.entry_obj)
        return {"from_cache": hits > 0,
                "cache_load_ms": (views.CACHE_LOAD_SECONDS[0] - self.cache_base) * 1000 if hits else None}

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
                  mode="cuda" if self.job.is_cuda else views.mode(results), simulator=self.simulator,
                  import_compile_ms=self.import_compile_ms(), **self.cache_fields())
        self.compiled_sent = True
        self.flush_pending()

    def run(self) -> None:
        from numba.core import event as nev

        from lab.engine import views

        self.listener = nev.TimingListener()
        self.listeners = [self.listener]
        self.by_dispatcher = _ByDispatcher(nev)
        self.import_events = 0
        self.build_base = views.BUILD_SECONDS[0]
        self.cache_base = views.CACHE_LOAD_SECONDS[0]
        views.BUILT_UFUNCS.clear()
        views.STENCIL_RESULTS.clear()
        with contextlib.ExitStack() as stack:
            stack.enter_context(nev.install_listener("numba:compile", self.listener))
            stack.enter_context(nev.install_listener("numba:compile", self.by_dispatcher))
            # tells the runner whether a time limit caught the job compiling (worker -> runner only)
            stack.enter_context(nev.install_listener("numba:compile", _compile_signal(nev, self.emit)))
            cuda_ev = _cuda_event_module() if os.environ.get("NUMBA_LAB_CUDA_WORKER") else None
            if cuda_ev is not None and cuda_ev is not nev:
                # numba-cuda has its own event bus. Its docs name "numba-cuda:compile", but 0.30 fires only
                # "numba-cuda:compiler_lock" (held for the whole compile), so that is what we time.
                extra = cuda_ev.TimingListener()
                self.listeners.append(extra)
                stack.enter_context(cuda_ev.install_listener("numba-cuda:compiler_lock", extra))
                stack.enter_context(cuda_ev.install_listener("numba-cuda:compiler_lock",
                                                             _compile_signal(cuda_ev, self.emit)))
            self._run_steps()
        leave_if_forked()
        retire = self._end_leftovers()
        ok = self.errors == 0 and (not self.job.expect_error or self.expected_seen)
        ok = ok and all(c.get("passed") for c in self.check_results)
        self.emit("done", ok=ok, elapsed_ms=(time.perf_counter() - self.t0) * 1000, simulator=self.simulator,
                  cause=None, retire=retire)

    def _end_leftovers(self) -> str | None:
        """Kill every process the code started; if it left busy threads running, say so and return
        why the worker must retire (such a thread would slow every later job in this process)."""
        limits.kill_job_processes()
        threads = busy_leftover_threads()
        if not threads:
            return None
        names = ", ".join(repr(t.name) for t in threads[:4]) + (", ..." if len(threads) > 4 else "")
        reason = f"{len(threads)} busy thread{'s' if len(threads) > 1 else ''} still running after the job ({names})"
        self.emit("output", call=None, stdout="", result=None, truncated=False,
                  stderr=f"numba-lab: the code left {reason}. A fresh worker takes the next run, so they "
                         "cannot slow it down; join your threads (or let them finish) before the code returns.\n")
        return reason

    def _run_steps(self) -> None:
        import numba
        import numpy as np

        job = self.job
        self.check_results: list[dict] = []
        self.emit("started", pid=os.getpid(), target=job.target, simulator=self.simulator, numba=numba.__version__,
                  **_machine())
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
            leave_if_forked()
        self.output(None, cap, None)
        if exc is not None:
            self.error(exc, "syntax" if isinstance(exc, SyntaxError) else "import")
            return
        self.entry_obj = getattr(module, job.entry, None)
        if self.entry_obj is None and not job.setup:
            self.error(NameError(f"{job.entry!r} is not defined in the file (the step's entry)"), "import")
            return
        self.import_events = len(self.by_dispatcher.done)  # compiles so far happened at import
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
                leave_if_forked()
            self.output(None, cap, None)
            if exc is not None:
                self.error(exc, "setup")
                return
            # names the setup created in the module (asv style: `def setup(): global f; f = jit(...)`)
            for name, value in vars(module).items():
                ns.setdefault(name, value)
            if self.entry_obj is None:
                self.entry_obj = ns.get(job.entry)
                if self.entry_obj is None:
                    self.error(NameError(f"{job.entry!r} is not defined in the file or by the setup "
                                         "(the step's entry)"), "setup")
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
        self._line_map()

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
            leave_if_forked()
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
        self.shown_code: dict[str, tuple[str, int]] = {}
        self.seen_vectorized = None
        self.parallel_loops = self.prange_loops = None
        if job.kind == "cuda":
            self._cuda_views()
            return
        cached = bool(results) and views.cache_hits(self.entry_obj) > 0 and job.target != "cuda"
        if cached:
            results, cached = self._uncached_for_views(results)
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
                    self.shown_code[view] = (fields["text"], 1 if cached else 0)
                    if view == "llvm":
                        self.seen_vectorized = fields["vectorized"]
                    if cached:
                        mark = ";" if view == "llvm" else "#"
                        what = "LLVM IR" if view == "llvm" else "assembly"
                        fields["text"] = f"{mark} {views.CACHE_NOTE.format(what=what)}\n{fields['text']}"
                    self.emit(view, **fields)
                elif view == "types":
                    note = f"# {views.CACHE_NOTE.format(what='type annotation')}" if cached else ""
                    self.emit("types", **views.types_view(results, note))
                elif view == "parallel" and (self._parallel_wanted()):
                    fields = views.parallel_view(results)
                    if job.target == "parallel" and job.kind == "vectorize":
                        fields["text"] = ("target='parallel' ufuncs split the whole array over threads; "
                                          "there are no prange loops to list.\n" + fields["text"])
                    by_code = getattr(self.opts, "parallel", None)
                    if is_expr(by_code) and not fields["loops"]:
                        fields["text"] = (f"parallel={by_code} is set by code; it was not true when the file ran, "
                                          "so nothing was parallelised.\n" + fields["text"])
                    self.parallel_loops, self.prange_loops = fields["loops"], fields["prange_loops"]
                    self.emit("parallel", **fields)
            except Exception as exc:  # a view must never sink the job
                self.emit("types", text=f"# the {view} view failed: {type(exc).__name__}: {exc}")
        if self.seen_vectorized is None and any(c.get("kind") == "vectorized" for c in job.checks):
            self.seen_vectorized = views.ir_view(results, "llvm", modules)["vectorized"]
        if self.parallel_loops is None and any(c.get("kind") == "parallel_loop" for c in job.checks):
            fields = views.parallel_view(results)
            self.parallel_loops, self.prange_loops = fields["loops"], fields["prange_loops"]

    def _line_map(self) -> None:
        """After everything else (it compiles a second copy): the source line of each line of the
        llvm/asm views, as a `lines` event. The copy's compile time is not the job's."""
        from lab.engine import views

        shown = getattr(self, "shown_code", None)
        if not shown or self.entry_obj is None:
            return
        left = self.job.timeout_s - (time.perf_counter() - self.t0)
        if left < 2 * self.compile_seconds() + 1.0:  # the copy compiles about as long as the entry did
            self.emit("lines", error="skipped: too little of the job's time limit left to compile the line map")
            return
        t0 = time.perf_counter()
        before = self._listened() + views.BUILD_SECONDS[0]
        try:
            with Capture(self.job.output_cap):
                copy = views.line_copy(self.entry_obj)
            if not copy:
                return
            fields = views.line_map(copy, shown, (self.module_name,), views.source_span(self.entry_obj))
        except Exception as exc:  # noqa: BLE001 - the views stay, without source lines
            self.emit("lines", error=f"{type(exc).__name__}: {exc}")
            return
        finally:
            self.view_compile_s += self._listened() + views.BUILD_SECONDS[0] - before
        wanted = {n for what in shown for n in fields.get(what, []) if n}
        src = self.source.splitlines()
        fields["source"] = {str(n): src[n - 1] for n in sorted(wanted)
                            if 0 < n <= len(src)}
        fields["ms"] = round((time.perf_counter() - t0) * 1000, 1)
        self.emit("lines", **fields)

    def _uncached_for_views(self, results):
        """The entry came from the disk cache, which keeps no IR: compile a copy without the cache
        (its compile time is not the job's) and show that. Returns (results, whether they are the copy)."""
        from lab.engine import views

        before = self._listened() + views.BUILD_SECONDS[0]
        try:
            with Capture(self.job.output_cap):
                fresh = views.uncached_results(self.entry_obj)
        except Exception as exc:  # noqa: BLE001 - the views then say what is missing
            fresh = None
            self.emit("output", call=None, stdout="", result=None, truncated=False,
                      stderr=f"numba-lab: could not compile an uncached copy for the views: {type(exc).__name__}: {exc}\n")
        finally:
            self.view_compile_s += self._listened() + views.BUILD_SECONDS[0] - before
        return (fresh, True) if fresh else (results, False)

    def _parallel_wanted(self) -> bool:
        o = self.opts
        return bool((o and o.parallel) or self.job.target == "parallel")

    def _cuda_views(self) -> None:
        from lab.engine import cudaside

        for name, fields in cudaside.views(self.entry_obj, self.job.views, self.simulator):
            self.emit(name, **fields)

    def _timing(self) -> None:
        from lab.engine import baseline
        from lab.engine.timing import run_timing

        self.speedup = None
        job = self.job
        if job.timing is None or self.errors:
            return
        py_entry = None if job.kind in ("guvectorize", "cuda") else baseline.twin_of(self.entry_obj)
        sync = None
        cuda_events = False
        if job.kind == "cuda" or job.target == "cuda":
            from numba import cuda

            sync = cuda.synchronize
            cuda_events = not self.simulator
        try:
            with Capture(job.output_cap) as cap:
                fields = run_timing(job.timing, self.ns, job.entry, self.entry_obj, py_entry,
                                    compile_seconds=self.compile_seconds,
                                    sync=sync, simulator=self.simulator, cuda_events=cuda_events)
        except BaseException as exc:  # noqa: BLE001
            self.error(exc, "timing")
            return
        self.speedup = fields["speedup"]
        self.emit("timings", **fields, **self.cache_fields())

    def _checks(self) -> None:
        from lab.engine import views
        from lab.engine.checks import Seen, run_check

        if not self.job.checks:
            return
        results = self.results()
        seen = Seen(ns=self.ns, stdout="".join(self.stdout_all),
                    modes=[views.mode([r]) for r in results] if self.job.kind != "cuda" else ["cuda"] * len(results),
                    n_signatures=len(results), parallel_loops=self.parallel_loops,
                    prange_loops=getattr(self, "prange_loops", None),
                    vectorized=self.seen_vectorized, speedup=getattr(self, "speedup", None),
                    options=self.opts, errors=self.errors)
        for check in self.job.checks:
            with Capture(self.job.output_cap):
                res = run_check(check, seen)
            self.check_results.append(res)
            self.emit("check", **res)


def _ByDispatcher(ev_module):
    """A listener that keeps (dispatcher, seconds) for each outermost compile, in order."""

    class ByDispatcher(ev_module.Listener):
        def __init__(self) -> None:
            self.done: list[tuple[object, float]] = []
            self.depth = 0
            self.start = 0.0

        def on_start(self, event) -> None:
            self.depth += 1
            if self.depth == 1:
                self.start = time.perf_counter()

        def on_end(self, event) -> None:
            self.depth = max(0, self.depth - 1)
            if self.depth == 0:
                disp = (event.data or {}).get("dispatcher") if isinstance(event.data, dict) else None
                self.done.append((disp, time.perf_counter() - self.start))

    return ByDispatcher()


def _compile_signal(ev_module, emit):
    """A listener that emits `compiling` (active true/false) when the outermost compile starts and ends."""

    class CompileSignal(ev_module.Listener):
        depth = 0

        def on_start(self, event) -> None:
            self.depth += 1
            if self.depth == 1:
                emit("compiling", active=True)

        def on_end(self, event) -> None:
            self.depth = max(0, self.depth - 1)
            if self.depth == 0:
                emit("compiling", active=False)

    return CompileSignal()


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

        if simulator:
            from lab.engine import cudaside

            cudaside.install_simulator_hook()
            cudaside.set_simulator_thread_stack()
        _warm[1, 1](np.zeros(4))
    else:
        @numba.njit(cache=False)
        def _warm(x):
            return x + 1

        _warm(1)
        _warm(1.0)
    from lab.engine import views

    views.install_ufunc_hook()
    views.install_cache_hook()
    if not simulator:
        views.install_stencil_hook()
    import lab.engine.timing  # noqa: F401
    import lab.engine.baseline  # noqa: F401
    import lab.engine.checks  # noqa: F401
    return {"import_s": import_s, "warm_s": time.perf_counter() - t, "numba": numba.__version__}


_MACHINE: dict = {}


def _machine() -> dict:
    """What the lesson text may quote about this machine (lab/placeholders.py): the CPU name LLVM
    compiles for (NUMBA_CPU_NAME wins, as in Numba), the cores, and Numba's thread count."""
    if not _MACHINE:
        import numba
        from llvmlite import binding as ll

        try:
            cpu = numba.config.CPU_NAME or ll.get_host_cpu_name()
        except Exception:  # noqa: BLE001 - a fact we cannot read is left out, never a failed job
            cpu = None
        _MACHINE.update(cpu=cpu, cores=os.cpu_count(), threads=numba.config.NUMBA_NUM_THREADS)
    return dict(_MACHINE)


def _cleanup_after_job(module_name: str) -> None:
    sys.modules.pop(module_name, None)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM):
        try:
            signal.signal(sig, signal.SIG_DFL if sig != signal.SIGINT else signal.default_int_handler)
        except (OSError, ValueError):
            pass
    signal.setitimer(signal.ITIMER_REAL, 0)
    limits.kill_job_processes()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="lab.engine.worker")
    ap.add_argument("--jobs-fd", type=int, required=True)
    ap.add_argument("--events-fd", type=int, required=True)
    ap.add_argument("--parent", type=int, required=True)
    ap.add_argument("--work-dir", required=True)
    args = ap.parse_args(argv)
    limits.worker_setup(args.parent)
    WORKER_PID[0] = os.getpid()
    threading.Thread(target=_watch_parent, args=(args.parent,), daemon=True, name="lab-parent-watch").start()
    os.set_inheritable(args.events_fd, False)  # O_CLOEXEC: a subprocess the code starts never gets them
    os.set_inheritable(args.jobs_fd, False)
    # ...and a plain os.fork() child closes them at once, so it can neither hold the event pipe open
    # (the runner would wait for EOF on it) nor read the worker's next job
    os.register_at_fork(after_in_child=lambda: _close_in_child(args.events_fd, args.jobs_fd))
    chan = Channel(args.events_fd)
    simulator = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"
    sys.dont_write_bytecode = True
    info = _warm_up(simulator)
    OWN_THREADS.update(t.ident for t in threading.enumerate() if t.is_alive())
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
            limits.kill_job_processes()
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
                leave_if_forked()
                limits.job_limits(None)
                _cleanup_after_job(run.module_name)


if __name__ == "__main__":
    sys.exit(main())
