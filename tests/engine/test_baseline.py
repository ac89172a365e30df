"""The Python baseline is the whole call graph interpreted, and the timing decides "uncertain" from
the spread of its samples. Real Numba, real learner files imported as modules."""

from __future__ import annotations

import importlib.util
import textwrap

import numpy as np
import pytest

from lab.engine.baseline import Swap, twin_of
from lab.engine.timing import BUSY_SPREAD, busy_note, spread, stats_of, uncertain

LEARNER = textwrap.dedent('''
    import numpy as np
    from numba import njit, stencil, vectorize

    SEEN = []

    @njit
    def callee(x):
        return x * x          # int64 wraps when compiled; a Python int does not

    @njit
    def go(x):
        return callee(x)

    @vectorize(["float64(float64)"])
    def sq(v):
        return v * v

    @stencil
    def blur(a):
        return 0.25 * (a[0, 1] + a[1, 0] + a[0, -1] + a[-1, 0])

    @stencil(neighborhood=((-1, 1), (-1, 1)), cval=7.0)
    def shifted(a, b):
        return a[0, 0] + b

    @njit
    def uses_all(a):
        s = 0.0
        for i in range(a.shape[0]):
            s += sq(a[i, i])
        return blur(a), shifted(a, 2.0), s

    def make():
        @njit
        def inner(x):
            return x * x

        @njit
        def outer(x):
            return inner(x)
        return outer

    closed = make()
''')


@pytest.fixture(scope="module")
def mod(tmp_path_factory):
    path = tmp_path_factory.mktemp("learner") / "learner_baseline.py"
    path.write_text(LEARNER)
    spec = importlib.util.spec_from_file_location("learner_baseline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_callee_runs_as_python_in_the_baseline_and_compiled_again_after(mod):
    big = 2 ** 40
    assert mod.go(big) != big * big  # compiled: int64 wrapped
    swap = Swap(mod.go.py_func, {"go": mod.go}, entry=mod.go)
    assert swap.count == 1 and "1 jitted callee swapped" in swap.describe()
    with swap.active():
        assert type(mod.callee).__name__ == "function"  # a plain function while the baseline runs
        assert swap.ns["go"](big) == big * big          # the whole graph ran as Python: exact
    assert type(mod.callee).__name__ == "CPUDispatcher"  # restored
    assert mod.go(big) != big * big


def test_ufunc_and_stencil_callees_have_faithful_python_twins(mod):
    a = np.arange(49.0).reshape(7, 7)
    compiled = mod.uses_all(a)
    swap = Swap(mod.uses_all.py_func, {}, entry=mod.uses_all)
    assert swap.count == 3 and not swap.kept
    with swap.active():
        assert type(mod.blur).__name__ == "function"
        interpreted = mod.uses_all.py_func(a)
    assert np.array_equal(compiled[0], interpreted[0])  # same neighbourhood, border left at 0
    assert np.array_equal(compiled[1], interpreted[1])  # given neighbourhood and cval
    assert compiled[2] == interpreted[2]
    assert twin_of(mod.sq)(3.0) == 9.0 and list(twin_of(mod.sq)(np.array([1.0, 2.0]))) == [1.0, 4.0]


def test_callees_held_in_closures_are_swapped_too(mod):
    swap = Swap(mod.closed.py_func, {}, entry=mod.closed)
    cell = mod.closed.py_func.__closure__[0]
    assert swap.count == 1
    with swap.active():
        assert type(cell.cell_contents).__name__ == "function"
        assert mod.closed.py_func(2 ** 40) == 2 ** 80
    assert type(cell.cell_contents).__name__ == "CPUDispatcher"


def test_plain_python_objects_have_no_twin():
    assert twin_of(len) is None and twin_of(np.sin) is None and twin_of(lambda: 1) is None


def test_spread_and_the_uncertain_decision_from_given_samples():
    steady = [1.00, 1.01, 1.02, 1.00, 1.01]
    noisy = [1.0, 1.4, 1.1, 1.6, 1.2, 1.0, 1.9]
    assert spread(steady) < BUSY_SPREAD < spread(noisy)
    assert spread([1.0, 2.0]) is None  # too few runs to say
    assert not uncertain(steady, steady) and uncertain(steady, noisy)
    assert busy_note(stats_of(steady, 10), stats_of(steady, 10)) is None
    note = busy_note(stats_of(steady, 10), stats_of(noisy, 10))
    assert note.startswith("The machine was busy") and "Python" in note and "jit" not in note.split(":")[1]
    one_outlier = [1.0, 1.0, 1.01, 1.0, 3.0]  # one preempted repeat does not make the figure uncertain
    assert not uncertain(one_outlier)
