"""Compile options <-> decorator source text. The ONLY place that knows decorator syntax.

Pure text (``ast``); never imports numba, so the UI can use it freely.

    >>> render_decorator(Options(nogil=True, cache=True))
    '@jit(nogil=True, cache=True)'
    >>> parse_decorator('@numba.vectorize(["f8(f8)"], target="parallel")').target
    'parallel'

Beyond the contract's fields, ``Options`` carries ``layout`` (guvectorize's layout string) and
``extra``: keyword arguments numba-lab has no toggle for (``inline='always'``, ``error_model=...``,
``device=True``...) kept as ``(name, source text)`` pairs so rewriting a line never loses them.
An on/off option written as an expression (``parallel=run_parallel``, ``nopython=DEBUG``) is an
``Expr``: Python decides it when the file runs, numba-lab keeps the text verbatim and shows it as
"set by code".
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, fields, replace

DECORATORS = ("jit", "njit", "vectorize", "guvectorize", "cuda.jit")
# the on/off keywords, in the order used when rendering (deterministic)
BOOL_TOGGLES = ("nopython", "forceobj", "nogil", "cache", "parallel", "fastmath", "boundscheck")
TOGGLES = (*BOOL_TOGGLES, "signature")
_KIND_DECORATOR = {"vectorize": "vectorize", "guvectorize": "guvectorize", "cuda": "cuda.jit"}
_PREFIXES = ("numba.", "nb.")


def decorator_for_kind(kind: str) -> str:
    """The decorator a job/step kind is written with ("jit" for plain functions)."""
    return _KIND_DECORATOR.get(kind, "jit")


@dataclass(frozen=True)
class Expr:
    """An option's value written as code (``parallel=run_parallel``): kept verbatim, never edited."""

    text: str

    def __str__(self) -> str:
        return self.text


def is_expr(value) -> bool:
    return isinstance(value, Expr)


class OptionsError(ValueError):
    """Decorator text numba-lab cannot read or write; the message says why."""


@dataclass(frozen=True)
class Options:
    decorator: str = "jit"
    nopython: bool | None | Expr = None
    forceobj: bool | Expr = False
    nogil: bool | Expr = False
    cache: bool | Expr = False
    parallel: bool | Expr = False
    fastmath: bool | Expr = False
    boundscheck: bool | None | Expr = None
    signature: str | None = None
    target: str | None = None
    layout: str | None = None  # guvectorize only, e.g. "(n),()->(n)"
    extra: tuple[tuple[str, str], ...] = ()  # other keywords, (name, source text), kept verbatim

    def with_toggle(self, name: str, value) -> "Options":
        """A copy with one option changed (``name`` must be a field)."""
        if name not in {f.name for f in fields(self)}:
            raise OptionsError(f"unknown option {name!r}")
        changes = {name: value}
        if name == "fastmath":  # the toggle replaces a flag-set form kept verbatim in extra
            changes["extra"] = tuple(pair for pair in self.extra if pair[0] != "fastmath")
        return replace(self, **changes)

    @property
    def fastmath_flags(self) -> str | None:
        """The flag-set form's source text (fastmath={'reassoc'}), or None: the "custom" third state."""
        return next((src for name, src in self.extra if name == "fastmath"), None)

    def with_fastmath_flags(self, src: str) -> "Options":
        """A copy with fastmath written as the flag set `src` (source text, kept verbatim)."""
        return replace(self, fastmath=False,
                       extra=tuple(p for p in self.extra if p[0] != "fastmath") + (("fastmath", src),))

    def to_json(self) -> dict:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d.update({k: {"expr": v.text} for k, v in d.items() if isinstance(v, Expr)})
        d["extra"] = [list(pair) for pair in self.extra]
        return d

    @classmethod
    def from_json(cls, d: dict) -> "Options":
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise OptionsError(f"unknown option field(s): {', '.join(sorted(unknown))}")
        d = dict(d)
        d["extra"] = tuple(tuple(pair) for pair in d.get("extra") or ())
        for name in BOOL_TOGGLES:
            if isinstance(d.get(name), dict) and set(d[name]) == {"expr"}:
                d[name] = Expr(str(d[name]["expr"]))
        return cls(**d)


# ---------------------------------------------------------------- targets (shared by the UI and `numba-lab run`)

TARGET_NAMES = ("cpu", "parallel", "cuda")


def target_of(opts: Options | None, current: str) -> str:
    """The target the decorator text implies (parallel=True -> 'parallel'; vectorize target=...).
    A parallel= written as code leaves the current target as it is."""
    if opts is None:
        return current
    if opts.decorator in ("vectorize", "guvectorize"):
        return opts.target if opts.target in TARGET_NAMES else ("cuda" if current == "cuda" else "cpu")
    if opts.decorator == "cuda.jit":
        return "cuda"
    if current == "cuda":
        return "cuda"
    if isinstance(opts.parallel, Expr):
        return current
    return "parallel" if opts.parallel else "cpu"


