"""Worker side: the pure-Python baseline is the whole call graph interpreted.

Swapping only the entry for its ``py_func`` leaves every jitted callee compiled (a 95x kernel then
reads 6x), and a ``@stencil`` called from Python recompiles on every call (speed-ups of 1000x+ that
mean nothing). ``interpreted(entry_py, ns)`` walks everything reachable from the entry's Python
function (the globals its code names, its closure cells, recursively) and, while active, replaces
each Numba object there by a plain-Python twin: a dispatcher by its ``py_func``, a ufunc built by
``@vectorize`` by its kernel applied elementwise, a ``@stencil`` by a small Python interpreter of the
stencil (same neighbourhood, same border value). Globals and cells are restored on exit, so the
compiled code (which froze its globals when it compiled) never sees the swap.

Why not a worker with ``NUMBA_DISABLE_JIT=1``: Numba honours it for ``@jit`` only; ``@vectorize``
and ``@stencil`` still compile under it, so that baseline would not be pure either, and it costs a
second process (numba import, the learner's module and setup run twice).
"""

from __future__ import annotations

import contextlib
import itertools
import types

import numpy as np

from lab.engine import views


def _is_numba(obj) -> bool:
    mod = getattr(type(obj), "__module__", "") or ""
    return mod.startswith("numba.") or isinstance(obj, np.ufunc) and id(obj) in views.BUILT_UFUNCS


def _elementwise(py_func):
    """A @vectorize kernel as plain Python: scalars straight through, arrays element by element."""
    vec = np.vectorize(py_func)

    def twin(*args, **kwargs):
        if all(np.ndim(a) == 0 for a in args):
            return py_func(*args)
        return vec(*args, **kwargs)

    twin.__wrapped__ = py_func
    return twin


def twin_of(obj):
    """The plain-Python stand-in for a Numba object, or None if it is not one (or has none)."""
    if not _is_numba(obj):
        return None
    name = type(obj).__name__
    if name == "StencilFunc":
        return stencil_twin(obj)
    py_func = views.py_func_of(obj)
    if py_func is None:
        return None
    if "UFunc" in name or isinstance(obj, np.ufunc):  # DUFunc, a built ufunc, a CUDA ufunc
        return _elementwise(py_func)
    return py_func


def _code_names(code) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


class Swap:
    """Every Numba object reachable from a Python function, with its twin; apply with `active()`."""

    def __init__(self, root, ns: dict | None = None, entry=None):
        self.entry = entry
        self.globals_swaps: list[tuple[dict, str, object, object]] = []  # (dict, name, original, twin)
        self.cell_swaps: list[tuple[object, object, object]] = []
        self.kept: list[str] = []  # Numba objects with no Python twin (left compiled)
        self.ns = dict(ns or {})
        self._twins: dict[int, object] = {}
        seen: set[int] = set()
        todo = [root]
        for name, value in list(self.ns.items()):  # names the timed call itself uses
            twin = self._twin(value, name)
            if twin is not None:
                self.ns[name] = twin
                todo.append(twin)
        while todo:
            fn = todo.pop()
            fn = getattr(fn, "__wrapped__", fn)
            if id(fn) in seen or not isinstance(fn, types.FunctionType):
                continue
            seen.add(id(fn))
            g = fn.__globals__
            for name in _code_names(fn.__code__):
                if name not in g:
                    continue
                value = g[name]
                twin = self._twin(value, name)
                if twin is not None:
                    if not any(d is g and n == name for d, n, _, _ in self.globals_swaps):
                        self.globals_swaps.append((g, name, value, twin))
                    todo.append(twin)
                elif isinstance(value, types.FunctionType):
                    todo.append(value)
            for cell in fn.__closure__ or ():
                with contextlib.suppress(ValueError):  # an empty cell
                    value = cell.cell_contents
                    twin = self._twin(value, "closure")
                    if twin is not None:
                        self.cell_swaps.append((cell, value, twin))
                        todo.append(twin)
                    elif isinstance(value, types.FunctionType):
                        todo.append(value)

    def _twin(self, value, name):
        if id(value) in self._twins:
            return self._twins[id(value)]
        twin = twin_of(value)
        if twin is None and _is_numba(value) and callable(value):
            if name not in self.kept:
                self.kept.append(name)
        self._twins[id(value)] = twin
        return twin

    @property
    def count(self) -> int:
        """How many Numba callees (not the entry) are swapped."""
        ids = {id(o) for _, _, o, _ in self.globals_swaps} | {id(o) for _, o, _ in self.cell_swaps}
        return len(ids - {id(self.entry)})

    @contextlib.contextmanager
    def active(self):
        for g, name, _orig, twin in self.globals_swaps:
            g[name] = twin
        for cell, _orig, twin in self.cell_swaps:
            cell.cell_contents = twin
        try:
            yield
        finally:
            for g, name, orig, _twin in self.globals_swaps:
                g[name] = orig
            for cell, orig, _twin in self.cell_swaps:
                cell.cell_contents = orig

    def describe(self) -> str:
        n = self.count
        text = (f"Python baseline: whole call graph interpreted ({n} jitted callee{'s' if n != 1 else ''} "
                "swapped for plain Python).")
        if self.kept:
            text += f" Left compiled (no plain-Python form): {', '.join(sorted(set(self.kept)))}."
        return text


