"""Reading lesson YAML with positions: ruamel.yaml's round-trip loader keeps the line/column of every
key, value and sequence item, so every error can say "file:line:col: what is wrong (expected ...)".

Never raises on bad input: problems come back as LessonError values.
"""

from __future__ import annotations

import difflib
import errno
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from lab.lesson_model import CHECK_MODELS, model_for
from lab.paths import SYMLINK_LOOP, UnsafeFile, read_regular_file

Loc = tuple  # keys (str) and indices (int) from the top of the document


@dataclass(frozen=True)
class LessonError:
    file: Path
    line: int  # 1-based
    col: int  # 1-based
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


# ------------------------------------------------------------------ reading

def _yaml():
    from ruamel.yaml import YAML

    y = YAML(typ="rt", pure=True)
    y.allow_duplicate_keys = False
    return y


MAX_LESSON_BYTES = 1 << 20  # 1 MiB; the biggest shipped lesson is a few KiB


def read_yaml(path: Path) -> tuple[object, str, list[LessonError]]:
    """(round-trip data, the file's text, errors). On any problem data is None and errors says where
    and why. Only a regular file of at most MAX_LESSON_BYTES is read (lab.paths.read_regular_file)."""
    try:
        raw = read_regular_file(path, MAX_LESSON_BYTES)
    except UnsafeFile as exc:
        return None, "", [LessonError(path, 1, 1, f"{exc.reason} (expected a lesson file of at most "
                                                  f"{MAX_LESSON_BYTES // 1024} KiB)"
                                      if exc.errno == errno.EFBIG else exc.reason)]
    except OSError as exc:
        return None, "", [LessonError(path, 1, 1, os_problem(path, exc))]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, "", [LessonError(path, line, col, "the file is not valid UTF-8 (expected UTF-8 text)")]
    data, errors = parse_yaml_text(text, path)
    return data, text, errors


def os_problem(path: Path, exc: OSError, what: str = "file") -> str:
    """Why `path` could not be read, in words (a dangling symlink says where it points)."""
    if exc.errno == errno.ENOENT:
        if os.path.islink(path):
            return f"a symlink to {os.readlink(path)}, which does not exist"
        return "no such file or folder"
    if exc.errno == errno.ELOOP:
        return SYMLINK_LOOP
    if exc.errno == errno.ENOTDIR:
        return "no such file or folder (a part of the path is a file, not a folder)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"cannot read this {what}: permission denied"
    return f"cannot read this {what}: {exc.strerror or exc}"


def parse_yaml_text(text: str, path: Path) -> tuple[object, list[LessonError]]:
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        return None, [LessonError(path, 1, 1, "the file is empty (expected a lesson mapping with id, title, steps)")]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ruamel warns (ReusedAnchorWarning) instead of failing
            data = _yaml().load(text)
    except Exception as exc:  # noqa: BLE001 - ruamel raises many error classes; all become file:line
        return None, [_yaml_error(path, text, exc)]
    if data is None:
        return None, [LessonError(path, 1, 1, "the file is empty (expected a lesson mapping with id, title, steps)")]
    if not isinstance(data, dict):
        line, col = _node_pos(data) or (_first_content_line(text), 0)
        return None, [LessonError(path, line + 1, col + 1,
                                  f"the top level is a {_kind(data)} (expected a mapping with id, title, steps)")]
    return data, []


def _first_content_line(text: str) -> int:
    """0-based index of the first line that is not blank or a comment."""
    for i, ln in enumerate(text.splitlines()):
        if ln.strip() and not ln.lstrip().startswith("#"):
            return i
    return 0


_KEY_LINE = re.compile(r"^\s*(?:-\s+)?[\w.-]+:(?:\s|$)")


def _runaway_quote(text: str, error_line: int):
    """(line, col, quote char) (1-based) of a quoted scalar that swallowed the lines after it: it opens
    on one line, closes on a later one, and the lines in between look like `key:` lines. YAML allows
    quoted scalars to span lines, so it only notices later (at `error_line`), when the next quote
    closed it and what follows makes no sense. None if there is no such scalar before the error."""
    lines = text.splitlines()
    found = None
    try:
        for token in _yaml().scan(text):
            if type(token).__name__ != "ScalarToken" or getattr(token, "style", None) not in ('"', "'"):
                continue
            start, end = token.start_mark, token.end_mark
            if start.line + 1 > error_line:
                break
            if end.line > start.line and any(_KEY_LINE.match(ln) for ln in lines[start.line + 1:end.line + 1]):
                found = (start.line + 1, start.column + 1, token.style)
    except Exception:  # noqa: BLE001 - the scan stops at the same error the load hit
        pass
    return found


