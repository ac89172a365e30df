"""One-line status: engine state · job result · Numba · CPU cores · CUDA · draft saved."""

from __future__ import annotations

from rich.markup import escape
from textual.reactive import reactive
from textual.widgets import Static

_STATE_STYLE = {
    "warming": ("◌", "warming up"),
    "idle": ("●", "idle"),
    "compiling": ("◐", "compiling"),
    "running": ("◑", "running"),
    "restarted": ("↻", "restarted after crash"),
    "closed": ("○", "stopped"),
    "off": ("○", "engine off"),
}


def _cells(parts: list[str]) -> int:
    from textual.content import Content

    return len(Content.from_markup(" │ ".join(parts)).plain)


class StatusBar(Static):
    engine_state: reactive[str] = reactive("warming")
    job_note: reactive[str] = reactive("")
    draft_note: reactive[str] = reactive("")
    info: reactive[dict] = reactive(dict, always_update=True)

    def status_text(self, width: int | None = None) -> str:
        """State, this job, the draft, then the machine (Numba, cores, CUDA). With `width`, the
        machine facts give way (Numba first, CUDA last) so the job and draft notes are never cut."""
        icon, word = _STATE_STYLE.get(self.engine_state, ("●", self.engine_state))
        parts = [f"[b]{icon} {word}[/b]"]
        if self.job_note:
            parts.append(escape(self.job_note))
        if self.draft_note:
            parts.append(escape(self.draft_note))
        info = self.info or {}
        machine = []
        if info.get("numba"):
            machine.append(f"Numba {escape(str(info['numba']))}")
        if info.get("cpus"):
            machine.append(f"{info['cpus']} CPU cores")
        cuda = info.get("cuda")
        machine.append(escape(str(cuda)) if cuda else "no CUDA")
        while width is not None and machine and _cells(parts + machine) > width:
            machine.pop(0)
        return " │ ".join(parts + machine)

    def _refresh_line(self) -> None:
        self.update(self.status_text(self.size.width - 2 if self.size.width else None))
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
