"""A small JSON file another account writes (a presenter file, a learner's class status file): read
it safely and validate it, or say in one line why it is ignored.

Shared by lab.follow (presenter files) and lab.class_status (class status files). Never imports
textual or numba. Every failure is a ForeignFileError whose ``kind`` says what was wrong:
"missing", "foreign" (owned by another uid than expected), "unsafe" (not a regular file, a symlink
loop), "oversized", "unreadable" (permissions, I/O) or "malformed" (not UTF-8 JSON, not a flat
object, fields out of range).
"""

from __future__ import annotations

import errno
import json
import os
import pwd

from pydantic import BaseModel, ValidationError

from lab import paths


class ForeignFileError(ValueError):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def printable(text: str) -> str:
    """Control characters (escape sequences, newlines) out: such text is shown on one line."""
    return "".join(ch if ch.isprintable() else " " for ch in text)


def owner_name(uid: int) -> str:
    """The login name of `uid` (from the password database), or the number if it has none."""
    try:
        return pwd.getpwuid(uid).pw_name
    except (KeyError, OverflowError):
        return str(uid)


def read_json(path, max_bytes: int, *, what: str, expect_uid: int | None = None,
              follow_symlinks: bool = True) -> tuple[object, int]:
    """(the decoded JSON, the file owner's uid). Owner checked first (a file of another account than
    `expect_uid` is never read), then kind and size (lab.paths.read_regular_file), then UTF-8 JSON."""
    try:
        st = os.stat(path) if follow_symlinks else os.lstat(path)
        uid = st.st_uid
        if expect_uid is not None and uid != expect_uid:
            raise ForeignFileError("foreign", f"{path} is owned by {owner_name(uid)}, not by "
                                              f"{owner_name(expect_uid)}; ignored")
        raw = paths.read_regular_file(path, max_bytes, follow_symlinks=follow_symlinks)
    except paths.UnsafeFile as exc:
        kind = "oversized" if exc.errno == errno.EFBIG else "unsafe"
        raise ForeignFileError(kind, f"ignored {exc}") from None
    except FileNotFoundError:
        raise ForeignFileError("missing", f"{path} does not exist") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ForeignFileError("unsafe", f"ignored {path}: {paths.SYMLINK_LOOP}") from None
        raise ForeignFileError("unreadable", f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return json.loads(raw.decode("utf-8")), uid
    except RecursionError:
        raise ForeignFileError("malformed", f"ignored {path}: the JSON nests too deeply") from None
    except ValueError as exc:  # not UTF-8, not JSON (half-written), or an integer with thousands of digits
        raise ForeignFileError("malformed", f"ignored {path}: not a {what} ({str(exc)[:80]})") from None


def validate_flat(model: type[BaseModel], raw: object, what: str) -> BaseModel:
    """`raw` validated as `model`; it must be one JSON object with no nested values. The error names
    the first bad field: "not a {what} (step: Input should be greater than or equal to 1)"."""
    if not isinstance(raw, dict):
        raise ForeignFileError("malformed", f"not a {what} (expected a JSON object)")
    nested = sorted(str(k) for k, v in raw.items() if isinstance(v, (dict, list)))
    if nested:
        raise ForeignFileError("malformed", f"not a {what} (nested values in {', '.join(nested)[:80]})")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(x) for x in err["loc"]) or "file"
        raise ForeignFileError("malformed", f"not a {what} ({where}: {err['msg']})") from None