def _first_key_line(text: str, mapping_mark, dup_mark) -> int | None:
    """1-based line where the key duplicated at `dup_mark` first appears in the mapping that starts
    at `mapping_mark` (composed again: the composer does not check duplicates)."""
    try:
        root = _yaml().compose(text)
    except Exception:  # noqa: BLE001
        return None
    todo, seen = [root], set()
    while todo:
        node = todo.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        value = getattr(node, "value", None)
        if not isinstance(value, list):
            continue
        if value and isinstance(value[0], tuple):  # a mapping: [(key node, value node)]
            keys = [k for k, _ in value]
            dup = next((k for k in keys if (k.start_mark.line, k.start_mark.column) ==
                        (dup_mark.line, dup_mark.column)), None)
            if dup is not None:
                for k in keys:
                    if k is not dup and getattr(k, "value", None) == dup.value:
                        return k.start_mark.line + 1
            todo += [n for pair in value for n in pair]
        else:
            todo += value
    return None


def _reader_error(path: Path, text: str, exc: Exception) -> LessonError:
    """A character YAML does not allow (NUL, other control characters), at its line:col."""
    pos = getattr(exc, "position", 0) or 0
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    code = getattr(exc, "character", None)
    code = ord(code) if isinstance(code, str) else code
    what = "a NUL byte (\\x00)" if code == 0 else (f"the control character U+{code:04X}" if isinstance(code, int)
                                                   else "a character YAML does not allow")
    return LessonError(path, line, col, f"{what} in the file (expected text: YAML allows no control "
                                        f"characters other than tab and newline)")


def _yaml_error(path: Path, text: str, exc: Exception) -> LessonError:
    name = type(exc).__name__
    if name == "ReaderError":
        return _reader_error(path, text, exc)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).strip().splitlines()[-1]
    context = getattr(exc, "context", None)
    line = mark.line + 1 if mark is not None else 1
    col = mark.column + 1 if mark is not None else 1
    if name.startswith("DuplicateKey"):
        ctx_mark = getattr(exc, "context_mark", None)
        first_line = _first_key_line(text, ctx_mark, mark) if (ctx_mark is not None and mark is not None) else None
        first = f" (first defined on line {first_line})" if first_line else ""
        key = _dup_key(problem)
        msg = f"duplicate key {key}{first}; each key may appear once per mapping"
        return LessonError(path, line, col, msg)
    lines = text.splitlines()
    src = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in problem or "\\t" in problem or ("\t" in src[: max(col, 1)] and src[:col].strip(" \t") == ""):
        tab_col = src.find("\t") + 1 if "\t" in src else col
        return LessonError(path, line, tab_col,
                           "tab character used for indentation (expected spaces; YAML does not allow tabs here)")
    ctx_mark = getattr(exc, "context_mark", None)
    if "quoted scalar" in str(context or "") and ctx_mark is not None:  # never closed before the end
        quote = text[ctx_mark.index] if 0 <= getattr(ctx_mark, "index", -1) < len(text) else '"'
        return LessonError(path, ctx_mark.line + 1, ctx_mark.column + 1,
                           f"YAML syntax error: this {_quote_name(quote)} is never closed; YAML read on to "
                           f"the end of the file (expected a closing {quote} on this line)")
    runaway = _runaway_quote(text, line)
    if runaway is not None and runaway[0] < line:
        q_line, q_col, quote = runaway
        return LessonError(path, q_line, q_col,
                           f"YAML syntax error: this {_quote_name(quote)} is not closed on its line, so YAML "
                           f"read on to line {line} and found: {problem} (expected a closing {quote})")
    msg = f"YAML syntax error: {problem}"
    if context and context not in problem:
        msg += f" ({context})"
    return LessonError(path, line, col, msg)


def _quote_name(quote: str) -> str:
    return "single quote" if quote == "'" else "double quote"


def _dup_key(problem: str) -> str:
    # ruamel: 'found duplicate key "a" with value "2" (original value: "1")'
    start = problem.find('"')
    end = problem.find('"', start + 1)
    return repr(problem[start + 1:end]) if start >= 0 and end > start else "key"


