"""The lesson model (pydantic v2): what a lesson YAML file may hold. See docs/lesson-format.md.

Shape only: every mapping forbids unknown keys and every field is strictly typed. Cross-field rules
that need file positions (code parses, entry defined, ids unique, ...) live in lab/lesson_rules.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, JsonValue, PrivateAttr

from lab.engine.protocol import KINDS, TARGETS, VIEWS

STEP_KINDS = (*KINDS, "read")
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


# ------------------------------------------------------------------ checks (docs/contracts.md "Checks")

class _Check(_Strict):
    message: str | None = Field(None, description="shown to the learner when the check fails")


class EqualCheck(_Check):
    """`expr` and `expected` are evaluated in the harness namespace and compared (np.allclose for arrays/floats)."""
    kind: Literal["equal"]
    expr: str
    expected: JsonValue = Field(description="a Python expression (string) or a literal value")
    rtol: float = 1e-7
    atol: float = 0.0


class OutputContainsCheck(_Check):
    """The captured stdout of the calls contains `text`."""
    kind: Literal["output_contains"]
    text: str


class NopythonCheck(_Check):
    """Every compiled signature of the entry is nopython (no object mode)."""
    kind: Literal["nopython"]


class ParallelLoopCheck(_Check):
    """Parallel diagnostics found at least `min` parallel loops (with `prange: true`, loops written
    with prange in the code; array expressions and allocations such as np.zeros do not count)."""
    kind: Literal["parallel_loop"]
    min: int = Field(1, ge=1)
    prange: bool = Field(False, description="count only loops from the code's own prange")


class VectorizedCheck(_Check):
    """The entry's LLVM IR uses SIMD vector types."""
    kind: Literal["vectorized"]


class SpeedupCheck(_Check):
    """The timed speed-up over the pure-Python baseline is at least `min` (needs `timing` with baseline)."""
    kind: Literal["speedup"]
    min: float = Field(gt=0)


class SignaturesCheck(_Check):
    """The entry's dispatcher holds at least `min` compiled signatures."""
    kind: Literal["signatures"]
    min: int = Field(1, ge=0)


class RaisesCheck(_Check):
    """Evaluating `expr` raises an exception whose class (or a base class) is named `error`."""
    kind: Literal["raises"]
    expr: str
    error: str


class OptionCheck(_Check):
    """The entry's decorator line has option `name` set to `value` (e.g. nogil: true)."""
    kind: Literal["option"]
    name: str
    value: bool | str | None


class NoErrorCheck(_Check):
    """Nothing raised anywhere."""
    kind: Literal["no_error"]


CHECK_MODELS: dict[str, type[_Check]] = {
    "equal": EqualCheck, "output_contains": OutputContainsCheck, "nopython": NopythonCheck,
    "parallel_loop": ParallelLoopCheck, "vectorized": VectorizedCheck, "speedup": SpeedupCheck,
    "signatures": SignaturesCheck, "raises": RaisesCheck, "option": OptionCheck, "no_error": NoErrorCheck,
}

Check = Annotated[
    Union[EqualCheck, OutputContainsCheck, NopythonCheck, ParallelLoopCheck, VectorizedCheck, SpeedupCheck,
          SignaturesCheck, RaisesCheck, OptionCheck, NoErrorCheck],
    Field(discriminator="kind"),
]


# ------------------------------------------------------------------ step parts

class TimingSpec(_Strict):
    """What the Timings pane measures (engine Timing)."""
    call: str = Field(description="expression to time, e.g. trace(a)")
    setup: str = Field("", description="code run before timing, with `n` bound to each size")
    sizes: list[Annotated[int, Field(ge=1)]] = Field(default_factory=list, description="scaling series; empty: time once")
    baseline: bool = Field(True, description="also time the pure-Python version (entry.py_func)")
    budget_s: float = Field(3.0, gt=0, le=60, description="total seconds allowed for the Python baseline")


class ExpectError(_Strict):
    """The starter code is meant to fail with this error."""
    type: str = Field(description="exception class name, e.g. TypingError")
    match: str = Field("", description="regular expression searched in the full error text")


class WrongFix(_Strict):
    """A plausible wrong answer to an exercise: `numba-lab check` proves the checks reject it."""
    code: str = Field(description="the full source a learner might write, decorator line included")
    why: str = Field(description="the mistake it stands for, in one sentence")


