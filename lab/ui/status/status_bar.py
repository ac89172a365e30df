"""One-line status: engine state · job result · Numba · CPU cores · CUDA · draft saved."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from lab.ui.plain import line

_STATE_STYLE = {
    "warming": ("◌", "warming up"),
    "idle": ("●", "idle"),
    "compiling": ("◐", "compiling"),
    "running": ("◑", "running"),
    "restarted": ("↻", "restarted after crash"),
    "closed": ("○", "stopped"),
    "off": ("○", "engine off"),
}


SEP = " │ "


def _joined(parts: list) -> Content:
    return Content(SEP).join(line(p) for p in parts)


class StatusBar(Static):
    engine_state: reactive[str] = reactive("warming")
    job_note: reactive[str] = reactive("")
    draft_note: reactive[str] = reactive("")
    info: reactive[dict] = reactive(dict, always_update=True)

    def status_line(self, width: int | None = None) -> Content:
        """State, this job, the draft, then the machine (Numba, cores, CUDA). With `width`, the
        machine facts give way (Numba first, CUDA last) so the job and draft notes are never cut.
        Notes and machine facts are external text: shown as written (lab.ui.plain)."""
        icon, word = _STATE_STYLE.get(self.engine_state, ("●", self.engine_state))
        parts: list = [(f"{icon} {word}", "b")]
        if self.job_note:
            parts.append(self.job_note)
        if self.draft_note:
            parts.append(self.draft_note)
        info = self.info or {}
        machine = []
        if info.get("numba"):
            machine.append(f"Numba {info['numba']}")
        if info.get("cpus"):
            machine.append(f"{info['cpus']} CPU cores")
        cuda = info.get("cuda")
        machine.append(cuda if cuda else "no CUDA")
        while width is not None and machine and len(_joined(parts + machine).plain) > width:
            machine.pop(0)
        return _joined(parts + machine)

    def status_text(self, width: int | None = None) -> str:
        """The plain words of the status line (tests, screen readers)."""
        return self.status_line(width).plain

    def _refresh_line(self) -> None:
        self.update(self.status_line(self.size.width - 2 if self.size.width else None))
        self.set_class(self.engine_state in ("compiling", "running"), "-busy")
        self.set_class(self.engine_state == "restarted", "-restarted")

    def on_resize(self) -> None:
        self._refresh_line()

    def watch_engine_state(self) -> None:
        self._refresh_line()

    def watch_job_note(self) -> None:
        self._refresh_line()

    def watch_draft_note(self) -> None:
        self._refresh_line()

    def watch_info(self) -> None:
        self._refresh_line()
