"""Job and Timing (what the parent asks for) and event helpers (what the worker answers).

Pure data, no numba, no textual: the UI, `numba-lab check` and the worker all import it.
Events are plain dicts, one JSON object per line; see docs/contracts.md for every field.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field, fields

from lab.options import Options

KINDS = ("jit", "vectorize", "guvectorize", "cuda")
TARGETS = ("cpu", "parallel", "cuda")
VIEWS = ("llvm", "asm", "types", "parallel", "ptx")
EVENT_TYPES = (
    "started", "compiled", "output", "error", "llvm", "asm", "types", "parallel", "ptx",
    "timings", "check", "lines", "done",
)
ERROR_STAGES = ("syntax", "import", "setup", "compile", "run", "check", "timing", "worker")
DONE_CAUSES = (None, "timeout", "signal", "exit", "memory", "superseded")
MIN_MEMORY_MB = 512


class JobError(ValueError):
    """A Job that cannot be run as given (bad kind, bad field); the message says which field."""


@dataclass
class Timing:
    call: str
    setup: str = ""
    sizes: list[int] = field(default_factory=list)
    baseline: bool = True
    budget_s: float = 3.0

    def to_json(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, d: dict) -> "Timing":
        _no_unknown(cls, d, "timing")
        if not d.get("call"):
            raise JobError("timing.call is required (the expression to time)")
        return cls(**{**d, "sizes": [int(n) for n in d.get("sizes") or []]})


def _new_id() -> str:
    return uuid.uuid4().hex


@dataclass
class Job:
    source: str
    entry: str
    kind: str = "jit"
    target: str = "cpu"
    options: Options | None = None
    setup: str = ""
    calls: list[str] = field(default_factory=list)
    views: list[str] = field(default_factory=lambda: list(VIEWS))
    timing: Timing | None = None
    checks: list[dict] = field(default_factory=list)
    expect_error: dict | None = None
    workfile: str = "scratch"
    timeout_s: float = 10.0
    memory_mb: int = 2048
    output_cap: int = 2_000_000
    id: str = field(default_factory=_new_id)

    def validate(self) -> "Job":
        """Raise JobError for a field that cannot work; returns self."""
        if self.kind not in KINDS:
            raise JobError(f"kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        if self.target not in TARGETS:
            raise JobError(f"target must be one of {', '.join(TARGETS)}, not {self.target!r}")
        if not self.entry or not self.entry.isidentifier():
            raise JobError(f"entry must be a Python name, not {self.entry!r}")
        bad = [v for v in self.views if v not in VIEWS]
        if bad:
            raise JobError(f"unknown view(s) {bad}; known: {', '.join(VIEWS)}")
        parts = self.workfile.replace("\\", "/").split("/")
        if not self.workfile or any(p in ("", ".", "..") for p in parts) or self.workfile.startswith("/"):
            raise JobError(f"workfile must be a relative name like 'lesson/step', not {self.workfile!r}")
        if self.timeout_s <= 0:
            raise JobError("timeout_s must be > 0")
        return self

    @property
    def effective_memory_mb(self) -> int:
        return max(MIN_MEMORY_MB, int(self.memory_mb))

    @property
    def is_cuda(self) -> bool:
        return self.kind == "cuda" or self.target == "cuda"

    def to_json(self) -> dict:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["options"] = self.options.to_json() if self.options else None
        d["timing"] = self.timing.to_json() if self.timing else None
        d["calls"] = list(self.calls)
        d["views"] = list(self.views)
        d["checks"] = [dict(c) for c in self.checks]
        return d

    @classmethod
    def from_json(cls, d: dict) -> "Job":
        _no_unknown(cls, d, "job")
        d = dict(d)
        if d.get("options") is not None and not isinstance(d["options"], Options):
            d["options"] = Options.from_json(d["options"])
        if d.get("timing") is not None and not isinstance(d["timing"], Timing):
            d["timing"] = Timing.from_json(d["timing"])
        if d.get("id") is None:
            d.pop("id", None)
        return cls(**d)

    def dumps(self) -> str:
        return json.dumps(self.to_json())


def _no_unknown(cls, d: dict, what: str) -> None:
    unknown = set(d) - {f.name for f in fields(cls)}
    if unknown:
        raise JobError(f"unknown {what} field(s): {', '.join(sorted(unknown))}")


def event(type_: str, job_id: str, t: float, **fields_) -> dict:
    """Build one event dict in the contract's shape."""
    return {"type": type_, "job": job_id, "t": round(t, 6), **fields_}


def error_event(job_id: str, t: float, *, stage: str, etype: str, summary: str, full: str = "",
                line: int | None = None, col: int | None = None, source_line: str | None = None,
                hint: str | None = None, expected: bool = False) -> dict:
    return event("error", job_id, t, stage=stage, etype=etype, summary=summary, line=line, col=col,
                 source_line=source_line, full=full or summary, hint=hint, expected=expected)
