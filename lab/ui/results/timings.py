"""Timings pane: a table of compile / first call / steady state / Python baseline / speed-up, and a
log-log plot of time against input size when the job timed a scaling series."""

from __future__ import annotations

import math

from textual.app import ComposeResult
from textual.containers import Container, Vertical, VerticalScroll
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from lab.ui.plain import lines, plain

from .base import ResultPane
from .format import compile_words, fmt_ms, fmt_seconds, fmt_speedup, fmt_spread


def timing_rows(ev: dict) -> list[tuple[str, str]]:
    """(metric, value) rows for the table. With a Python baseline the speed-up comes first: it is
    the answer, and at 80x24 the pane shows only five rows without scrolling."""
    jit = ev.get("jit") or {}
    py = ev.get("python")
    speedup = fmt_speedup(ev.get("speedup")) + (" (uncertain)" if ev.get("uncertain") else "")
    rows = [("speed-up", speedup)] if py else []
    rows += [
        ("compile", compile_words(ev)),
        ("first call", fmt_ms(ev.get("first_call_ms"))),
        ("steady min", fmt_seconds(jit.get("min_s"))),
        ("steady median", fmt_seconds(jit.get("median_s"))),
    ]
    if py:
        rows.append(("Python min", fmt_seconds(py.get("min_s"))))
        rows.append(("Python median", fmt_seconds(py.get("median_s"))))
    else:
        rows.append(("Python", "not measured"))
        rows.append(("speed-up", fmt_speedup(ev.get("speedup"))))
    if py and ev.get("speedup_median") is not None:
        rows.append(("speed-up (medians)", fmt_speedup(ev.get("speedup_median"))))
    if jit.get("spread") is not None or (py and py.get("spread") is not None):
        spread = f"jit {fmt_spread(jit.get('spread'))}"
        if py:
            spread += f" · Python {fmt_spread(py.get('spread'))}"
        rows.append(("spread (IQR)", spread))
    if jit.get("runs"):
        runs = f"{jit.get('runs')} × {jit.get('loops')}"
        if py and py.get("runs"):
            runs += f" · Python {py.get('runs')} × {py.get('loops')}"
        rows.append(("runs × loops", runs))
    return rows


def notes(ev: dict) -> list[str]:
    out = []
    if ev.get("cached"):
        out.append("cached: these timings are from an earlier run of the same code and options")
    if ev.get("busy_note"):
        out.append(str(ev["busy_note"]))
    if ev.get("simulator"):
        out.append("simulator: CUDA simulator timings say nothing about GPU speed")
    baseline = ev.get("baseline") or {}
    if baseline.get("text"):
        out.append(str(baseline["text"]))
    if ev.get("interleaved"):
        out.append("jit and Python timed interleaved, so load on the machine hits both alike; "
                   "speed-up = Python min / jit min")
    if ev.get("python_note"):
        out.append(str(ev["python_note"]))
    if ev.get("cuda_events"):
        out.append("GPU times measured with CUDA events")
    return out


def _ticks(values: list[float]) -> tuple[list[float], list[str]]:
    return [math.log10(v) for v in values], [_short(v) for v in values]


def _short(n: float) -> str:
    for unit, size in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= size:
            return f"{n / size:g}{unit}"
    return f"{n:g}"


WIDE_FROM = 96  # pane width (cells) from which the table and the plot sit side by side


class TimingsPane(ResultPane):
    FOCUS = ".timings-body"

    def __init__(self, **kw):
        super().__init__(**kw)
        self.event: dict | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="timings-body"):
            yield Static("", classes="timing-label")
            with Container(classes="timing-row"):
                with Vertical(classes="timing-left"):
                    yield DataTable(show_cursor=False, zebra_stripes=True, classes="timing-table")
                    yield Static("", classes="timing-notes")
                yield PlotextPlot(classes="timing-plot")

    def on_resize(self) -> None:
        self.set_class(self.size.width >= WIDE_FROM, "-wide")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("metric", "value")
        self.query_one(PlotextPlot).display = False

    def show(self, ev: dict) -> None:
        self.event = ev
        self.mark_fresh()
        label = self.query_one(".timing-label", Static)
        words = []  # our own fixed words: markup is safe here
        if ev.get("cached"):
            words.append("[b $accent]cached[/] — from an earlier run")
        if ev.get("uncertain"):
            words.append("[b $warning]machine busy[/] — figures uncertain")
        if ev.get("simulator"):
            words.append("[b $warning]simulator[/] — numbers are not GPU speed")
        label.update(" · ".join(words))
        label.display = bool(words)
        table = self.query_one(DataTable)
        table.clear()
        for metric, value in timing_rows(ev):
            style = "bold" if metric == "speed-up" else ""  # a str cell would be parsed as markup
            table.add_row(plain(metric, style), plain(value, style), key=metric)
        ns = notes(ev)
        note = self.query_one(".timing-notes", Static)
        note.update(lines(f"note: {n}" for n in ns))
        note.display = bool(ns)
        self._plot(ev.get("series") or [])

    def _plot(self, series: list[dict]) -> None:
        plot = self.query_one(PlotextPlot)
        pts = [s for s in series if s.get("size") and s.get("jit_s")]
        plot.display = len(pts) > 1  # one size is no curve: the table says it all
        if not plot.display:
            return
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        sizes = [float(s["size"]) for s in pts]
        xs, xlabels = _ticks(sizes)
        jit_ys = [math.log10(s["jit_s"]) for s in pts]
        plt.plot(xs, jit_ys, label="jit", marker="braille")
        py = [(math.log10(float(s["size"])), math.log10(s["python_s"])) for s in pts if s.get("python_s")]
        if py:
            plt.plot([p[0] for p in py], [p[1] for p in py], label="python", marker="braille")
        ys = jit_ys + [p[1] for p in py]
        lo, hi = min(ys), max(ys)
        ticks = [float(d) for d in range(math.ceil(lo), math.floor(hi) + 1)]  # decades inside the data
        if len(ticks) < 2:
            ticks = sorted({lo, hi} | set(ticks))
        plt.yticks(ticks, [fmt_seconds(10.0 ** t) for t in ticks])
        plt.xticks(xs, xlabels)
        plt.title("time vs input size (log-log)")
        plt.xlabel("n")
        plot.refresh()

    def reset(self) -> None:
        super().reset()
        self.event = None
        self.query_one(DataTable).clear()
        self.query_one(".timing-notes", Static).update("")
        self.query_one(PlotextPlot).display = False
