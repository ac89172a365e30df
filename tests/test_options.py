"""Options <-> decorator text: parsing, rendering, round trips and byte-for-byte line rewriting."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lab.options import (
    DECORATORS, Expr, Options, OptionsError, apply_options, find_decorator, options_for_target,
    options_from_source, parse_decorator, render_decorator, target_of,
)

SIGS = st.sampled_from([None, "float64(float64[:])", "int64(int64, int64)", "f8(f8)",
                        "['f8(f8)', 'f4(f4)']", '["float64(float64, float64)"]', "(float64,)",
                        "void(f8[:], f8[:])", 'a"b'])
EXTRA = st.sampled_from([(), (("inline", "'always'"),), (("error_model", '"numpy"'), ("device", "True"))])

options_st = st.builds(
    Options,
    decorator=st.sampled_from(DECORATORS),
    nopython=st.sampled_from([None, True, False]),
    forceobj=st.booleans(), nogil=st.booleans(), cache=st.booleans(), parallel=st.booleans(),
    fastmath=st.booleans(), boundscheck=st.sampled_from([None, True, False]),
    signature=SIGS,
    target=st.sampled_from([None, "cpu", "parallel", "cuda"]),
    layout=st.sampled_from([None, "(n)->(n)", "(n),()->(n)"]),
    extra=EXTRA,
)


def _valid(opts):
    """layout belongs to guvectorize only."""
    from dataclasses import replace

    return opts if opts.decorator == "guvectorize" else replace(opts, layout=None)


@settings(max_examples=300, deadline=None)
@given(options_st)
def test_round_trip(opts):
    opts = _valid(opts)
    text = render_decorator(opts)
    assert "\n" not in text and text.startswith("@")
    assert parse_decorator(text) == opts
    assert render_decorator(parse_decorator(text)) == text  # deterministic


@settings(max_examples=100, deadline=None)
@given(options_st, st.sampled_from(["", "    ", "\t"]), st.sampled_from(["", "  # note", "   # x = @jit"]))
def test_apply_keeps_every_other_byte(opts, indent, comment):
    opts = _valid(opts)
    head = "import numba\r\nfrom numba import jit  # \u00e9\n\n# comment @jit\n"
    block = (f"{indent}@jit(nogil=True){comment}\n{indent}def kern(a, b):\n{indent}    return a + b   \n")
    src = head + ("class K:\n" if indent else "") + block + "\n\nx = 1\n"
    new = apply_options(src, "kern", opts)
    old_lines, new_lines = src.splitlines(keepends=True), new.splitlines(keepends=True)
    assert len(old_lines) == len(new_lines)
    idx, line = find_decorator(src, "kern")
    for i, (a, b) in enumerate(zip(old_lines, new_lines)):
        if i != idx:
            assert a == b
    assert new_lines[idx] == line[: len(line) - len(line.lstrip())] + render_decorator(opts) + comment + "\n"
    assert options_from_source(new, "kern") == opts


@pytest.mark.parametrize("text,expected", [
    ("@jit", Options()),
    ("@njit", Options(decorator="njit")),
    ("@numba.jit", Options()),
    ("@nb.njit(cache=True)", Options(decorator="njit", cache=True)),
    ("@jit()", Options()),
    ("@jit(nopython=True, nogil=True)  # c", Options(nopython=True, nogil=True)),
    ("@jit('float64(float64[:])', boundscheck=False)", Options(signature="float64(float64[:])", boundscheck=False)),
    ("@vectorize(['f8(f8)', 'f4(f4)'], target='parallel')",
     Options(decorator="vectorize", signature="['f8(f8)', 'f4(f4)']", target="parallel")),
    ("@guvectorize(['void(f8[:], f8[:])'], '(n)->(n)')",
     Options(decorator="guvectorize", signature="['void(f8[:], f8[:])']", layout="(n)->(n)")),
    ("@guvectorize('(n)->()')", Options(decorator="guvectorize", layout="(n)->()")),
    ("@cuda.jit", Options(decorator="cuda.jit")),
    ("@numba.cuda.jit(device=True)", Options(decorator="cuda.jit", extra=(("device", "True"),))),
    ("@jit(float64(float64))", Options(signature="float64(float64)")),
])
def test_parse(text, expected):
    assert parse_decorator(text) == expected


@pytest.mark.parametrize("text", ["jit", "@functools.lru_cache", "@jit(", "@jit(*a)",
                                  "@jit('a', 'b')", "@jit(cache=True, cache=False)", "@vectorize(target=cpu)"])
def test_parse_errors_are_clear(text):
    with pytest.raises(OptionsError) as info:
        parse_decorator(text)
    assert str(info.value)


def test_render_examples():
    assert render_decorator(Options(nogil=True, cache=True)) == "@jit(nogil=True, cache=True)"
    assert render_decorator(Options()) == "@jit"
    assert render_decorator(Options(decorator="vectorize", signature="['f8(f8)']", target="parallel")) == \
        "@vectorize(['f8(f8)'], target=\"parallel\")"
    with pytest.raises(OptionsError):
        render_decorator(Options(decorator="stencil"))


SRC = """import numba
from functools import lru_cache