def _kind(v) -> str:
    if isinstance(v, dict):
        return "mapping"
    if isinstance(v, (list, tuple)):
        return "list"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if v is None:
        return "null"
    return type(v).__name__


MAX_NODES = 200_000  # aliases can make a small file huge ("billion laughs"); no lesson comes near this


class TooBig(ValueError):
    """The YAML expands to more than MAX_NODES values (usually through aliases)."""


def plain(v, _count=None):
    """ruamel's round-trip types -> plain Python (dict/list/str/int/float/bool/None) for pydantic."""
    if _count is None:
        _count = [0]
    _count[0] += 1
    if _count[0] > MAX_NODES:
        raise TooBig(f"the file expands to more than {MAX_NODES} values (through aliases?)")
    if isinstance(v, dict):
        return {plain(k, _count): plain(x, _count) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x, _count) for x in v]
    if isinstance(v, bool):
        return bool(v)
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    if isinstance(v, str):
        return str(v)
    return v  # dates and the like stay as they are; the model rejects them with a type error


# ------------------------------------------------------------------ positions

def _node_pos(node) -> tuple[int, int] | None:
    lc = getattr(node, "lc", None)
    if lc is None or getattr(lc, "line", None) is None:
        return None
    return lc.line, lc.col


def _child(node, key):
    try:
        if isinstance(node, dict) and key in node:
            return node[key]
        if isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            return node[key]
    except TypeError:
        pass
    return _MISSING


_MISSING = object()


def locate(data, loc: Loc, *, at_key: bool = False) -> tuple[int, int]:
    """1-based (line, col) of the value at `loc` (or of its key with at_key=True). A loc that does not
    exist points at the deepest mapping/list that does."""
    pos = _node_pos(data) or (0, 0)
    node = data
    for i, key in enumerate(loc):
        child = _child(node, key)
        if child is _MISSING:
            break
        lc = getattr(node, "lc", None)
        try:
            if isinstance(node, dict):
                p = lc.key(key) if (at_key and i == len(loc) - 1 or child is None) else lc.value(key)
            else:
                p = lc.item(key)
            if p is not None:
                pos = tuple(p)
        except (AttributeError, KeyError, TypeError, IndexError):
            pass
        node = child
        if not (at_key and i == len(loc) - 1):
            inner = _node_pos(node)
            if inner is not None:
                pos = inner
    return pos[0] + 1, pos[1] + 1


def yaml_path(data, loc: Loc) -> Loc:
    """Turn a pydantic error loc into a path of real keys/indices: drop union tags and the like,
    keep a final key that is missing or unknown."""
    out = []
    node = data
    for i, key in enumerate(loc):
        child = _child(node, key)
        if child is _MISSING:
            if i == len(loc) - 1 and isinstance(node, dict) and isinstance(key, str):
                out.append(key)
            continue
        out.append(key)
        node = child
    return tuple(out)


def dotted(path: Loc) -> str:
    s = ""
    for k in path:
        s += f"[{k}]" if isinstance(k, int) else (f".{k}" if s else str(k))
    return s or "(top level)"


def _where(data, path: Loc) -> str:
    """A human name for the mapping at path: 'step 2 (lazy)', 'check 1 of step lazy', 'lesson'."""
    if not path:
        return "the lesson"
    if path[0] == "steps" and len(path) >= 2 and isinstance(path[1], int):
        step = _child(_child(data, "steps"), path[1])
        sid = step.get("id") if isinstance(step, dict) else None
        name = f"step {path[1] + 1}" + (f" ({sid})" if isinstance(sid, str) else "")
        rest = path[2:]
        if not rest:
            return name
        if rest[0] == "checks" and len(rest) >= 2 and isinstance(rest[1], int):
            return f"check {rest[1] + 1} of {name}"
        return f"{rest[0]} of {name}"
    return dotted(path)


def _allowed(model: type[BaseModel] | None) -> list[str]:
    return list(model.model_fields) if model else []


def _required(model: type[BaseModel] | None) -> list[str]:
    return [n for n, f in model.model_fields.items() if f.is_required()] if model else []


def _did_you_mean(word, choices) -> str:
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _got(v) -> str:
    if v is None:
        return "null (an empty value)"
    if isinstance(v, (dict, list)):
        return f"a {_kind(v)}" if len(v) else f"an empty {_kind(v)}"
    r = repr(plain(v))
    if len(r) > 40:
        r = r[:37] + "..."
    return f"{_kind(v)} {r}"


