"""Toggles for the decorator's options and the target, kept in sync with the decorator line.

The bar never edits code itself: it posts `Toggled` / `TargetPicked`, and the lesson screen rewrites
the decorator through lab.options. `show()` moves the toggles without posting anything (that is the
guard against editor <-> toggle feedback loops).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Input, RadioButton, RadioSet, Static

from lab.options import BOOL_TOGGLES, Expr, Options, options_for_target, target_of  # noqa: F401 (re-exported)
from lab.ui.plain import line
# the signature box's example, in the shape each decorator takes (a CUDA kernel returns nothing)
SIG_EXAMPLES = {
    "vectorize": "e.g. float64(float64, float64)",
    "guvectorize": "e.g. void(float64[:], float64[:])",
    "cuda.jit": "e.g. void(float32[:], float32[:])",
}
SIG_EXAMPLE = "e.g. float64(float64[:])"
TARGET_LABELS = {"cpu": "CPU", "parallel": "parallel CPU", "cuda": "CUDA"}
# options that exist for each decorator kind (others are disabled with a reason)
_APPLIES = {
    "jit": set(BOOL_TOGGLES) | {"signature"},
    "njit": set(BOOL_TOGGLES) | {"signature"},
    "vectorize": {"nopython", "forceobj", "cache", "fastmath", "boundscheck", "signature"},
    "guvectorize": {"nopython", "forceobj", "cache", "fastmath", "boundscheck", "signature"},
    "cuda.jit": {"fastmath", "signature"},
}
_TIPS = {
    "nopython": "nopython=True: fail instead of touching Python objects (the default since Numba 0.59)",
    "forceobj": "forceobj=True: compile in object mode (slow; loops may be lifted)",
    "nogil": "nogil=True: release the GIL while the compiled code runs",
    "cache": "cache=True: keep the machine code on disk for the next process",
    "parallel": "parallel=True: auto-parallelise array expressions and prange loops",
    "fastmath": "fastmath=True: allow reordering floating point (enables SIMD reductions)",
    "boundscheck": "boundscheck=True: raise IndexError on out-of-bounds access",
    "signature": "eager signature, e.g. float64(float64[:]) — compiles at import time",
}


class OptionToggle(Checkbox):
    """A compact checkbox that shows its state as a character too (✓ / blank), not only by colour,
    so it reads right in 256 colours, on projectors, and in screen captures. `custom` is a third
    state for fastmath's flag-set form (fastmath={'reassoc'}): shown as ≈ and "(custom)"."""

    custom = False

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 (Textual reads this class attribute)
        return "≈" if self.custom else ("✓" if self.value else " ")


class TargetButton(RadioButton):
    """A radio button showing ● only when picked (readable without colour)."""

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802
        return "●" if self.value else " "