# ---------------------------------------------------------------- @stencil in plain Python

def _kernel_func(stencil):
    fid = getattr(stencil.kernel_ir, "func_id", None)
    return getattr(fid, "func", None)


def _static_neighbourhood(stencil, ndim: int, arg_names: list[str]):
    """The relative index range per dimension, read from the kernel's constant indices (as Numba
    does when no `neighborhood` is given); None if an index is not a constant."""
    from numba.core import ir

    lo, hi = [0] * ndim, [0] * ndim
    stmts = [s for b in stencil.kernel_ir.blocks.values() for s in b.body if isinstance(s, ir.Assign)]
    defs = {s.target.name: s.value for s in stmts}

    def const(var):
        value = defs.get(getattr(var, "name", None))
        if isinstance(value, ir.Const):
            return value.value
        if isinstance(value, ir.Expr) and value.op == "build_tuple":
            return tuple(const(v) for v in value.items)
        return None

    for stmt in stmts:
        expr = stmt.value
        if not isinstance(expr, ir.Expr) or expr.op not in ("static_getitem", "getitem"):
            continue
        if expr.value.name not in arg_names:
            continue
        index = expr.index if expr.op == "static_getitem" else const(expr.index)
        if isinstance(index, int):
            index = (index,)
        if not isinstance(index, tuple) or not all(isinstance(i, int) for i in index) or len(index) != ndim:
            return None
        for d, i in enumerate(index):
            lo[d], hi[d] = min(lo[d], i), max(hi[d], i)
    return list(zip(lo, hi))


class _Relative:
    """An array seen from one point: a[i, j] reads arr[p + i, q + j]."""

    __slots__ = ("arr", "at")

    def __init__(self, arr):
        self.arr, self.at = arr, ()

    def __getitem__(self, index):
        if not isinstance(index, tuple):
            index = (index,)
        return self.arr[tuple(p + i for p, i in zip(self.at, index))]


def stencil_twin(stencil):
    """A plain-Python function with the stencil's semantics (constant mode: border cells get `cval`,
    default 0), or None when the kernel has no constant neighbourhood to read."""
    kernel = _kernel_func(stencil)
    if kernel is None or stencil.options.get("standard_indexing"):
        return None
    arg_names = list(kernel.__code__.co_varnames[: kernel.__code__.co_argcount])
    given = stencil.options.get("neighborhood")

    def twin(*args, out=None):
        first = np.asarray(args[0])
        ndim = first.ndim
        hood = [tuple(h) for h in given] if given else _static_neighbourhood(stencil, ndim, arg_names)
        if hood is None:
            raise TypeError("this stencil's neighbourhood is not constant; give neighborhood= to interpret it")
        views_ = [_Relative(a) if np.ndim(a) else a for a in args]
        ranges = [range(-lo, first.shape[d] - hi) for d, (lo, hi) in enumerate(hood)]
        result = out
        for point in itertools.product(*ranges):
            for v in views_:
                if isinstance(v, _Relative):
                    v.at = point
            value = kernel(*views_)
            if result is None:
                result = np.full(first.shape, stencil.options.get("cval", 0), dtype=np.asarray(value).dtype)
            result[point] = value
        if result is None:
            result = np.full(first.shape, stencil.options.get("cval", 0), dtype=first.dtype)
        return result

    twin.__wrapped__ = kernel
    return twin
