"""Worker side: find the compiled results behind the learner's entry (jit dispatcher, DUFunc, GUFunc,
or a plain ufunc built by @vectorize(target='parallel')) and turn them into view events.
Runs only inside the worker (imports numba lazily)."""

from __future__ import annotations

import contextlib
import io
import re

from lab.engine import irtext

# id(ufunc) -> builder, filled by the build_ufunc hook installed in the worker
BUILT_UFUNCS: dict[int, object] = {}
BUILD_SECONDS = [0.0]
CACHE_LOAD_SECONDS = [0.0]  # time spent in successful loads from Numba's disk cache (cache=True)
CACHE_NOTE = ("loaded from Numba's disk cache, which keeps no {what}: this is the same function compiled "
              "again without the cache, for this view")


def install_ufunc_hook() -> None:
    """Record which builder produced each ufunc (@vectorize/@guvectorize with signatures compile
    outside Numba's compile events) and how long the builds took."""
    import time

    from numba.np.ufunc import parallel, ufuncbuilder

    for cls in (ufuncbuilder.UFuncBuilder, ufuncbuilder.GUFuncBuilder,
                parallel.ParallelUFuncBuilder, parallel.ParallelGUFuncBuilder):
        if "build_ufunc" not in cls.__dict__ or getattr(cls.build_ufunc, "_lab_hook", False):
            continue
        orig = cls.__dict__["build_ufunc"]

        def build_ufunc(self, _orig=orig):
            t = time.perf_counter()
            result = _orig(self)
            BUILD_SECONDS[0] += time.perf_counter() - t
            BUILT_UFUNCS[id(result)] = self
            return result

        build_ufunc._lab_hook = True
        cls.build_ufunc = build_ufunc

    from numba.np.ufunc import dufunc

    # @vectorize makes a DUFunc (eager or lazy); its loops compile here, outside Numba's compile events
    _time_builds(dufunc.DUFunc, "_compile_for_argtys")
    for cls in (ufuncbuilder.UFuncBuilder, ufuncbuilder.GUFuncBuilder):
        _time_builds(cls, "add")  # compile time of @vectorize(sigs) is spent in builder.add()


def install_cache_hook() -> None:
    """Time loads from the disk cache: they fire no compile event, so a cached function would
    report a compile time of 0."""
    import time

    from numba.core import caching

    orig = caching.Cache.__dict__["load_overload"]
    if getattr(orig, "_lab_hook", False):
        return

    def load_overload(self, *a, **k):
        t = time.perf_counter()
        cres = orig(self, *a, **k)
        if cres is not None:  # a miss costs an index lookup only; that is part of compiling
            CACHE_LOAD_SECONDS[0] += time.perf_counter() - t
        return cres

    load_overload._lab_hook = True
    caching.Cache.load_overload = load_overload


def _dispatcher_of(obj):
    from numba.core.dispatcher import Dispatcher

    for candidate in (obj, getattr(obj, "_dispatcher", None)):
        if isinstance(candidate, Dispatcher):
            return candidate
    return None


def cache_hits(obj) -> int:
    """How many of the entry's signatures came from the disk cache."""
    disp = _dispatcher_of(obj)
    return sum(getattr(disp, "_cache_hits", {}).values()) if disp is not None else 0


def uncached_results(obj) -> list[tuple[object, object]] | None:
    """The entry's signatures compiled again by a fresh dispatcher without the cache: a function
    loaded from the disk cache keeps no LLVM IR, assembly or type annotation. None if the entry is
    not a plain dispatcher."""
    disp = _dispatcher_of(obj)
    if disp is None or not hasattr(disp, "_compiler"):
        return None
    fresh = type(disp)(disp.py_func, locals=dict(disp.locals), targetoptions=dict(disp.targetoptions),
                       pipeline_class=disp._compiler.pipeline_class)
    for sig in list(disp.overloads):
        fresh.compile(sig)
    return list(fresh.overloads.items())


