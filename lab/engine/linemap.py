"""Source line of each line of the LLVM IR / assembly views.

Numba writes line information only into a debug build, so the worker compiles a second copy of the
entry with line tables only (see views.line_copy: Numba's `dbg_directives_only`, no bounds checks,
no extended lifetimes, optimisation on) and this module moves its line numbers onto the code the
learner runs, by matching the two listings line by line. When the two are the same instruction for
instruction (the usual case) the map is exact; otherwise matched lines take the copy's line,
changed ones the line of their counterpart, and the map is marked approximate.

Pure text: no numba import.
"""

from __future__ import annotations

import difflib
import re

MARK = "\t;@L"  # appended to each code line of the copy before filtering: ";@L<line>" (0: no line)
_MARK_RE = re.compile(r"\s*;@L(\d+)$")
_DILOC_RE = re.compile(r"^!(\d+) = (?:distinct )?!DILocation\(line: (\d+)(?:, column: \d+)?, scope: !\d+"
                       r"(?:, inlinedAt: !(\d+))?")
_DBG_RE = re.compile(r",? !dbg !(\d+)")
_DEBUG_ONLY_ASM = re.compile(r"^\.L(?:tmp\d+|func_begin\d+):")
_NUM_LABEL = re.compile(r"\.L(BB|CPI|tmp)\d+_?\d*")
_SSA = re.compile(r"%[\w.$]+")  # value names carry counters that differ between two compiles
_META = re.compile(r"!\d+")
_ATTR = re.compile(r"#\d+")


def _dilocations(llvm: str) -> dict[int, int]:
    """!N -> source line, following inlinedAt out to the learner's own statement."""
    raw: dict[int, tuple[int, int | None]] = {}
    for line in llvm.splitlines():
        if line.startswith("!"):
            m = _DILOC_RE.match(line)
            if m:
                raw[int(m.group(1))] = (int(m.group(2)), int(m.group(3)) if m.group(3) else None)
    out: dict[int, int] = {}
    for n in raw:
        (line, nxt), hops = raw[n], 0
        while nxt is not None and nxt in raw and hops < 64:
            line, nxt = raw[nxt]
            hops += 1
        out[n] = line
    return out


def _in(span: tuple[int, int] | None, line: int) -> int:
    """`line` if it lies in the entry's source lines, else 0. A parfor gufunc is compiled from
    generated source ("<string>"): its loop body keeps the learner's lines, its loop control
    carries lines of the generated text, which are not the learner's."""
    return line if span is None or span[0] <= line <= span[1] else 0


def mark_llvm(llvm: str, span: tuple[int, int] | None = None) -> str:
    """The copy's IR with each instruction followed by a line marker the filters keep. An
    instruction with no `!dbg` (code inlined from a callee compiled without line tables, such as
    np.tanh's or a cast's) takes the line of the located instruction before it in its block, else the
    one after it, as a line table attributes the address range that follows a location."""
    locs = {n: _in(span, line) for n, line in _dilocations(llvm).items()}
    out: list[str] = []
    found: list[int | None] = []  # per output line: a line (0: explicitly none), None: no location
    code: list[bool] = []
    for line in llvm.splitlines():
        if line.lstrip().startswith(("#dbg_", "call void @llvm.dbg.", "tail call void @llvm.dbg.")):
            continue
        m = _DBG_RE.search(line)
        is_inst = line.startswith("  ") and not line.lstrip().startswith(";")
        if m:
            line = _DBG_RE.sub("", line)
        out.append(line)
        code.append(is_inst)
        found.append((locs.get(int(m.group(1))) or None) if m and is_inst else None)  # line 0: none given
    # fill instructions without a location from their block (blocks end at labels and "}")
    start = 0
    for i in range(len(out) + 1):
        if i == len(out) or not code[i]:
            block = range(start, i)
            prev = None
            for k in block:
                if found[k] is None and prev is not None:
                    found[k] = prev
                prev = found[k] if found[k] is not None else prev
            nxt = None
            for k in reversed(block):
                if found[k] is None and nxt is not None:
                    found[k] = nxt
                nxt = found[k] if found[k] is not None else nxt
            start = i + 1
    return "\n".join(f"{ln}{MARK}{found[k] or 0}" if code[k] else ln for k, ln in enumerate(out)) + "\n"


def mark_asm(asm: str, span: tuple[int, int] | None = None) -> str:
    """The copy's assembly with each instruction followed by the line of the `.loc` before it."""
    out = []
    current = 0
    for line in asm.splitlines():
        s = line.strip()
        if s.startswith(".loc"):
            parts = s.split()
            current = _in(span, int(parts[2])) if len(parts) > 2 and parts[2].isdigit() else 0
            continue
        if s.startswith(".Lfunc_end"):
            current = 0
        if line.startswith("\t") and s and not s.startswith(".") and not s.startswith("#"):
            line = f"{line}{MARK}{current}"
        out.append(line)
    return "\n".join(out) + "\n"