class Step(_Strict):
    id: str = Field(pattern=ID_PATTERN, description="unique within the lesson; [a-z0-9-]")
    title: str
    text: str = Field("", description="markdown shown beside the editor")
    kind: Literal[STEP_KINDS] = "jit"
    code: str = Field("", description="starter code, decorator line included (not for kind: read)")
    entry: str = Field("", description="name of the function/kernel/ufunc the views are about")
    setup: str = Field("", description="harness code run after the learner module is imported")
    calls: list[str] = Field(default_factory=list, description="expressions (repr shown) or statements")
    views: list[Literal[VIEWS]] | None = None
    lock: dict[str, str] = Field(default_factory=dict, description="option -> reason it cannot be toggled here")
    targets: list[Literal[TARGETS]] = Field(default_factory=lambda: ["cpu"], min_length=1)
    timing: TimingSpec | None = None
    timeout_s: float | None = Field(None, ge=1, le=300,
                                    description="wall-clock limit for one run of this step (default 10 s)")
    expect_error: ExpectError | None = None
    checks: list[Check] = Field(default_factory=list, description="present: the step is an exercise")
    hints: list[str] = Field(default_factory=list)
    solution: str | None = None
    wrong_fixes: list[WrongFix] = Field(default_factory=list,
                                        description="exercises only: wrong answers the checks must reject")

    _line: int = PrivateAttr(0)
    _code_lines: dict = PrivateAttr(default_factory=dict)  # field -> (yaml line of the value, is block scalar)

    def yaml_line(self, field: str, code_line: int | None) -> int:
        """1-based YAML line of 1-based line `code_line` of `field` (code, solution, setup, or
        wrong_fixes[i] for the code of wrong fix i); the step's line if unknown."""
        base = self._code_lines.get(field)
        if base is None:
            return self._line
        line, block = base
        return line + code_line if (block and code_line) else line

    @property
    def line(self) -> int:
        """1-based line of the step in its YAML file (0 if unknown)."""
        return self._line

    @property
    def is_exercise(self) -> bool:
        return bool(self.checks)

    @property
    def runnable(self) -> bool:
        return self.kind != "read"


class Lesson(_Strict):
    id: str = Field(pattern=ID_PATTERN, description="unique across all loaded lessons; [a-z0-9-]")
    title: str
    summary: str = ""
    order: int | float = Field(0, description="sort key in the lesson list")
    steps: list[Step] = Field(min_length=1)

    _path: Path | None = PrivateAttr(None)

    @property
    def path(self) -> Path | None:
        """The YAML file this lesson came from."""
        return self._path

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)


# model class for a position in the data, used to list allowed keys in error messages
def model_for(loc: tuple, data) -> type[BaseModel] | None:
    """The model that validates the mapping at `loc` (keys/indices into `data`), or None."""
    model: type[BaseModel] | None = Lesson
    node = data
    i = 0
    while i < len(loc):
        key = loc[i]
        if model is Lesson and key == "steps":
            model = None  # a list
            if i + 1 < len(loc) and isinstance(loc[i + 1], int):
                i += 1
                model = Step
                node = _get(_get(node, "steps"), loc[i])
                i += 1
                continue
            return None
        if model is Step and key == "wrong_fixes":
            if i + 1 < len(loc) and isinstance(loc[i + 1], int):
                i += 1
                node = _get(_get(node, "wrong_fixes"), loc[i])
                model = WrongFix
            else:
                return None
        elif model is Step and key in ("timing", "expect_error"):
            model = TimingSpec if key == "timing" else ExpectError
            node = _get(node, key)
        elif model is Step and key == "checks":
            if i + 1 < len(loc) and isinstance(loc[i + 1], int):
                i += 1
                node = _get(_get(node, "checks"), loc[i])
                kind = node.get("kind") if isinstance(node, dict) else None
                model = CHECK_MODELS.get(kind) if isinstance(kind, str) else None
                if i + 1 < len(loc) and loc[i + 1] == kind:
                    i += 1  # pydantic puts the tag in the loc
            else:
                return None
        else:
            return None
        i += 1
    return model


def _get(node, key):
    try:
        return node[key]
    except (KeyError, IndexError, TypeError):
        return None
