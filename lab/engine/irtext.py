"""Pure-text helpers for compiler output: filter LLVM IR / assembly to the learner's own functions,
demangle Numba's symbol names, spot vector code, diff two IR texts.

No numba import (the UI uses this module too).
"""

from __future__ import annotations

import difflib
import re

# Itanium builtin type codes as Numba uses them
_BUILTIN = {
    "v": "void", "b": "bool", "c": "char", "a": "int8", "h": "uint8", "s": "int16", "t": "uint16",
    "i": "int32", "j": "uint32", "l": "int64", "m": "uint64", "x": "int64", "y": "uint64",
    "f": "float32", "d": "float64", "e": "float128",
}
_WRAPPER_PREFIXES = ("_ZN7cpython", "cfunc.", "_ZN08NumbaEnv", "_ZN06cpython")
_SYM_RE = re.compile(r"(?:cfunc\.)?_ZN[0-9A-Za-z_$]+")
_VEC_RE = re.compile(r"<(\d+) x ([a-z0-9]+|ptr)>")


class _Demangler:
    def __init__(self, s: str):
        self.s, self.i = s, 0

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def number(self) -> int:
        j = self.i
        while self.i < len(self.s) and self.s[self.i].isdigit():
            self.i += 1
        if j == self.i:
            raise ValueError("number expected")
        return int(self.s[j:self.i])

    def ident(self) -> str:
        n = self.number()
        out = self.s[self.i:self.i + n]
        if len(out) != n:
            raise ValueError("short identifier")
        self.i += n
        return out

    def nested(self) -> list[str]:
        parts = []
        while self.peek() and self.peek() != "E":
            if self.peek() == "B":  # ABI tag: skip
                self.i += 1
                self.ident()
            else:
                parts.append(self.ident())
        if self.peek() != "E":
            raise ValueError("unterminated name")
        self.i += 1
        return parts

    def type_(self) -> str:
        c = self.peek()
        if c in _BUILTIN:
            self.i += 1
            return _BUILTIN[c]
        if c.isdigit():
            name = _unescape_type(self.ident())
            if self.peek() == "I":
                return f"{name}<{', '.join(self.template_args())}>"
            return name
        if c == "N":  # a nested name as a type: a @jitclass instance, instance.jitclass.Bag#7f..<...>
            self.i += 1
            name = _unescape_type(".".join(self.nested()))
            m = re.match(r"instance\.jitclass\.(\w+)#", name)
            return m.group(1) if m else name
        if c == "L":  # literal: L <type> <value> E
            self.i += 1
            self.type_()
            j = self.s.index("E", self.i)
            val = self.s[self.i:j]
            self.i = j + 1
            return val.replace("n", "-", 1) if val.startswith("n") else val
        raise ValueError(f"unknown type code {c!r}")

    def template_args(self) -> list[str]:
        self.i += 1  # 'I'
        args = []
        while self.peek() and self.peek() != "E":
            args.append(self.type_())
        self.i += 1
        return args


def demangle(symbol: str, *, with_module: bool = False) -> str:
    """``_ZN8__main__3addB2v1B..Exx`` -> ``add(int64, int64)`` (``__main__::add(...)`` with_module).
    Anything it cannot read is returned unchanged."""
    sym = symbol.strip('"@')
    prefix = ""
    if sym.startswith("cfunc."):
        prefix, sym = "cfunc.", sym[len("cfunc."):]
    if not sym.startswith("_ZN"):
        return symbol
    d = _Demangler(sym[3:])
    try:
        parts = d.nested()
        args = []
        while d.peek():
            args.append(d.type_())
    except (ValueError, IndexError):
        return symbol
    if not parts:
        return symbol
    name = "::".join(parts) if with_module else parts[-1]
    name = _unescape(name)
    if args == ["void"]:
        args = []
    return f"{prefix}{name}({', '.join(args)})"


# in type names only (DictType_5bunicode_type_2cfloat64_5d_3civ_3dNone_3e -> DictType[unicode_type,float64]<iv=None>);
# not in function names, where "_2d" may be the learner's own text
_TYPE_ESCAPES = ("5b", "5d", "2c", "3c", "3e", "3d", "3a", "28", "29", "20", "23", "2a", "27", "2e", "24")


def _unescape_type(name: str) -> str:
    return re.sub(r"_(%s)" % "|".join(_TYPE_ESCAPES), lambda m: chr(int(m.group(1), 16)), name)


def _unescape(name: str) -> str:
    # Numba escapes characters outside [A-Za-z0-9_] as _xx; only undo the ones that make "<dynamic>" etc.
    return re.sub(r"_(3c|3e|2e|24)", lambda m: chr(int(m.group(1), 16)), name)


def symbol_module(symbol: str) -> str | None:
    """The module part of a Numba symbol (``__main__`` for ``_ZN8__main__3add...``)."""
    sym = symbol.strip('"@')
    if sym.startswith("cfunc."):
        sym = sym[6:]
    if not sym.startswith("_ZN"):
        return None
    try:
        parts = _Demangler(sym[3:]).nested()
    except (ValueError, IndexError):
        return None
    return ".".join(parts[:-1]) or None


def is_wrapper(symbol: str) -> bool:
    sym = symbol.strip('"@')
    return sym.startswith(_WRAPPER_PREFIXES) or not sym.startswith("_ZN")


_GUFUNC = "__gufunc__."  # the parfor loop body, inlined into its gufunc wrapper