@lru_cache
@numba.jit(nogil=True)   # fast path
def add(x, y):
    return x + y


def other():
    return 1
"""


def test_find_and_apply_keep_prefix_and_comment():
    assert find_decorator(SRC, "add") == (5, "@numba.jit(nogil=True)   # fast path")
    assert find_decorator(SRC, "other") is None
    assert options_from_source(SRC, "other") is None
    new = apply_options(SRC, "add", Options(decorator="njit", parallel=True))
    assert new == SRC.replace("@numba.jit(nogil=True)", "@numba.njit(parallel=True)")
    assert apply_options(SRC, "add", Options(nogil=True)) is SRC  # unchanged options: untouched text
    with pytest.raises(OptionsError):
        apply_options(SRC, "other", Options())


def test_multiline_decorator_becomes_one_line():
    src = "@vectorize(['f8(f8)',\n            'f4(f4)'],\n           target='cpu')  # ufunc\ndef f(x):\n    return x\n"
    opts = options_from_source(src, "f")
    assert opts == Options(decorator="vectorize", signature="['f8(f8)',\n            'f4(f4)']", target="cpu")
    new = apply_options(src, "f", Options(decorator="vectorize", signature="['f8(f8)']", target="parallel"))
    assert new == "@vectorize(['f8(f8)'], target=\"parallel\")  # ufunc\ndef f(x):\n    return x\n"


def test_source_that_does_not_parse_still_found():
    src = "from numba import jit\n\n@jit(cache=True)\ndef f(x):\n    return x +\n"
    assert find_decorator(src, "f") == (2, "@jit(cache=True)")
    assert apply_options(src, "f", Options()) == src.replace("@jit(cache=True)", "@jit")


def test_no_numba_import():
    import subprocess
    import sys

    code = "import sys, lab.options; assert 'numba' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_fastmath_flag_set_is_kept_and_the_toggle_replaces_it():
    text = "@njit(fastmath={'reassoc', 'nsz'})"
    opts = parse_decorator(text)
    assert opts.fastmath is False and opts.extra == (("fastmath", "{'reassoc', 'nsz'}"),)
    assert render_decorator(opts) == text
    assert render_decorator(opts.with_toggle("fastmath", True)) == "@njit(fastmath=True)"
    assert render_decorator(opts.with_toggle("fastmath", False)) == "@njit"


# ---------------------------------------------------------------- options written as code (issue 10)

def test_option_given_as_code_is_kept_verbatim():
    opts = parse_decorator("@jit(nopython=DEBUG, parallel=run_parallel, fastmath=FLAGS, nogil=1)")
    assert opts.nopython == Expr("DEBUG") and opts.parallel == Expr("run_parallel")
    assert opts.fastmath == Expr("FLAGS") and opts.nogil == Expr("1")
    assert render_decorator(opts) == "@jit(nopython=DEBUG, nogil=1, parallel=run_parallel, fastmath=FLAGS)"
    assert Options.from_json(opts.to_json()) == opts  # through the job's JSON to the worker


def test_source_with_code_options_rewrites_only_what_was_asked():
    src = "run_parallel = True\n\n@jit(parallel=run_parallel)  # keep\ndef f(a):\n    return a\n"
    opts = options_from_source(src, "f")
    assert opts.parallel == Expr("run_parallel")
    new = apply_options(src, "f", opts.with_toggle("nogil", True))
    assert "@jit(nogil=True, parallel=run_parallel)  # keep" in new
    # the target row never overwrites an option set by code
    assert options_for_target(opts, "parallel") == opts and options_for_target(opts, "cpu") == opts
    assert target_of(opts, "cpu") == "cpu" and target_of(opts, "parallel") == "parallel"


def test_target_row_rule_is_shared():
    plain = Options()
    assert options_for_target(plain, "parallel").parallel is True
    assert options_for_target(Options(parallel=True), "cpu").parallel is False
    assert options_for_target(Options(decorator="vectorize"), "parallel").target == "parallel"
