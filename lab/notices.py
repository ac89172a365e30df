"""What the learner must be told about their saved work (a file set aside, saving failing, another lab
changing a draft). The state layer (lab.progress, lab.drafts) calls tell(); the app shows each notice
as a plain-text toast the moment it is told (listen), and CLI commands print what is left (drain).
Each notice is told once per session (by key) until forget(key) allows it again."""

from __future__ import annotations

from typing import Callable

_pending: list[str] = []
_told: set[str] = set()
_listener: Callable[[str], None] | None = None


def tell(text: str, key: str | None = None) -> None:
    key = text if key is None else key
    if key in _told:
        return
    _told.add(key)
    if _listener is not None:
        try:
            _listener(text)
            return
        except Exception:  # noqa: BLE001 - a notice that cannot be shown now is kept for later
            pass
    _pending.append(text)


def forget(key: str) -> None:
    """Allow the notice with this key to be told again (the problem went away and may come back)."""
    _told.discard(key)


def drain() -> list[str]:
    out = list(_pending)
    _pending.clear()
    return out


def listen(callback: Callable[[str], None] | None) -> None:
    """Show each new notice through callback (None: keep them for drain()); the backlog is handed over."""
    global _listener
    _listener = callback
    if callback is not None:
        for text in drain():
            tell_now(text)


def tell_now(text: str) -> None:
    if _listener is not None:
        try:
            _listener(text)
            return
        except Exception:  # noqa: BLE001
            pass
    _pending.append(text)


def reset() -> None:
    """A new session (tests): nothing pending, nothing told, nobody listening."""
    global _listener
    _pending.clear()
    _told.clear()
    _listener = None
