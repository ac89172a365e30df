"""`numba-lab doctor`: what a learner or instructor checks first on a machine.

Each check yields a Finding with a verdict: "ok", "warn" (works, but worth knowing) or "FAIL" (the lab
cannot work). Exit status 1 when anything FAILs. Probes that could hang or crash (CUDA driver,
threading layers, the CUDA simulator) run in subprocesses with timeouts, started together so the
whole report takes about as long as the slowest probe. This is not UI code: it may import numba.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lab import paths

PROBE_TIMEOUT_S = 60.0
MIN_COLS, MIN_ROWS = 80, 24
SIMD_FEATURES = ("sse4.2", "avx", "avx2", "fma", "avx512f", "neon", "sve", "altivec", "vsx")


@dataclass
class Finding:
    section: str
    verdict: str  # "ok" | "warn" | "FAIL"
    text: str
    hint: str | None = None
    data: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------- subprocess probes
_THREADING_PROBE = r"""
import json, numba, numpy as np
from numba import njit, prange
out = {"configured": numba.config.THREADING_LAYER, "threads": numba.config.NUMBA_NUM_THREADS, "available": []}
import importlib
for name in ("tbb", "omp", "workqueue"):
    try:
        importlib.import_module("numba.np.ufunc." + name + "pool")
        out["available"].append(name)
    except Exception as exc:
        out.setdefault("missing", {})[name] = str(exc).splitlines()[0][:200]
@njit(parallel=True)
def total(a):
    s = 0.0
    for i in prange(a.shape[0]):
        s += a[i]
    return s
out["result"] = float(total(np.ones(1000)))
out["loaded"] = numba.threading_layer()
print(json.dumps(out))
"""

_CUDA_REAL_PROBE = r"""
import json, os, importlib.metadata as md
out = {"available": False}
try:
    out["numba_cuda"] = md.version("numba-cuda")
except Exception:
    out["numba_cuda"] = None
try:
    from numba import cuda
    out["available"] = bool(cuda.is_available())
    if not out["available"]:
        try:
            from numba.cuda.cudadrv.driver import driver
            driver.get_version()
            out["reason"] = "the driver loaded but reports no usable device"
        except Exception as exc:
            out["reason"] = " ".join(str(exc).split())[:300]
    else:
        from numba.cuda.cudadrv.driver import driver
        out["driver"] = ".".join(str(v) for v in driver.get_version())
        dev = cuda.get_current_device()
        name = dev.name
        out["device"] = name.decode() if isinstance(name, bytes) else str(name)
        out["cc"] = ".".join(str(v) for v in dev.compute_capability)
        try:
            free, total = cuda.current_context().get_memory_info()
            out["memory_gib"] = round(total / 2**30, 1)
            out["free_gib"] = round(free / 2**30, 1)
        except Exception:
            pass
        import numpy as np
        @cuda.jit
        def inc(a):
            i = cuda.grid(1)
            if i < a.size:
                a[i] += 1
        a = cuda.to_device(np.zeros(64))
        inc[1, 64](a)
        out["kernel_ok"] = bool((a.copy_to_host() == 1).all())
except Exception as exc:
    out["available"] = False
    out["reason"] = (type(exc).__name__ + ": " + " ".join(str(exc).split()))[:300]
print(json.dumps(out))
"""

_CUDA_SIM_PROBE = r"""
import json, numpy as np
from numba import cuda
@cuda.jit
def inc(a):
    i = cuda.grid(1)
    if i < a.size:
        a[i] += 1
