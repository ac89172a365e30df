"""Pure-text IR helpers, on real Numba output (generated in this test process)."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from lab.engine import irtext


@pytest.fixture(scope="module")
def add_ir():
    @njit
    def add(x, y):
        return x + y

    add(1, 2)
    sig = add.signatures[0]
    return add.inspect_llvm(sig), add.inspect_asm(sig), add.overloads[sig].fndesc.mangled_name


def test_demangle():
    assert irtext.demangle("_ZN8__main__3addB2v1B38c8tJTIeFIjxB2IKSgI4CrvQClQZ6FczSBAA_3dExx") == "add(int64, int64)"
    assert irtext.demangle("_ZN8__main__3addB2v1B3abcExx", with_module=True) == "__main__::add(int64, int64)"
    assert irtext.demangle("_ZN8__main__1sB2v3B4abcdE5ArrayIdLi1E1C7mutable7alignedE") == \
        "s(Array<float64, 1, C, mutable, aligned>)"
    assert irtext.demangle("cfunc._ZN8__main__3addB2v1B3abcExx") == "cfunc.add(int64, int64)"
    assert irtext.demangle("printf") == "printf"
    assert irtext.demangle("_ZN3bad") == "_ZN3bad"  # unreadable: unchanged
    assert irtext.symbol_module("_ZN8__main__3addB2v1B3abcExx") == "__main__"


def test_filter_llvm_keeps_only_learner_function(add_ir):
    full, _asm, mangled = add_ir
    module = irtext.symbol_module(mangled)
    text, names = irtext.filter_llvm(full, [module])
    assert names == ["add(int64, int64)"]
    assert text.count("define") == 1 and "declare" not in text and "cpython" not in text
    assert '@"add(int64, int64)"' in text and "_ZN" not in text
    assert len(full.splitlines()) > 5 * len(text.splitlines())
    assert irtext.filter_llvm(full, ["other_module"])[1] == []


def test_filter_asm(add_ir):
    _ir, asm, mangled = add_ir
    text, names = irtext.filter_asm(asm, [irtext.symbol_module(mangled)])
    assert names == ["add(int64, int64)"]
    assert text.startswith("add(int64, int64):") and ".cfi_" not in text and "cpython" not in text


def test_vector_detection():
    @njit(fastmath=True)
    def total(a):
        s = 0.0
        for i in range(a.shape[0]):
            s += a[i]
        return s

    total(np.ones(8))
    sig = total.signatures[0]
    ir, _ = irtext.filter_llvm(total.inspect_llvm(sig))
    assert irtext.is_vectorized_llvm(ir) and any("double" in v for v in irtext.vector_types(ir))
    asm, _ = irtext.filter_asm(total.inspect_asm(sig))
    assert irtext.packed_instructions(asm)
    assert irtext.vector_types("%x = fadd double %a, %b\n<1 x double>") == []
    assert irtext.packed_instructions("\tvxorps\t%xmm0, %xmm0, %xmm0\n\taddsd\t%xmm1, %xmm0\n") == []
    assert irtext.packed_instructions("\tvaddpd\t%ymm1, %ymm0, %ymm0\n") == ["vaddpd"]


def test_ir_diff():
    assert irtext.ir_diff("a\nb\n", "a\nb\n") == ""
    diff = irtext.ir_diff("a\nb\n", "a\nc\n")
    assert "-b" in diff and "+c" in diff and diff.startswith("--- before")


def test_demangle_typed_containers_and_jitclass():
    """Issue 10: typed containers and @jitclass instances in signatures read as types."""
    from lab.engine.irtext import demangle

    tag = "B3v56B38c8tJTIeFIjxB2IKSgI4CrvQClQZ6FczSBAA_3dE"
    assert demangle(f"_ZN2jc8use_dict{tag}51DictType_5bunicode_type_2cfloat64_5d_3civ_3dNone_3e") == \
        "use_dict(DictType[unicode_type,float64]<iv=None>)"
    assert demangle(f"_ZN8__main__8use_list{tag}21ListType_5bfloat64_5d5TupleIxdE") == \
        "use_list(ListType[float64], Tuple<int64, float64>)"
    assert demangle(f"_ZN2jc3Bag9increment{tag}N8instance8jitclass81Bag_237fb59a509e50_3cvalue_3aint32"
                    "_2carray_3aarray_28float32_2c_201d_2c_20A_29_3eEd") == "increment(Bag, float64)"
    assert demangle(f"_ZN8__main__6sum_2d{tag}d") == "sum_2d(float64)"  # a name's own text stays