def options_for_target(opts: Options, target: str) -> Options:
    """Options after picking `target`: parallel=True for jit kinds, target='parallel' for ufuncs.
    An option set by code (an Expr) is never overwritten."""
    if opts.decorator in ("vectorize", "guvectorize"):
        if target == "cpu" and opts.target in (None, "cpu"):
            return opts
        return opts.with_toggle("target", target)
    if opts.decorator in ("jit", "njit") and not isinstance(opts.parallel, Expr):
        if target == "parallel":
            return opts.with_toggle("parallel", True)
        if target == "cpu":
            return opts.with_toggle("parallel", False)
    return opts


# ---------------------------------------------------------------- rendering

def _quote(s: str) -> str:
    if '"' not in s and "\\" not in s and "\n" not in s:
        return f'"{s}"'
    return repr(s)


def _render_signature(sig: str) -> str:
    s = sig.strip()
    if s.startswith(("[", "(")):
        return s  # a list/tuple of signatures, written as Python source
    return _quote(sig)


def render_decorator(opts: Options, prefix: str = "") -> str:
    """``@jit(nogil=True, cache=True)``: no indentation, no newline, deterministic order."""
    if opts.decorator not in DECORATORS:
        raise OptionsError(f"unknown decorator {opts.decorator!r}; expected one of {', '.join(DECORATORS)}")
    args: list[str] = []
    if opts.signature is not None:
        args.append(_render_signature(opts.signature))
    if opts.layout is not None:
        args.append(_quote(opts.layout))
    for name in BOOL_TOGGLES:
        value = getattr(opts, name)
        if isinstance(value, Expr):
            args.append(f"{name}={value.text}")
        elif name in ("nopython", "boundscheck"):
            if value is not None:
                args.append(f"{name}={bool(value)}")
        elif value:
            args.append(f"{name}=True")
    if opts.target is not None:
        args.append(f"target={_quote(opts.target)}")
    for name, src in opts.extra:
        args.append(f"{name}={src}")
    head = f"@{prefix}{opts.decorator}"
    return f"{head}({', '.join(args)})" if args else head


# ---------------------------------------------------------------- parsing

def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _split_name(dotted: str) -> tuple[str, str] | None:
    """'numba.cuda.jit' -> ('numba.', 'cuda.jit'); None if not a Numba decorator we know."""
    for prefix in ("",) + _PREFIXES:
        if dotted.startswith(prefix) and dotted[len(prefix):] in DECORATORS:
            return prefix, dotted[len(prefix):]
    return None


def _parse_expr(text: str) -> ast.expr:
    body = text.strip()
    if not body.startswith("@"):
        raise OptionsError(f"not a decorator (must start with '@'): {text.strip()[:60]!r}")
    try:
        return ast.parse(body[1:].strip(), mode="eval").body
    except SyntaxError as exc:
        raise OptionsError(f"cannot read decorator {body[:80]!r}: {exc.msg}") from None


def _literal_bool(name: str, node: ast.expr, allow_none: bool, src: str = "") -> bool | None | Expr:
    """True/False (None where allowed); anything else is code that decides at run time: an Expr."""
    if isinstance(node, ast.Constant) and (isinstance(node.value, bool) or (allow_none and node.value is None)):
        return node.value
    return Expr(ast.get_source_segment(src, node) or ast.unparse(node))


def _parse_node(node: ast.expr, src: str) -> tuple[str, Options]:
    call = node if isinstance(node, ast.Call) else None
    dotted = _dotted(call.func if call else node)
    split = _split_name(dotted) if dotted else None
    if split is None:
        raise OptionsError(
            f"not a Numba decorator numba-lab knows: @{ast.unparse(node)[:60]} "
            f"(expected @jit, @njit, @vectorize, @guvectorize or @cuda.jit)"
        )
    prefix, deco = split
    kw: dict = {"decorator": deco}
    if call is None:
        return prefix, Options(**kw)
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        raise OptionsError("*args / **kwargs in the decorator cannot be edited by numba-lab")
    pos = list(call.args)
    if deco == "guvectorize" and len(pos) == 1 and _is_layout(pos[0]):
        kw["layout"] = pos[0].value
        pos = []
    if pos:
        first = pos.pop(0)
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            kw["signature"] = first.value
        else:
            kw["signature"] = ast.get_source_segment(src, first) or ast.unparse(first)
    if pos and deco == "guvectorize":
        lay = pos.pop(0)
        if not (isinstance(lay, ast.Constant) and isinstance(lay.value, str)):
            raise OptionsError("guvectorize's layout must be a string like '(n)->(n)'")
        kw["layout"] = lay.value
    if pos:
        raise OptionsError(f"too many positional arguments in @{deco}(...)")
    extra = []
    for k in call.keywords:
        name, value = k.arg, k.value
        if name in kw:
            raise OptionsError(f"{name}= given twice")
        if name in ("nopython", "boundscheck"):
            kw[name] = _literal_bool(name, value, allow_none=True, src=src)
        elif name == "fastmath" and isinstance(value, (ast.Set, ast.Dict)):
            # Numba's flag-set form, fastmath={'reassoc', 'contract'}: no toggle for it, kept verbatim
            extra.append((name, ast.get_source_segment(src, value) or ast.unparse(value)))
        elif name in BOOL_TOGGLES:
            got = _literal_bool(name, value, allow_none=False, src=src)
            kw[name] = got if isinstance(got, Expr) else bool(got)
        elif name == "target":
            if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                raise OptionsError("target= must be a string: 'cpu', 'parallel' or 'cuda'")
            kw["target"] = value.value
        else:
            extra.append((name, ast.get_source_segment(src, value) or ast.unparse(value)))
    kw["extra"] = tuple(extra)
    return prefix, Options(**kw)


