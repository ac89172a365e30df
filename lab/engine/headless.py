"""``numba-lab run FILE.py --entry f ...``: one job through the engine, events printed for a human
(or one JSON object per line with --json). No numba import here; the worker does the work."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from lab.engine.protocol import Job, Timing, error_event
from lab.options import Options, OptionsError, decorator_for_kind, options_for_target, options_from_source, target_of


def parse_option_list(text: str | None, base: Options | None, decorator: str) -> Options | None:
    """'parallel,fastmath,nogil,signature=f8(f8[:]),boundscheck=false' -> Options (on top of base)."""
    if not text:
        return None
    opts = base or Options(decorator=decorator)
    for item in _split_top(text):
        name, eq, value = item.partition("=")
        name = name.strip()
        if name.startswith("no-"):
            name, value, eq = name[3:], "false", "="
        if name in ("signature", "target", "layout", "decorator"):
            if not eq:
                raise OptionsError(f"--options: {name} needs a value, e.g. {name}=...")
            opts = opts.with_toggle(name, value.strip() or None)
            continue
        if not eq:
            val: bool | None = True
        else:
            v = value.strip().lower()
            if v in ("true", "1", "yes", "on"):
                val = True
            elif v in ("false", "0", "no", "off"):
                val = False
            elif v in ("none", "default") and name in ("nopython", "boundscheck"):
                val = None
            else:
                raise OptionsError(f"--options: {name}={value!r} is not true/false")
        opts = opts.with_toggle(name, val)
    return opts


def _split_top(text: str) -> list[str]:
    """Split on commas outside brackets/quotes (signatures contain commas)."""
    out, depth, cur, quote = [], 0, "", None
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        cur += ch
    if cur.strip():
        out.append(cur)
    return [p for p in (s.strip() for s in out) if p]


def job_from_args(args: argparse.Namespace) -> Job:
    path: Path = args.file
    source = path.read_text(encoding="utf-8")
    current = options_from_source(source, args.entry)
    opts = parse_option_list(args.options, current, decorator_for_kind(args.kind))
    # --target picks the target exactly as the UI's target row does (parallel=True for @jit, ...);
    # without it the target is the one the decorator implies, as the UI shows it
    target = args.target or "cpu"
    base = opts or current
    if base is not None and args.target is not None:
        picked = options_for_target(base, target)
        if picked != base:
            opts = picked
    elif base is not None:
        target = target_of(base, target)
    timing = None
    if args.time_call:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()] if args.sizes else []
        timing = Timing(call=args.time_call, setup=args.time_setup, sizes=sizes)
    views = [v.strip() for v in args.views.split(",") if v.strip()]
    return Job(source=source, entry=args.entry, kind=args.kind, target=target, options=opts,
               setup=args.setup, calls=list(args.call), views=views, timing=timing,
               workfile=f"run/{path.stem}", timeout_s=args.timeout, memory_mb=args.memory_mb).validate()


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + ln for ln in text.rstrip("\n").splitlines())


def format_event(e: dict, *, full: bool = False) -> str:
    t = e.get("type")
    head = f"[{e.get('t', 0):7.3f}s] {t}"
    if t == "started":
        return f"{head}: worker pid {e['pid']}, numba {e['numba']}, target {e['target']}" + \
            (" (CUDA simulator)" if e.get("simulator") else "")
    if t == "compiled":
        at_import = (f" (+ {e['import_compile_ms']:.1f} ms compiling other functions at import)"
                     if e.get("import_compile_ms") else "")
        return (f"{head}: {e['mode']} in {e['compile_ms']:.1f} ms{at_import}; "
                f"signatures: {', '.join(e['signatures']) or '(none yet)'}")
    if t == "output":
        lines = [f"{head}: {e['call'] or '(import/setup)'}" + (f" -> {e['result']}" if e.get("result") is not None else "")]
        if e.get("stdout"):
            lines.append(_indent(e["stdout"], "    | "))
        if e.get("stderr"):
            lines.append(_indent(e["stderr"], "    ! "))
        if e.get("truncated"):
            lines.append("    (output truncated)")
        return "\n".join(lines)
    if t == "error":
        where = f" at line {e['line']}" + (f":{e['col']}" if e.get("col") else "") if e.get("line") else ""
        lines = [f"{head} ({e['stage']}{', expected' if e.get('expected') else ''}): {e['etype']}{where}",
                 _indent(e["summary"])]
        if e.get("source_line"):
            lines.append(f"    > {e['source_line'].strip()}")
        if e.get("hint"):
            lines.append(f"    hint: {e['hint']}")
        if full and e.get("full"):
            lines.append(_indent(e["full"], "    # "))
        return "\n".join(lines)
    if t in ("llvm", "asm"):
        extra = f" vectorized {', '.join(e['vector_types'])}" if e.get("vectorized") else ""
        return f"{head}: {', '.join(e['functions'])}{extra}\n{_indent(e['full'] if full else e['text'])}"
    if t in ("types", "ptx"):
        return f"{head}:\n{_indent(e['text'])}"
    if t == "parallel":
        return f"{head}: {e['loops']} parallel loop(s)\n{_indent(e['text'])}"
    if t == "timings":
        jit, py = e.get("jit") or {}, e.get("python")
        lines = [f"{head}: compile {e['compile_ms']:.1f} ms, first call {e['first_call_ms']:.3f} ms",
                 f"    jit    min {jit.get('min_s', 0):.3e} s  median {jit.get('median_s', 0):.3e} s  "
                 f"({jit.get('runs')} x {jit.get('loops')} loops)"]
        if py:
            lines.append(f"    python min {py['min_s']:.3e} s  median {py['median_s']:.3e} s  "
                         f"({py['runs']} x {py['loops']} loops)")
        if e.get("speedup") is not None:
            spread = "  ".join(f"{k} spread {d['spread'] * 100:.0f}%" for k, d in (("jit", jit), ("python", py))
                               if d and d.get("spread") is not None)
            lines.append(f"    speed-up {e['speedup']:.1f}x" + (f"  ({spread})" if spread else "")
                         + ("  UNCERTAIN" if e.get("uncertain") else ""))
        for key in ("busy_note",):
            if e.get(key):
                lines.append(f"    note: {e[key]}")
        if (e.get("baseline") or {}).get("text"):
            lines.append(f"    {e['baseline']['text']}")
        for row in e.get("series") or []:
            p = f"{row['python_s']:.3e}" if row.get("python_s") is not None else "-"
            lines.append(f"    n={row['size']:<10} jit {row['jit_s']:.3e} s  python {p} s")
        if e.get("python_note"):
            lines.append(f"    note: {e['python_note']}")
        if e.get("simulator"):
            lines.append("    (CUDA simulator timings)")
        return "\n".join(lines)
    if t == "check":
        return f"{head}: {'PASS' if e['passed'] else 'FAIL'} {e['name']}: {e['message']}"
    if t == "lines":
        if e.get("error"):
            return f"{head}: no source lines: {e['error']}"
        views = [f"{w} ({'exact' if e.get(f'{w}_exact') else 'approximate'})" for w in ("llvm", "asm") if w in e]
        return f"{head}: source line of each line of {', '.join(views)} in {e.get('ms', 0):.0f} ms" + \
            "".join(f"\n    note: {e[k]}" for k in ("llvm_note", "asm_note") if e.get(k))
    if t == "done":
        cause = f" ({e['cause']})" if e.get("cause") else ""
        ms = f" in {e['elapsed_ms']:.0f} ms" if e.get("elapsed_ms") is not None else ""
        return f"{head}: {'ok' if e['ok'] else 'FAILED'}{ms}{cause}"
    return f"{head}: {json.dumps(e)}"


def _refuse(args: argparse.Namespace, etype: str, message: str, *, stage: str = "syntax", status: int = 2) -> int:
    """A job that cannot be built or run (no worker): with --json an error event and a done event (one
    JSON object per line, like every other outcome), otherwise one line on stderr."""
    if getattr(args, "json", False):
        print(json.dumps(error_event("", 0.0, stage=stage, etype=etype, summary=message)), flush=True)
        print(json.dumps({"type": "done", "job": "", "t": 0.0, "ok": False, "elapsed_ms": 0.0, "cause": None}),
              flush=True)
    else:
        print(f"numba-lab run: {message}", file=sys.stderr)
    return status


def main(args: argparse.Namespace) -> int:
    from lab.engine.runner import Runner

    try:
        job = job_from_args(args)
    except FileNotFoundError:
        return _refuse(args, "FileNotFoundError", f"no such file: {args.file}")
    except (OSError, OptionsError, ValueError, UnicodeDecodeError, SyntaxError) as exc:
        return _refuse(args, type(exc).__name__, str(exc))
    import asyncio

    async def go() -> dict:
        runner = Runner(cuda=getattr(args, "cuda", "auto"), spare=False)
        last: dict = {}
        try:
            async for e in runner.run(job):  # printed as they stream in
                print(json.dumps(e) if args.json else format_event(e, full=args.full), flush=True)
                last = e
        finally:
            await runner.close()
        return last

    try:
        done = asyncio.run(go())
    except Exception as exc:  # noqa: BLE001 - e.g. no worker could start: still one event per line
        return _refuse(args, type(exc).__name__, str(exc) or type(exc).__name__, stage="worker", status=1)
    return 0 if done.get("ok") else 1