def _time_builds(cls, name: str) -> None:
    """Add the time spent in cls.name (once, however often the hook is installed) to BUILD_SECONDS."""
    import time

    orig = cls.__dict__.get(name)
    if orig is None or getattr(orig, "_lab_hook", False):
        return

    def timed(self, *a, **k):
        t = time.perf_counter()
        try:
            return orig(self, *a, **k)
        finally:
            BUILD_SECONDS[0] += time.perf_counter() - t

    timed._lab_hook = True
    setattr(cls, name, timed)


# id(StencilFunc) -> {argument types: CompileResult}: a @stencil called from Python compiles a new
# function on every call and keeps none; the hook below keeps the latest per signature
STENCIL_RESULTS: dict[int, dict] = {}


def install_stencil_hook() -> None:
    """Keep what each @stencil compiles when called from Python (and time it: no compile event fires).
    A stencil called from jitted code is compiled into its caller and shows in the caller's views."""
    import time

    from numba.stencils.stencil import StencilFunc

    orig = StencilFunc.__dict__["_stencil_wrapper"]
    if getattr(orig, "_lab_hook", False):
        return

    def _stencil_wrapper(self, result, sigret, return_type, typemap, calltypes, *args):
        t = time.perf_counter()
        cres = orig(self, result, sigret, return_type, typemap, calltypes, *args)
        if sigret is None:  # called from Python; from jitted code it is inside the caller's compile
            BUILD_SECONDS[0] += time.perf_counter() - t
            STENCIL_RESULTS.setdefault(id(self), {})[tuple(args)] = cres
        return cres

    _stencil_wrapper._lab_hook = True
    StencilFunc._stencil_wrapper = _stencil_wrapper


def _jitclass_dispatchers(obj) -> list:
    """The dispatchers behind a @jitclass's methods and properties (constructor first)."""
    class_type = getattr(obj, "class_type", None)
    methods = getattr(class_type, "jit_methods", None)
    if not isinstance(methods, dict):
        return []
    out = list(methods.values())
    for accessors in (getattr(class_type, "jit_props", None) or {}).values():
        out += [d for d in accessors.values() if d is not None]
    return out


def compile_results(obj) -> list[tuple[object, object]]:
    """[(signature, CompileResult)] for the entry, whatever kind of object the decorator made:
    a jit dispatcher, a DUFunc/GUFunc, a ufunc built by a builder, a @jitclass (its compiled
    methods) or a @stencil called from Python."""
    from numba.core.dispatcher import Dispatcher

    if isinstance(obj, Dispatcher):
        return list(obj.overloads.items())
    if id(obj) in STENCIL_RESULTS:
        return list(STENCIL_RESULTS[id(obj)].items())
    jc = _jitclass_dispatchers(obj)
    if jc:
        return [item for d in jc for item in d.overloads.items()]
    disp = getattr(obj, "_dispatcher", None)
    if disp is not None and hasattr(disp, "overloads"):
        return list(disp.overloads.items())
    builder = BUILT_UFUNCS.get(id(obj))
    if builder is not None:
        return list(getattr(builder, "_cres", {}).items())
    return []


def py_func_of(obj):
    """The plain Python function behind the entry, or None."""
    for candidate in (obj, getattr(obj, "_dispatcher", None), BUILT_UFUNCS.get(id(obj))):
        f = getattr(candidate, "py_func", None)
        if f is not None:
            return f
    return None


def signatures(results) -> list[str]:
    out = []
    for sig, cres in results:
        s = getattr(cres, "signature", None)
        out.append(str(s) if s is not None else str(sig))
    return out


def mode(results) -> str:
    return "object" if any(getattr(c, "objectmode", False) for _, c in results) else "nopython"


def _sig_header(sig, cres) -> str:
    s = getattr(cres, "signature", None) or sig
    return f"; ==== signature {s} ===="


def _library_text(cres, what: str) -> str:
    lib = cres.library
    return lib.get_llvm_str() if what == "llvm" else lib.get_asm_str()


