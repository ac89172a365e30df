"""Machine facts in lesson text: `{{cpu}}`, `{{vector_type}}`, ... filled from what a run reported.

Lesson prose never names this machine's CPU, SIMD width or speed: it writes a placeholder, and the
lab fills it from the step's own run (the worker's `started` event, the entry's LLVM IR and assembly,
the timings). Until the run reports a value the text shows PENDING. The lesson rules reject an
unknown placeholder (file:line), and `numba-lab check` warns when the starter's run leaves one unfilled.

No numba and no textual here: both the checker and the UI use it. Values are plain text; `fill`
escapes them for Markdown so a value can never become markup or a link.
"""

from __future__ import annotations

import re

# name -> what it shows (docs/lesson-format.md "Machine facts" lists the same)
PLACEHOLDERS: dict[str, str] = {
    "cpu": "LLVM's name for this machine's CPU (llvmlite get_host_cpu_name), e.g. znver4",
    "cores": "CPU cores the worker sees (os.cpu_count())",
    "threads": "threads Numba's parallel loops use (numba.config.NUMBA_NUM_THREADS)",
    "numba_version": "the Numba version the worker runs",
    "vector_type": "the widest SIMD vector type in the entry's LLVM IR, e.g. <4 x double>",
    "simd_width": "lanes of that vector type (the 4 of <4 x double>)",
    "vector_bits": "bits of that vector type (lanes x element bits, e.g. 256)",
    "vector_register": "the widest x86 vector register the entry's assembly uses: xmm, ymm or zmm",
    "compile_ms": "milliseconds the run spent compiling",
    "speedup": "the measured speed-up over pure Python (Timings pane), e.g. 35x",
}
MACHINE_FACTS = frozenset({"cpu", "cores", "threads", "numba_version"})  # kept from step to step
PENDING = "(after the run)"
NOT_SEEN = "(not in this run)"

PATTERN = re.compile(r"\{\{\s*([^{}\s]*)\s*\}\}")
_VECTOR = re.compile(r"<(\d+) x (double|float|half|i\d+|ptr)>")
_REGISTER = re.compile(r"%?\b([xyz])mm\d+\b")
_BITS = {"double": 64, "float": 32, "half": 16, "ptr": 64}


def find(text: str) -> list[tuple[str, int, int]]:
    """Every placeholder in `text`: (name, 1-based line, 1-based column)."""
    out = []
    for m in PATTERN.finditer(text or ""):
        before = text[:m.start()]
        line = before.count("\n") + 1
        col = m.start() - (before.rfind("\n") + 1) + 1
        out.append((m.group(1), line, col))
    return out


def unknown(text: str) -> list[tuple[str, int, int]]:
    """The placeholders in `text` that are not in PLACEHOLDERS."""
    return [p for p in find(text) if p[0] not in PLACEHOLDERS]


def vector_bits(vtype: str) -> int:
    m = _VECTOR.fullmatch(vtype.strip())
    if not m:
        return 0
    elem = m.group(2)
    return int(m.group(1)) * (_BITS.get(elem) or int(elem[1:]))


def facts_from_event(event: dict) -> dict[str, str]:
    """The facts one engine event reports (docs/contracts.md "Events"), as plain strings."""
    kind = event.get("type")
    facts: dict[str, str] = {}
    if kind == "started":
        for name, key in (("cpu", "cpu"), ("cores", "cores"), ("threads", "threads"), ("numba_version", "numba")):
            if event.get(key) not in (None, ""):
                facts[name] = str(event[key])
    elif kind == "compiled" and isinstance(event.get("compile_ms"), (int, float)):
        facts["compile_ms"] = f"{event['compile_ms']:.0f}"
    elif kind == "llvm":
        types = [t for t in (event.get("vector_types") or []) if isinstance(t, str) and vector_bits(t)]
        if types:
            widest = max(types, key=lambda t: (vector_bits(t), int(_VECTOR.fullmatch(t.strip()).group(1))))
            facts["vector_type"] = widest.strip()
            facts["simd_width"] = _VECTOR.fullmatch(widest.strip()).group(1)
            facts["vector_bits"] = str(vector_bits(widest))
    elif kind == "asm":
        regs = {m.group(1) for m in _REGISTER.finditer(str(event.get("text") or ""))}
        for reg in ("z", "y", "x"):
            if reg in regs:
                facts["vector_register"] = f"{reg}mm"
                break
    elif kind == "timings" and isinstance(event.get("speedup"), (int, float)) and event["speedup"] > 0:
        s = float(event["speedup"])
        facts["speedup"] = f"{s:.0f}x" if s >= 10 else f"{s:.1f}x"
    return facts


def facts_from_events(events) -> dict[str, str]:
    facts: dict[str, str] = {}
    for e in events:
        facts.update(facts_from_event(e))
    return facts


def machine_facts(facts: dict[str, str]) -> dict[str, str]:
    """The facts that hold for every step (the CPU, cores, ...), not just the run that reported them."""
    return {k: v for k, v in facts.items() if k in MACHINE_FACTS}


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#!|{}~&()+\-.])")


def fill(text: str, facts: dict[str, str] | None, *, ran: bool = False) -> str:
    """`text` (Markdown) with each known placeholder replaced by its fact as plain text: escaped
    outside code, backticks dropped inside a code span or fenced block. A fact not known yet shows
    PENDING (NOT_SEEN once the step's run has ended: `ran`); unknown names are left as written."""
    if not text or "{{" not in text:
        return text or ""
    facts = facts or {}
    out: list[str] = []
    fenced = False
    for ln in text.split("\n"):
        if ln.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            out.append(ln)
            continue
        pieces, last = [], 0
        for m in PATTERN.finditer(ln):
            name = m.group(1)
            if name not in PLACEHOLDERS:
                continue
            in_code = fenced or ln[:m.start()].count("`") % 2 == 1
            value = facts.get(name) or (NOT_SEEN if ran else PENDING)
            value = " ".join(str(value).split())  # one line, whatever the source
            value = value.replace("`", "'") if in_code else _MD_SPECIAL.sub(r"\\\1", value)
            pieces += [ln[last:m.start()], value]
            last = m.end()
        out.append("".join(pieces) + ln[last:])
    return "\n".join(out)