def validation_errors(path: Path, data, exc: ValidationError) -> list[LessonError]:
    """pydantic errors -> LessonErrors at the YAML positions they are about."""
    out: list[LessonError] = []
    seen: set[tuple] = set()
    merged: dict[tuple, tuple[int, str]] = {}
    for err in exc.errors(include_url=False):
        ypath = yaml_path(data, tuple(err["loc"]))
        etype = err["type"]
        ctx = err.get("ctx") or {}
        value = _child(_child_path(data, ypath[:-1]), ypath[-1]) if ypath else data
        name = dotted(ypath)
        if etype == "extra_forbidden":
            parent = ypath[:-1]
            model = model_for(parent, data)
            allowed = _allowed(model)
            key = ypath[-1]
            msg = (f"unknown key {key!r} in {_where(data, parent)} (expected one of: {', '.join(allowed)})"
                   f"{_did_you_mean(key, allowed)}")
            line, col = locate(data, ypath, at_key=True)
        elif etype == "missing":
            parent = ypath[:-1]
            model = model_for(parent, data)
            req = _required(model)
            msg = f"missing required key {ypath[-1]!r} in {_where(data, parent)}"
            if req:
                msg += f" (required: {', '.join(req)})"
            line, col = locate(data, parent)
        elif etype == "union_tag_invalid":
            tag = ctx.get("tag")
            kinds = list(CHECK_MODELS)
            msg = f"{name}.kind: unknown check kind {tag!r} (expected one of: {', '.join(kinds)}){_did_you_mean(tag, kinds)}"
            line, col = locate(data, ypath + ("kind",))
        elif etype == "union_tag_not_found":
            msg = f"{name}: a check needs a 'kind' (expected one of: {', '.join(CHECK_MODELS)})"
            line, col = locate(data, ypath)
        elif etype == "literal_error":
            expected = str(ctx.get("expected", "")).replace("'", "")
            choices = [c.strip() for c in expected.replace(" or ", ", ").split(",") if c.strip()]
            msg = f"{name}: {_got(value)} is not allowed (expected one of: {', '.join(choices)}){_did_you_mean(value, choices)}"
            line, col = locate(data, ypath)
        elif etype == "string_pattern_mismatch":
            msg = f"{name}: {_got(value)} is not a valid id (expected lowercase letters, digits and '-', like 'first-jit')"
            line, col = locate(data, ypath)
        else:
            what = err["msg"]
            if etype in ("model_type", "model_attributes_type", "dict_type"):
                what = "expected a mapping (key: value lines)"
            elif etype == "too_short":
                what = f"expected at least {ctx.get('min_length', 1)} item(s)"
            elif what.startswith("Input should be "):
                what = "expected " + what[len("Input should be "):]
            line, col = locate(data, ypath)
            prev = merged.get(ypath)
            if prev is not None:  # a union: "expected a valid integer or a valid number"
                idx, first_what = prev
                first_what = f"{first_what} or {what.removeprefix('expected ')}"
                merged[ypath] = (idx, first_what)
                out[idx] = LessonError(path, line, col, f"{name}: {first_what}, got {_got(value)}")
                continue
            msg = f"{name}: {what}, got {_got(value)}" if value is not _MISSING else f"{name}: {what}"
            merged[ypath] = (len(out), what)
        key = (line, col, msg)
        if key not in seen:
            seen.add(key)
            out.append(LessonError(path, line, col, msg))
    return out


def _child_path(data, path: Loc):
    node = data
    for k in path:
        node = _child(node, k)
        if node is _MISSING:
            return _MISSING
    return node


def code_position(data, path: Loc, code_line: int, code_col: int = 1, text: str | None = None) -> tuple[int, int]:
    """1-based YAML (line, col) of 1-based line `code_line` inside the string at `path`
    (a block scalar `|` starts on the line after its key; other scalars are on the key's line)."""
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

    line, col = locate(data, path)
    value = _child_path(data, path)
    if isinstance(value, (LiteralScalarString, FoldedScalarString)):
        yline = line + code_line
        indent = 0
        code_lines = str(value).splitlines()
        if text is not None and 0 < code_line <= len(code_lines):
            lines = text.splitlines()
            if 0 < yline <= len(lines):
                src, own = lines[yline - 1], code_lines[code_line - 1]
                indent = max(0, (len(src) - len(src.lstrip(" "))) - (len(own) - len(own.lstrip(" "))))
        return yline, indent + code_col
    return line, col