def _key(line: str) -> str:
    s = " ".join(line.split())
    s = _NUM_LABEL.sub(r".L\1", s)
    s = _SSA.sub(lambda m: re.sub(r"\d+", "N", m.group(0)), s)
    s = _META.sub("!N", s)
    return _ATTR.sub("#N", s)


def _op(key: str) -> str:
    """The opcode of a normalised line (`%N = fmul ...` -> fmul, `addq $1, %rbx` -> addq)."""
    parts = key.split(" = ", 1)[-1].split()
    return parts[0] if parts else ""


def _copy_rows(copy_text: str) -> tuple[list[str], list[int | None]]:
    keys, lines = [], []
    for line in copy_text.split("\n"):
        if _DEBUG_ONLY_ASM.match(line.strip()):
            continue
        m = _MARK_RE.search(line)
        src = None
        if m:
            line = line[:m.start()]
            src = int(m.group(1)) or None
        keys.append(_key(line))
        lines.append(src)
    return keys, lines


def transfer(real_text: str, copy_text: str) -> tuple[list[int | None], bool]:
    """Source line per line of `real_text` (split on "\\n"), from the marked `copy_text` (the same
    view of the line copy, filtered the same way). Returns (lines, exact)."""
    real = real_text.split("\n")
    rkeys = [_key(x) for x in real]
    ckeys, clines = _copy_rows(copy_text)
    out: list[int | None] = [None] * len(real)
    if rkeys == ckeys:
        return list(clines), True
    sm = difflib.SequenceMatcher(None, rkeys, ckeys, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            out[i1:i2] = clines[j1:j2]
        elif tag == "replace":  # e.g. other registers: match by opcode, else the same relative place
            n, m = i2 - i1, j2 - j1
            for k in range(n):
                out[i1 + k] = clines[j1 + min(m - 1, k * m // n)]
            ops = difflib.SequenceMatcher(None, [_op(x) for x in rkeys[i1:i2]], [_op(x) for x in ckeys[j1:j2]],
                                          autojunk=False)
            for a, b, size in ops.get_matching_blocks():
                out[i1 + a:i1 + a + size] = clines[j1 + b:j1 + b + size]
    covered = [False] * len(real)
    for tag, i1, i2, _j1, _j2 in sm.get_opcodes():
        if tag in ("equal", "replace"):
            covered[i1:i2] = [True] * (i2 - i1)
    prev: int | None = None  # code lines with no counterpart take the line of the code line before them
    for i, line in enumerate(real):
        if not is_code(line):
            if not line.strip() or is_label(line):
                prev = None
            continue
        if out[i] is None and not covered[i]:
            out[i] = prev
        prev = out[i] if out[i] is not None else prev
    return out, False


def fill_unmarked_functions(text: str, lines: list[int | None], fill: dict[str, int]) -> bool:
    """Give every instruction of a function that has no source line at all the line in `fill` for a
    name its label contains (the parfor gufunc's assembly: LLVM writes no line table for the
    wrapper it is inlined into). Changes `lines` in place; True if it filled any."""
    rows = text.split("\n")
    filled = False
    i = 0
    while i < len(rows):
        key = next((k for k in fill if k in rows[i]), None) if is_label(rows[i]) and not rows[i].startswith(".") else None
        if key is None:
            i += 1
            continue
        j = i + 1
        while j < len(rows) and rows[j].strip() and not (is_label(rows[j]) and not rows[j].startswith(".")):
            j += 1
        code = [k for k in range(i + 1, j) if is_code(rows[k])]
        if code and all(lines[k] is None for k in code):
            for k in code:
                lines[k] = fill[key]
            filled = True
        i = j
    return filled


def is_code(line: str) -> bool:
    """An instruction (indented, not a comment or directive-only line)."""
    s = line.strip()
    return bool(s) and line[:1] in (" ", "\t") and not s.startswith((";", "#"))


def is_label(line: str) -> bool:
    """A basic-block or function label (`B12:  ; preds = ...`, `.LBB0_3:`, `add(int64, int64):`)."""
    return bool(line.strip()) and line[:1] not in (" ", "\t", ";", "#") and line.split(";")[0].rstrip().endswith(":")


def comment_above_blocks(text_lines: list[str], lines: list[int | None], sources: dict, mark: str
                         ) -> tuple[list[str], list[int | None]]:
    """`text_lines` with a `<mark> L: source` comment above each run of lines from one source line.
    Returns (display lines, index of the text line each display line shows, None for comments)."""
    shown: list[str] = []
    index: list[int | None] = []
    last = None
    for i, text in enumerate(text_lines):
        src = lines[i] if i < len(lines) else None
        if not is_code(text):
            last = None
        elif src is not None and src != last:
            indent = text[: len(text) - len(text.lstrip())]
            code = str(sources.get(str(src), "")).strip()
            shown.append(f"{indent}{mark} {src}: {code}".rstrip())
            index.append(None)
            last = src
        shown.append(text)
        index.append(i)
    return shown, index