# Line tables only: the optimisation pipeline stays as in the real build (no optnone, no extended
# lifetimes, no allocas for every variable, bounds checks as the learner set them).
LINE_COPY_OPTIONS = {"debug": True, "_dbg_extend_lifetimes": False, "_dbg_optnone": False}


def line_copy(obj) -> list[tuple[object, object]] | None:
    """The entry's signatures compiled again with line tables only (Numba's `dbg_directives_only`,
    what it uses for CUDA lineinfo), to read source lines from. None if the entry is not a
    dispatcher."""
    import warnings

    disp = _dispatcher_of(obj)
    if disp is None or not hasattr(disp, "_compiler"):
        return None
    opts = dict(disp.targetoptions)
    opts.setdefault("boundscheck", False)
    opts.update(LINE_COPY_OPTIONS)
    opts.pop("cache", None)
    copy = type(disp)(disp.py_func, locals=dict(disp.locals), targetoptions=opts,
                      pipeline_class=disp._compiler.pipeline_class)
    customize = copy._compiler._customize_flags

    def lines_only(flags):
        flags = customize(flags)
        flags.dbg_directives_only = True
        return flags

    copy._compiler._customize_flags = lines_only
    with warnings.catch_warnings(), _learner_lines_only(disp.py_func.__code__.co_filename):
        warnings.simplefilter("ignore")  # "could not find source" for parfor gufuncs: their lines are the loop's
        for sig in list(disp.overloads):
            copy.compile(sig)
    return list(copy.overloads.items())


@contextlib.contextmanager
def _learner_lines_only(path: str):
    """While the line copy compiles: statements that are not from the learner's file (a parfor
    gufunc's loop control is lowered from source Numba generates, "<string>") get line 0, so only
    the learner's own lines reach the line table. The loop body keeps the learner's lines."""
    from numba.core import lowering

    orig = lowering.Lower.lower_inst

    def lower_inst(self, inst):
        if getattr(self.loc, "filename", path) != path:
            self.loc = self.loc.with_lineno(0)
        d = getattr(self, "defn_loc", None)
        if d is not None and getattr(d, "filename", path) != path:
            self.defn_loc = d.with_lineno(0)
        return orig(self, inst)

    lowering.Lower.lower_inst = lower_inst
    try:
        yield
    finally:
        lowering.Lower.lower_inst = orig


def source_span(obj) -> tuple[int, int] | None:
    """First and last line of the entry's Python source (with its decorators)."""
    import inspect

    f = py_func_of(obj)
    try:
        lines, start = inspect.getsourcelines(f)
    except (TypeError, OSError):
        return None
    return (start, start + len(lines) - 1)


_GUFUNC_RE = re.compile(r"__numba_parfor_gufunc_0x[0-9a-f]+")


def line_map(copy_results, shown: dict[str, tuple[str, int]], modules: tuple[str, ...],
             span: tuple[int, int] | None = None) -> dict:
    """Fields of a `lines` event: for each shown view ({what: (code text, lines of note the worker
    put above it)}), the source line of each line of the emitted text; `<what>_exact`: the copy's
    code equals the real code line for line and every line came from a line table."""
    from functools import partial

    from lab.engine import linemap

    out: dict = {}
    for what, (text, skip) in shown.items():
        prep = partial(linemap.mark_llvm if what == "llvm" else linemap.mark_asm, span=span)
        copy_text = ir_view(copy_results, what, modules, prep=prep)["text"]
        lines, exact = linemap.transfer(text, copy_text)
        if what == "asm" and _GUFUNC_RE.search(text):
            # no line table for a parfor loop body's assembly: take the first line of that loop's
            # body from the IR of the copy (the n-th gufunc of the copy is the n-th of the real code)
            ir = ir_view(copy_results, "llvm", modules, prep=partial(linemap.mark_llvm, span=span))["text"]
            firsts = []
            for block in re.split(r"\n(?=define )", ir):
                m = _GUFUNC_RE.search(block.split("\n", 1)[0])
                found = [int(n) for n in re.findall(r";@L(\d+)$", block, re.M) if int(n)]
                if m and found:
                    firsts.append(min(found))
            names = list(dict.fromkeys(_GUFUNC_RE.findall(text)))
            fill = dict(zip(names, firsts))
            if fill and linemap.fill_unmarked_functions(text, lines, fill):
                exact = False
                out["asm_note"] = ("the parallel loop's assembly has no line table: its instructions are "
                                   "marked with the first line of the loop body")
        out[what] = [None] * skip + lines
        out[f"{what}_exact"] = exact
    return out