def _keep(symbol: str, modules: tuple[str, ...] | None) -> bool:
    if symbol.startswith(_GUFUNC) and "parfor_gufunc" in symbol:
        return True
    if is_wrapper(symbol):
        return False
    if modules is None:
        return True
    mod = symbol_module(symbol) or ""
    if "parfor" in symbol or "dynamic" in mod:  # parallel loop bodies numba outlines into gufuncs
        return True
    return any(mod == m or mod.startswith(m + ".") or mod.replace(".", "") == m.replace(".", "")
               for m in modules)


def _demangle_one(m: re.Match, quote: bool = True) -> str:
    sym = m.group(0)
    tail = ""
    pm = re.search(r"_param_\d+$", sym)  # PTX parameter names
    if pm:
        sym, tail = sym[: pm.start()], sym[pm.start():]
    name = demangle(sym)
    if name == sym:
        return m.group(0)
    text, start, end = m.string, m.start(), m.end()
    if not quote:
        return name + tail
    if start > 0 and text[start - 1] == '"' and end < len(text) and text[end] == '"':
        return name + tail  # already quoted (LLVM's @"...")
    return f'"{name}"{tail}'


def demangle_text(text: str, *, quote: bool = True) -> str:
    """Replace every Numba symbol in a listing by its readable name (quoted, as IR and PTX need;
    quote=False for prose such as inspect_types headers)."""
    return _SYM_RE.sub(lambda m: _demangle_one(m, quote), text)


def filter_llvm(text: str, modules: tuple[str, ...] | list[str] | None = None) -> tuple[str, list[str]]:
    """Keep only ``define`` blocks of the learner's functions (no cpython/cfunc wrappers, no
    declarations, no runtime helpers); names demangled. Returns (text, function names)."""
    mods = tuple(modules) if modules is not None else None
    out: list[str] = []
    names: list[str] = []
    block: list[str] | None = None
    keep = False
    for line in text.splitlines():
        if block is None:
            m = re.match(r"define\b.*?@(\"[^\"]+\"|[^\s(]+)\(", line)
            if m:
                sym = m.group(1).strip('"')
                keep = _keep(sym, mods)
                block = [line]
                if keep:
                    names.append(demangle(sym.removeprefix(_GUFUNC)))
            continue
        block.append(line)
        if line.startswith("}"):
            if keep:
                out.extend(block)
                out.append("")
            block = None
    return demangle_text("\n".join(out)).rstrip() + "\n" if out else "", names


def filter_asm(text: str, modules: tuple[str, ...] | list[str] | None = None) -> tuple[str, list[str]]:
    """Keep the learner's functions from an assembly listing (labels and instructions; CFI and
    section directives dropped); names demangled."""
    mods = tuple(modules) if modules is not None else None
    out: list[str] = []
    names: list[str] = []
    current: str | None = None
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z_.$\"][^\s:]*):", line)
        if m and not m.group(1).startswith(".L"):
            sym = m.group(1).strip('"')
            current = sym if sym.startswith(("_ZN", "cfunc.", _GUFUNC)) and _keep(sym, mods) else None
            if current:
                name = demangle(sym.removeprefix(_GUFUNC))
                names.append(name)
                out.append(f"{name}:")
            continue
        if current is None:
            continue
        if line.startswith(".Lfunc_end"):
            out.append("")
            current = None
            continue
        stripped = line.strip()
        if stripped.startswith((".cfi_", ".p2align", ".file", ".loc", ".section", ".size", ".type")) or not stripped:
            continue
        out.append(line)
    return demangle_text("\n".join(out)).rstrip() + "\n" if out else "", names


def vector_types(llvm_text: str) -> list[str]:
    """Distinct LLVM vector types (``<4 x double>``) with more than one lane, in order of appearance."""
    seen: dict[str, None] = {}
    for m in _VEC_RE.finditer(llvm_text):
        if int(m.group(1)) > 1:
            seen.setdefault(f"<{m.group(1)} x {m.group(2)}>")
    return list(seen)


_PACKED_RE = re.compile(
    r"^\s*(v?(?:add|sub|mul|div|fmadd\w*|fmsub\w*|max|min|sqrt|and|or|xor|mov[au]?)p[sd]|v?p(?:add|sub|mul)\w+)\s+(.*)$"
)


def packed_instructions(asm_text: str) -> list[str]:
    """Distinct SIMD mnemonics that work on several lanes at once (any ymm/zmm use, or packed
    arithmetic such as addpd/vmulps on xmm). Plain moves/zeroing of xmm do not count."""
    found: dict[str, None] = {}
    for line in asm_text.splitlines():
        parts = line.split(None, 1)
        if not parts or parts[0].endswith(":") or parts[0].startswith("."):
            continue
        mnemonic = parts[0]
        operands = parts[1] if len(parts) > 1 else ""
        if re.search(r"%?[yz]mm\d", operands):
            found.setdefault(mnemonic)
            continue
        m = _PACKED_RE.match(line)
        if m and re.search(r"xmm\d", operands) and not mnemonic.lstrip("v").startswith(("mov", "xor", "and", "or")):
            found.setdefault(mnemonic)
    return list(found)


def is_vectorized_llvm(llvm_text: str) -> bool:
    return bool(vector_types(llvm_text))


def ir_diff(old: str, new: str, *, context: int = 3) -> str:
    """Unified diff of two IR (or asm) texts; empty string when they are equal."""
    if old == new:
        return ""
    return "".join(difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile="before", tofile="after", n=context,
    ))