class OptionsBar(Widget):
    """Checkboxes for each option, an Input for the signature, a RadioSet for the target."""

    @dataclass
    class Toggled(Message):
        name: str
        value: object

    @dataclass
    class TargetPicked(Message):
        target: str

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._locks: dict[str, str] = {}
        self._decorator = "jit"
        self._by_code: dict[str, str] = {}  # option -> its expression, for options written as code
        self._shown_target = "cpu"  # the target show() last set (its RadioSet.Changed echo is ignored)

    def compose(self) -> ComposeResult:
        with Horizontal(id="toggles"):
            for name in BOOL_TOGGLES:
                yield OptionToggle(name, id=f"opt-{name}", compact=True, tooltip=_TIPS[name])
        with Horizontal(id="sigline"):
            yield Static("sig", id="sig-label")
            yield Input(placeholder=SIG_EXAMPLE, id="opt-signature",
                        compact=True, tooltip=_TIPS["signature"])
            with RadioSet(id="target", compact=True):
                for key, label in TARGET_LABELS.items():
                    yield TargetButton(label, id=f"target-{key}", value=key == "cpu", compact=True)
        yield Static("", id="lock-note", markup=False)

    # ------------------------------------------------------------ configure per step
    def configure(self, decorator: str, locks: dict[str, str], targets: list[str]) -> None:
        """Disable what the step locks (with the reason) and what the decorator has no use for."""
        self._locks = dict(locks)
        self._decorator = decorator
        for name in BOOL_TOGGLES + ("signature",):
            self._set_state(name)
        for key in TARGET_LABELS:
            button = self.query_one(f"#target-{key}", RadioButton)
            ok = key in targets
            button.disabled = not ok
            button.tooltip = None if ok else f"{TARGET_LABELS[key]} is not used in this step"
        self.query_one("#opt-signature", Input).placeholder = SIG_EXAMPLES.get(decorator, SIG_EXAMPLE)
        note = self.query_one("#lock-note", Static)
        names = [name for name in BOOL_TOGGLES + ("signature",) if locks.get(name)]
        if locks.get("target"):
            names.append(f"target ({' / '.join(TARGET_LABELS[t] for t in targets if t in TARGET_LABELS)} only)")
        note.update(f"locked here: {', '.join(names)} (why: see the step text)" if names else "")
        note.set_class(not names, "-empty")

    def _set_state(self, name: str) -> None:
        """Enable or disable one toggle: locked by the step, no use for the decorator, set by code."""
        widget = self.query_one(f"#opt-{name}")
        reason = self._locks.get(name)
        by_code = self._by_code.get(name)
        if isinstance(widget, Checkbox):
            label = f"{name}: set by code" if by_code is not None else name
            if str(widget.label) != label:
                widget.label = label
        if reason:
            widget.disabled = True
            widget.tooltip = line(f"locked here: {reason}")  # the lesson's words: never markup
        elif by_code is not None:
            widget.disabled = True
            widget.tooltip = line(f"{name}={by_code} is decided by the code when it runs; "
                                  "edit the decorator line to change it")
        elif name not in _APPLIES.get(self._decorator, _APPLIES["jit"]):
            widget.disabled = True
            widget.tooltip = f"not an option of @{self._decorator}"
        else:
            widget.disabled = False
            widget.tooltip = _TIPS[name]

    # ------------------------------------------------------------ show values (no messages)
    def show(self, opts: Options | None, target: str, force: bool = False) -> None:
        """Move the toggles to `opts` without posting Toggled (editor -> toggles direction).
        The signature box is left alone while the learner types in it, unless `force` (a whole new
        text: step opened, reset, solution applied)."""
        self.set_class(opts is None, "-unreadable")
        if opts is not None:
            values = {
                "nopython": opts.nopython is True,
                "forceobj": opts.forceobj,
                "nogil": opts.nogil,
                "cache": opts.cache,
                "parallel": opts.parallel or opts.target == "parallel",
                "fastmath": opts.fastmath,
                "boundscheck": opts.boundscheck is True,
            }
            by_code = {name: getattr(opts, name).text for name in BOOL_TOGGLES if isinstance(getattr(opts, name), Expr)}
            if by_code != self._by_code:
                changed = set(by_code) ^ set(self._by_code)
                self._by_code = by_code
                for name in changed:
                    self._set_state(name)
            flags = opts.fastmath_flags
            values["fastmath"] = values["fastmath"] or flags is not None
            fast = self.query_one("#opt-fastmath", OptionToggle)
            if fast.custom != (flags is not None):
                fast.custom = flags is not None
                fast.label = "fastmath (custom)" if flags is not None else "fastmath"
            if flags is not None and not fast.disabled:
                fast.tooltip = line(f"fastmath={flags}: a set of LLVM fast-math flags (custom); space turns it off")
            for name, value in values.items():
                if name in by_code:
                    value = False  # shown by the label "set by code", not as ticked
                box = self.query_one(f"#opt-{name}", Checkbox)
                if box.value != value:
                    with box.prevent(Checkbox.Changed):
                        box.value = value
            sig = self.query_one("#opt-signature", Input)
            text = opts.signature or ""
            if sig.value != text and (force or not sig.has_focus):
                with sig.prevent(Input.Changed):
                    sig.value = text
        # through the RadioSet's public path (it keeps its pressed and highlighted button in step);
        # the RadioSet.Changed that comes back for this target is ignored in _target
        self._shown_target = target
        button = self.query_one(f"#target-{target}", RadioButton)
        if not button.value:
            button.value = True

    def value_of(self, name: str):
        if name == "signature":
            return self.query_one("#opt-signature", Input).value.strip() or None
        return self.query_one(f"#opt-{name}", Checkbox).value

    # ------------------------------------------------------------ user input -> messages
    @on(Checkbox.Changed)
    def _toggled(self, event: Checkbox.Changed) -> None:
        event.stop()
        name = (event.checkbox.id or "").removeprefix("opt-")
        value: object = event.value
        if name in ("nopython", "boundscheck") and not event.value:
            value = None  # unticked = not written (Numba's default)
        self.post_message(self.Toggled(name, value))

    @on(Input.Submitted, "#opt-signature")
    @on(Input.Changed, "#opt-signature")
    def _signature(self, event) -> None:
        event.stop()
        self.post_message(self.Toggled("signature", event.value.strip() or None))

    @on(RadioSet.Changed, "#target")
    def _target(self, event: RadioSet.Changed) -> None:
        event.stop()
        key = (event.pressed.id or "").removeprefix("target-")
        if key == self._shown_target:
            return  # show() moved it (or it was already the target): nothing to rewrite
        if event.pressed.disabled:  # never silently pick a target the step does not use
            self.notify(f"{TARGET_LABELS.get(key, key)} is not used in this step.", severity="warning")
            self.show_target_again()
            return
        self._shown_target = key
        self.post_message(self.TargetPicked(key))

    def show_target_again(self) -> None:
        self.query_one(f"#target-{self._shown_target}", RadioButton).value = True