def _is_layout(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and "->" in node.value


def _strip_comment(text: str) -> str:
    """Decorator text without a trailing ``# comment`` (tokenize-aware)."""
    import io
    import tokenize

    try:
        toks = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return text
    for tok in toks:
        if tok.type == tokenize.COMMENT:
            lines = text.splitlines(keepends=True)
            row, col = tok.start
            return "".join(lines[: row - 1]) + lines[row - 1][:col]
    return text


def parse_decorator(text: str) -> Options:
    """``'@jit(nogil=True)'`` -> Options. Raises OptionsError on text it cannot read."""
    text = _strip_comment(text.strip()).strip()
    node = _parse_expr(text)
    return _parse_node(node, text.strip()[1:].strip())[1]


# ---------------------------------------------------------------- source rewriting

@dataclass
class _Found:
    start: int  # 0-based first line
    end: int  # 0-based last line (inclusive)
    col: int  # column of '@' on the first line
    end_col: int  # column just after the decorator on the last line
    prefix: str
    options: Options


def _char_col(line: str, byte_col: int) -> int:
    """ast offsets count UTF-8 bytes; convert to a str index."""
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def _find_ast(source: str, entry: str) -> _Found | None:
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    candidates = [
        n for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == entry
    ]
    candidates.sort(key=lambda n: (n.col_offset, n.lineno))  # top level first
    for fn in candidates:
        for dec in fn.decorator_list:
            seg = ast.get_source_segment(source, dec)
            if seg is None:
                continue
            try:
                prefix, opts = _parse_node(ast.parse(seg, mode="eval").body, seg)
            except OptionsError as exc:
                if "not a Numba decorator" in str(exc):
                    continue
                raise
            col = _char_col(lines[dec.lineno - 1], dec.col_offset)
            at_col = lines[dec.lineno - 1].rfind("@", 0, col + 1)
            end_col = _char_col(lines[dec.end_lineno - 1], dec.end_col_offset)
            return _Found(dec.lineno - 1, dec.end_lineno - 1, at_col, end_col, prefix, opts)
    return None


_DEF_RE = r"^\s*(?:async\s+)?def\s+{name}\s*\("


def _find_text(source: str, entry: str) -> _Found | None:
    """Fallback for source that does not parse (mid-edit): single-line decorators above ``def entry(``."""
    lines = source.splitlines(keepends=True)
    pat = re.compile(_DEF_RE.format(name=re.escape(entry)))
    for i, line in enumerate(lines):
        if not pat.match(line):
            continue
        j = i - 1
        while j >= 0 and lines[j].lstrip().startswith(("@", "#")):
            stripped = lines[j].lstrip()
            if stripped.startswith("@"):
                body = _strip_comment(stripped.rstrip("\r\n")).rstrip()
                try:
                    node = _parse_expr(body)
                    prefix, opts = _parse_node(node, body[1:].strip())
                except OptionsError:
                    j -= 1
                    continue
                col = len(lines[j]) - len(stripped)
                return _Found(j, j, col, col + len(body), prefix, opts)
            j -= 1
    return None


def _find(source: str, entry: str) -> _Found | None:
    try:
        return _find_ast(source, entry)
    except SyntaxError:
        return _find_text(source, entry)


def find_decorator(source: str, entry: str) -> tuple[int, str] | None:
    """(0-based line index, line text without newline) of the entry's Numba decorator, or None."""
    found = _find(source, entry)
    if found is None:
        return None
    return found.start, source.splitlines()[found.start]


def options_from_source(source: str, entry: str) -> Options | None:
    found = _find(source, entry)
    return found.options if found else None


def apply_options(source: str, entry: str, opts: Options) -> str:
    """Rewrite the entry's decorator to ``opts``; every other byte is kept (indentation and a
    trailing comment too). A decorator spread over several lines becomes one line."""
    found = _find(source, entry)
    if found is None:
        raise OptionsError(f"no Numba decorator found on function {entry!r}")
    if found.options == opts:
        return source
    lines = source.splitlines(keepends=True)
    first, last = lines[found.start], lines[found.end]
    new = first[: found.col] + render_decorator(opts, prefix=found.prefix) + last[found.end_col:]
    return "".join(lines[: found.start]) + new + "".join(lines[found.end + 1:])