def ir_view(results, what: str, modules: tuple[str, ...], prep=None) -> dict:
    """Fields of an llvm/asm event (`prep` rewrites the listing before it is filtered)."""
    texts, fulls, names, vtypes = [], [], [], []
    vectorized = False
    for sig, cres in results:
        try:
            full = _library_text(cres, what)
            if prep is not None:
                full = prep(full)
        except Exception as exc:  # e.g. loaded from cache=True: Numba keeps no IR then
            full = ""
            texts.append(f"{_sig_header(sig, cres)}\n; no {what} available: {type(exc).__name__}: {exc}\n"
                         "; (functions loaded from Numba's on-disk cache keep no IR; toggle cache off to see it)")
            continue
        fulls.append(f"{_sig_header(sig, cres)}\n{full}")
        filt, fnames = (irtext.filter_llvm if what == "llvm" else irtext.filter_asm)(full, modules)
        if not filt.strip():  # nothing matched the module filter: fall back to all non-wrapper code
            filt, fnames = (irtext.filter_llvm if what == "llvm" else irtext.filter_asm)(full, None)
        texts.append(f"{_sig_header(sig, cres)}\n{filt}")
        names += [n for n in fnames if n not in names]
        if what == "llvm":
            for v in irtext.vector_types(filt):
                if v not in vtypes:
                    vtypes.append(v)
            vectorized = vectorized or bool(vtypes)
        else:
            packed = irtext.packed_instructions(filt)
            vtypes += [p for p in packed if p not in vtypes]
            vectorized = vectorized or bool(packed)
    if not results:
        texts.append(f"; nothing compiled yet: call the function (or give a signature) to see its {what}")
    comment = ";" if what == "llvm" else "#"
    text = "\n".join(t.replace("; ", f"{comment} ", 1) if what == "asm" else t for t in texts)
    return {"text": text, "full": "\n".join(fulls), "functions": names, "vectorized": vectorized,
            "vector_types": vtypes}


def types_view(results, note: str = "") -> dict:
    parts = [note] if note else []
    for sig, cres in results:
        ann = getattr(cres, "type_annotation", None)
        if ann is None:
            parts.append(f"# {sig}: no type annotation kept (object mode or cached)")
            continue
        try:
            parts.append(ann.annotate())
        except Exception as exc:
            parts.append(f"# {sig}: could not annotate: {exc}")
    if not results:
        parts.append("# nothing compiled yet: call the function (or give a signature) to see its types")
    return {"text": "\n".join(parts)}


def parallel_view(results) -> dict:
    buf = io.StringIO()
    loops = prange_loops = 0
    for sig, cres in results:
        diag = (getattr(cres, "metadata", None) or {}).get("parfor_diagnostics")
        if diag is None or getattr(diag, "_has_setup", True) is False:  # compiled without parallel=True
            continue
        with contextlib.redirect_stdout(buf):
            try:
                diag.dump(4)
            except Exception as exc:
                print(f"(parallel diagnostics failed: {exc})")
        try:
            loops = max(loops, int(diag.count_parfors()))
            # loops from the code's own prange (not array expressions or np.zeros & co.), before fusion
            prange_loops = max(prange_loops, sum(
                any(isinstance(pat, tuple) and pat[:2] == ("prange", "user") for pat in getattr(pf, "patterns", ()))
                for pf in getattr(diag, "initial_parfors", ())))
        except Exception:
            pass
    text = buf.getvalue()
    if not text.strip():
        text = "No parallel diagnostics: compile with parallel=True (and use prange or array expressions)."
    return {"text": text, "loops": loops, "prange_loops": prange_loops}