a = np.zeros(16)
inc[2, 8](a)
import numba
print(json.dumps({"kernel_ok": bool((a == 1).all()), "simulator": bool(numba.config.ENABLE_CUDASIM)}))
"""


class Probe:
    """A Python snippet in a subprocess that prints one JSON object; killed after a timeout."""

    def __init__(self, code: str, *, sim: bool = False, timeout: float = PROBE_TIMEOUT_S):
        env = dict(os.environ)
        env.pop("NUMBA_ENABLE_CUDASIM", None)
        if sim:
            env["NUMBA_ENABLE_CUDASIM"] = "1"
        try:
            env["NUMBA_CACHE_DIR"] = str(paths.numba_cache_dir())
        except OSError:  # reported by check_state; the probe still runs
            pass
        self.timeout = timeout
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env,
                                     text=True, start_new_session=True)

    def result(self) -> tuple[dict | None, str]:
        """(parsed JSON or None, problem text)."""
        remaining = max(0.1, self.timeout - (time.monotonic() - self.t0))
        try:
            out, err = self.proc.communicate(timeout=remaining)
        except subprocess.TimeoutExpired:
            self.kill()
            return None, f"timed out after {self.timeout:g} s (a hung driver or a very busy machine)"
        for line in reversed(out.splitlines()):
            if line.startswith("{"):
                try:
                    return json.loads(line), ""
                except ValueError:
                    break
        tail = " ".join(err.strip().splitlines()[-3:])[:400]
        return None, f"exit code {self.proc.returncode}" + (f": {tail}" if tail else "")

    def kill(self) -> None:
        import signal

        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()


# ----------------------------------------------------------------------------- checks
def check_versions() -> list[Finding]:
    out = [Finding("python", "ok", f"Python {platform.python_version()} ({sys.executable})",
                   data={"python": platform.python_version(), "executable": sys.executable})]
    if sys.version_info < (3, 10):
        out[0].verdict, out[0].hint = "FAIL", "numba-lab needs Python 3.10 or newer"
    try:
        import llvmlite
        import numba
        import numpy
    except Exception as exc:  # noqa: BLE001
        out.append(Finding("python", "FAIL", f"cannot import numba/llvmlite/numpy: {exc}",
                           hint="reinstall: pip install numba-lab (in this virtual environment)",
                           data={"fatal": True}))
        return out
    out.append(Finding("python", "ok", f"Numba {numba.__version__}, llvmlite {llvmlite.__version__}, "
                                       f"NumPy {numpy.__version__}",
                       data={"numba": numba.__version__, "llvmlite": llvmlite.__version__, "numpy": numpy.__version__}))
    from importlib import metadata

    ui = {}
    for dist in ("textual", "textual-serve"):
        try:
            ui[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            ui[dist] = None
    missing = [k for k, v in ui.items() if v is None]
    out.append(Finding("python", "FAIL" if ui["textual"] is None else ("warn" if missing else "ok"),
                       ", ".join(f"{k} {v or 'MISSING'}" for k, v in ui.items()),
                       hint="pip install numba-lab again to get its dependencies" if missing else None, data=ui))
    return out


def check_cpu() -> list[Finding]:
    cores = os.cpu_count() or 1
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = cores
    data: dict = {"cores": cores, "usable": usable}
    text = f"{cores} CPU cores" + (f" ({usable} usable by this process)" if usable != cores else "")
    try:
        import llvmlite.binding as ll

        data["cpu"] = ll.get_host_cpu_name()
        feats = ll.get_host_cpu_features()
        on = [f for f in SIMD_FEATURES if feats.get(f)]
        data["simd"] = on
        text += f"; LLVM CPU {data['cpu']}; SIMD {' '.join(on) or 'none detected'}"
    except Exception as exc:  # noqa: BLE001
        text += f"; CPU features unknown ({exc})"
    findings = [Finding("cpu", "ok", text, data=data)]
    try:
        load1 = os.getloadavg()[0]
        busy = load1 > 1.5 * usable
        findings.append(Finding("cpu", "warn" if busy else "ok", f"load average {load1:.1f} on {usable} cores",
                                hint="the machine is busy: timings will be noisy and compiles slower" if busy else None,
                                data={"load1": load1}))
    except OSError:
        pass
    return findings


def check_threading(probe: Probe) -> list[Finding]:
    res, problem = probe.result()
    if res is None:
        return [Finding("threading", "warn", f"parallel=True test run failed: {problem}",
                        hint="parallel lessons may not work; NUMBA_THREADING_LAYER=workqueue is the safe fallback")]
    avail = ", ".join(res.get("available", []))
    text = (f"threading layer: configured {res['configured']!r}, loaded {res['loaded']!r} after a prange test run; "
            f"available: {avail}; {res['threads']} threads")
    ok = res.get("result") == 1000.0
    hint = None
    if res.get("loaded") == "workqueue":
        hint = "workqueue is not thread-safe for nested parallelism; install tbb (pip install tbb) for the full lesson"
    if not ok:
        hint = "the parallel test computed a wrong result"
    return [Finding("threading", "ok" if ok else "FAIL", text, hint=hint, data=res)]


def check_cuda(setting: str, real: Probe | None, sim: Probe | None) -> list[Finding]:
    from lab.engine.runner import cuda_mode

    chosen = cuda_mode(setting)
    out: list[Finding] = []
    if os.environ.get("NUMBA_ENABLE_CUDASIM"):
        out.append(Finding("cuda", "warn", "NUMBA_ENABLE_CUDASIM is set in your environment",
                           hint="the lab decides per worker; use --cuda sim instead of the variable"))
    if setting == "off":
        out.append(Finding("cuda", "ok", "CUDA switched off (--cuda off): CUDA steps will say so"))
        return out
    real_ok = False
    if real is not None:
        res, problem = real.result()
        if res and res.get("available"):
            real_ok = bool(res.get("kernel_ok"))
            text = (f"CUDA device {res.get('device')} (compute capability {res.get('cc')}), driver {res.get('driver')}"
                    + (f", {res['memory_gib']} GiB ({res.get('free_gib')} free)" if res.get("memory_gib") else "")
                    + ("; test kernel ran" if real_ok else "; test kernel FAILED"))
            hint = None
            if not res.get("numba_cuda"):
                hint = "install the CUDA extra (pip install 'numba-lab[cuda]'): numba's built-in CUDA is deprecated"
            out.append(Finding("cuda", "ok" if real_ok else "warn", text, hint=hint, data=res))
        else:
            reason = (res or {}).get("reason") or problem
            has_dev = os.path.exists("/dev/nvidia0")
            out.append(Finding("cuda", "warn" if has_dev else "ok",
                               f"no usable CUDA GPU: {reason}",
                               hint=_cuda_hint(str(reason)) if has_dev else None, data=res or {"problem": problem}))
    if chosen == "real" and not real_ok:
        out.append(Finding("cuda", "warn", "the lab would try the real GPU (driver library and /dev/nvidia0 found) "
                                          "but the probe failed", hint="start the lab with --cuda sim"))
    if chosen == "sim" or (sim is not None and not real_ok):
        if sim is None:
            return out
        res, problem = sim.result()
        ok = bool(res and res.get("kernel_ok"))
        why = "forced by --cuda sim" if setting == "sim" else "no GPU"
        lead = f"CUDA steps will use the Numba CUDA simulator ({why})"
        if chosen == "real":  # the GPU failed its probe, yet auto would pick it
            lead = "with --cuda sim, CUDA steps run on the Numba CUDA simulator"
        out.append(Finding("cuda", "ok" if ok else "warn",
                           f"{lead}; test kernel "
                           + ("ran" if ok else f"failed: {problem or res}"),
                           hint=None if ok else "CUDA lessons will not run; CPU lessons are unaffected",
                           data={"simulator": True, **(res or {})}))
    elif chosen == "real" and real_ok:
        out.append(Finding("cuda", "ok", "CUDA steps will run on the real GPU; "
                                         "one CUDA job per learner at a time (one CUDA worker per lab)"))
    return out


def _cuda_hint(reason: str) -> str:
    if "CudaSupportError" in reason or "driver" in reason.lower() or "timed out" in reason:
        return "a GPU device node exists but the CUDA driver failed: check it with nvidia-smi"
    return ("the driver may be fine: Numba's CUDA support failed in Python (seen with NumPy newer than this "
            "Numba's built-in CUDA knows); install the CUDA extra: pip install 'numba-lab[cuda]'")


def check_engine() -> list[Finding]:
    """Run a tiny real job through the real Runner and worker (the path every lesson step takes)."""
    from lab.engine.protocol import Job
    from lab.engine.runner import run_job_sync

    src = "from numba import njit\n\n\n@njit\ndef doctor_probe(x):\n    return x + 1\n"
    job = Job(source=src, entry="doctor_probe", calls=["doctor_probe(41)"], views=[],
              workfile="doctor/probe", timeout_s=60.0)
    t0 = time.perf_counter()
    try:
        events = run_job_sync(job, cuda="off")
    except Exception as exc:  # noqa: BLE001
        return [Finding("engine", "FAIL", f"the worker could not run a job: {exc}")]
    ms = (time.perf_counter() - t0) * 1000
    done = events[-1] if events else {}
    results = [e.get("result") for e in events if e.get("type") == "output" and e.get("call")]
    compiled = next((e for e in events if e.get("type") == "compiled"), {})
    if done.get("ok") and results == ["42"]:
        return [Finding("engine", "ok", f"worker subprocess compiled and ran a test function in {ms:.0f} ms "
                                        f"(compile {compiled.get('compile_ms', 0):.0f} ms)",
                        data={"total_ms": ms, "compile_ms": compiled.get("compile_ms")})]
    errors = [e.get("summary") for e in events if e.get("type") == "error"]
    return [Finding("engine", "FAIL", f"the worker failed a test job: {'; '.join(map(str, errors)) or done}",
                    hint="see the error above; try `numba-lab run` on a small file for details")]


def check_terminal() -> list[Finding]:
    env = os.environ
    out: list[Finding] = []
    tty = sys.stdout.isatty()
    size = shutil.get_terminal_size((0, 0))
    if tty and size.columns:
        small = size.columns < MIN_COLS or size.lines < MIN_ROWS
        out.append(Finding("terminal", "warn" if small else "ok", f"terminal {size.columns}x{size.lines}",
                           hint=f"the lab is laid out for {MIN_COLS}x{MIN_ROWS} or more; enlarge the window"
                           if small else None, data={"cols": size.columns, "rows": size.lines}))
    else:
        out.append(Finding("terminal", "ok", "not a terminal (output redirected); size not checked", data={"tty": False}))
    term, colorterm = env.get("TERM", ""), env.get("COLORTERM", "")
    ssh = bool(env.get("SSH_CONNECTION") or env.get("SSH_TTY") or env.get("SSH_CLIENT"))
    tmux = bool(env.get("TMUX"))
    data = {"TERM": term, "COLORTERM": colorterm, "ssh": ssh, "tmux": tmux}
    where = " over SSH" if ssh else ""
    where += " inside tmux" if tmux else ""
    if colorterm.lower() in ("truecolor", "24bit"):
        out.append(Finding("terminal", "ok", f"true colour (COLORTERM={colorterm}, TERM={term}){where}", data=data))
    elif "256color" in term:
        hint = "for true colour: `export COLORTERM=truecolor` if your terminal supports it"
        if ssh:
            hint = ("SSH does not forward COLORTERM by default: run `export COLORTERM=truecolor` here, or add "
                    "`SendEnv COLORTERM` to your ~/.ssh/config (the server needs `AcceptEnv COLORTERM`)")
        if tmux:
            hint += "; in tmux also `set -as terminal-features ',*:RGB'`"
        out.append(Finding("terminal", "ok", f"256 colours (TERM={term}, COLORTERM unset){where}; "
                                             "the lab is designed to look right in 256 colours", hint=hint, data=data))
    elif term in ("", "dumb", "unknown"):
        out.append(Finding("terminal", "warn", f"TERM={term or '(unset)'}{where}: no colour support known",
                           hint="set TERM=xterm-256color (and COLORTERM=truecolor if supported)", data=data))
    else:
        hint = "set TERM=xterm-256color (and `export COLORTERM=truecolor` if your terminal supports it)"
        if ssh:
            hint += "; SSH does not forward COLORTERM unless ~/.ssh/config has `SendEnv COLORTERM`"
        out.append(Finding("terminal", "warn", f"TERM={term}, COLORTERM unset{where}: only 8/16 colours assumed",
                           hint=hint, data=data))
    enc = (sys.stdout.encoding or "").lower()
    lang = env.get("LC_ALL") or env.get("LC_CTYPE") or env.get("LANG") or ""
    utf8 = "utf" in enc or "utf" in lang.lower()
    out.append(Finding("terminal", "ok" if utf8 else "warn", f"encoding {enc or '?'} (locale {lang or 'unset'})",
                       hint=None if utf8 else "box drawing needs UTF-8: export LANG=C.UTF-8"))
    return out


def _writable(path: Path) -> str | None:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".doctor-{os.getpid()}"
        probe.write_text("x")
        probe.unlink()
        return None
    except OSError as exc:
        return exc.strerror or str(exc)


def check_state() -> list[Finding]:
    out: list[Finding] = []
    override = os.environ.get("NUMBA_LAB_HOME")
    dirs = {}
    try:
        dirs = {"data (drafts, progress)": paths.data_dir(), "work (learner files)": paths.work_dir(),
                "numba cache": paths.numba_cache_dir()}
    except OSError as exc:
        return [Finding("state", "FAIL", f"cannot create the state directories: {exc}",
                        hint="set NUMBA_LAB_HOME to a folder you can write")]
    for label, d in dirs.items():
        problem = _writable(d)
        if problem:
            out.append(Finding("state", "FAIL", f"{label}: {d} is not writable ({problem})",
                               hint="fix its permissions or set NUMBA_LAB_HOME to a folder you own", data={"path": str(d)}))
            continue
        mode = d.stat().st_mode & 0o777
        shared = bool(mode & 0o002)
        out.append(Finding("state", "warn" if shared else "ok", f"{label}: {d} (writable, mode {mode:o})",
                           hint=f"others can write here: chmod 700 {d}" if shared else None,
                           data={"path": str(d), "mode": f"{mode:o}"}))
    if override:
        out.append(Finding("state", "ok", f"NUMBA_LAB_HOME={override} moves all of them"))
    try:
        free = shutil.disk_usage(paths.cache_dir()).free
        low = free < 200 * 2**20
        out.append(Finding("state", "warn" if low else "ok", f"{free / 2**30:.1f} GiB free for the cache",
                           hint="Numba's cache and learner files need some space" if low else None))
    except OSError:
        pass
    return out


def load_lesson_dir(d: Path) -> tuple[list, list[str]]:
    """(lessons, error texts) for one folder."""
    from lab.lessons import load_lessons

    result = load_lessons([d])
    return list(result.lessons), [str(e) for e in result.errors]


def check_lessons(args) -> list[Finding]:
    from lab.cli import lesson_dirs

    out: list[Finding] = []
    try:
        dirs = lesson_dirs(args)
    except Exception as exc:  # noqa: BLE001
        return [Finding("lessons", "FAIL", f"cannot work out the lesson folders: {exc}")]
    total = 0
    for d in dirs:
        if not d.exists() and not d.is_symlink():  # a looping or dangling link: the loader says which
            out.append(Finding("lessons", "FAIL", f"{d}: no such folder", data={"dir": str(d)}))
            continue
        try:
            lessons, errors = load_lesson_dir(d)
        except Exception as exc:  # noqa: BLE001
            lessons, errors = [], [f"{type(exc).__name__}: {exc}"]
        total += len(lessons)
        verdict = "warn" if errors else "ok"
        if not lessons and errors:
            verdict = "FAIL"
        ro = "" if os.access(d, os.W_OK) else " (read-only: fine, nothing is written there)"
        text = f"{d}: {len(lessons)} lesson(s) load{ro}" + (f", {len(errors)} with errors" if errors else "")
        out.append(Finding("lessons", verdict, text, hint=("; ".join(errors[:3]) + " -- run `numba-lab check "
                                                            f"{d}` for every error") if errors else None,
                           data={"dir": str(d), "lessons": len(lessons), "errors": errors}))
    if total == 0:
        out.append(Finding("lessons", "FAIL", "no lessons to show", hint="check --lessons / NUMBA_LAB_LESSONS"))
    return out


def check_follow(args) -> list[Finding]:
    """Who is presenting on this box, and what --follow would follow."""
    from lab import follow

    out: list[Finding] = []
    now = time.time()
    for path in follow.discover_present_files():
        try:
            state = follow.read_presenter(path, expect_uid=follow.presenter_uid(path))
        except follow.FollowError as exc:
            out.append(Finding("follow", "warn", f"{path}: not a usable presenter file ({exc})",
                               hint="a presenter that crashed leaves it; its owner can delete it"))
            continue
        age = (now - state.ts) / 60 if state.ts else 0
        out.append(Finding("follow", "ok", f"{path.name}: {state.describe(now)} (updated {age:.0f} min ago)",
                           data={"path": str(path), **state.to_json()}))
    if not out:
        out.append(Finding("follow", "ok", "nobody is presenting on this machine (numba-lab --present publishes)"))
    value = getattr(args, "follow", None)
    if value is not None:
        target = follow.resolve_follow_path(value)
        if target is None:
            n = len(follow.discover_present_files())
            verdict, text = ("ok", "--follow: follows the only presenter") if n == 1 else (
                "warn", f"--follow: {n} presenters here; name one (--follow USER)")
        else:
            verdict = "ok" if follow.read_follow(target) else "warn"
            text = f"--follow: {target}" + ("" if verdict == "ok" else " (nobody presenting there yet)")
        out.append(Finding("follow", verdict, text))
    return out


# ----------------------------------------------------------------------------- report
def run_checks(args) -> list[Finding]:
    setting = getattr(args, "cuda", "auto") or "auto"
    findings = check_versions()
    if any(f.data.get("fatal") for f in findings):  # no numba: nothing else can be probed
        return findings + check_terminal() + check_state()
    threading_probe = Probe(_THREADING_PROBE)
    real = Probe(_CUDA_REAL_PROBE, timeout=30.0) if setting == "auto" else None
    sim = Probe(_CUDA_SIM_PROBE, sim=True) if setting in ("auto", "sim") else None
    try:
        findings += check_cpu()
        findings += check_engine()
        findings += check_threading(threading_probe)
        findings += check_cuda(setting, real, sim)
    finally:
        for p in (threading_probe, real, sim):
            if p is not None and p.proc.poll() is None:
                p.kill()
    findings += check_terminal()
    findings += check_state()
    findings += check_lessons(args)
    findings += check_follow(args)
    return findings


def overall(findings: list[Finding]) -> str:
    verdicts = {f.verdict for f in findings}
    return "FAIL" if "FAIL" in verdicts else ("warn" if "warn" in verdicts else "ok")


def format_report(findings: list[Finding]) -> str:
    lines = ["numba-lab doctor"]
    section = None
    for f in findings:
        if f.section != section:
            section = f.section
            lines.append(f"[{section}]")
        lines.append(f"  {f.verdict:<5} {f.text}")
        if f.hint:
            lines.append(f"        -> {f.hint}")
    verdict = overall(findings)
    warns = sum(f.verdict == "warn" for f in findings)
    fails = sum(f.verdict == "FAIL" for f in findings)
    summary = {"ok": "the lab can run here", "warn": "the lab can run here (see the warnings)",
               "FAIL": "the lab cannot work here until the FAIL lines are fixed"}[verdict]
    lines.append(f"verdict: {verdict}: {summary} ({fails} FAIL, {warns} warn)")
    return "\n".join(lines)


def main(args) -> int:
    findings = run_checks(args)
    if getattr(args, "json", False):
        print(json.dumps({"verdict": overall(findings), "findings": [asdict(f) for f in findings]}, indent=1))
    else:
        print(format_report(findings))
    return 1 if overall(findings) == "FAIL" else 0
