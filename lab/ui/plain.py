"""Text from outside is never markup: the one path for showing it in the UI.

Anything that did not come from our own source code (check messages, learner output, error and
exception text, lesson titles and prose outside markdown, presenter-file fields, file names) is
shown through these helpers, never interpolated into a markup string:

- `plain(value, style)` -> a `rich.text.Text` holding `str(value)` literally (Textual widgets draw a
  Text as is; a `str` given to Static/update/notify is parsed as Textual markup, where
  `[@click=app.quit]` is a live action and a stray `[/]` raises MarkupError).
- `line(*parts)` -> one Textual `Content` from our own styled pieces and external values:
  `("our words", "b $success")` tuples (theme variables work), plain values, Text and Content;
  nothing is parsed as markup. `lines(rows)` joins such rows with newlines.
- `notify_plain(target, message, ...)` -> a toast with `markup=False` that never raises.
- `visible(text)` -> control characters (ESC, BEL, ...) shown as ␛, ␇, ... (for text drawn directly).
- `describe(exc)` -> "TypeError: message" for an exception, never raising.

None of these raise: a value whose `str()` fails falls back to `repr()`, then to "<unprintable>".
"""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text
from textual.content import Content

UNPRINTABLE = "<unprintable>"
# C0 controls (but tab and newline) and DEL are shown as their Unicode "control pictures" (␛, ␇, ...),
# so learner output or a hostile lesson cannot send escape sequences to the learner's terminal
_CONTROLS = {code: 0x2400 + code for code in range(32) if chr(code) not in "\t\n"}
_CONTROLS[0x7F] = 0x2421
_CONTROLS[0x0D] = None  # a carriage return (\r\n line ends, progress bars) is dropped
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def visible(text: str) -> str:
    """`text` with control characters (ESC, BEL, ...) made visible, so they never reach the terminal."""
    return text.translate(_CONTROLS) if _CONTROL_RE.search(text) else text


def to_str(value: object) -> str:
    """`str(value)` that never raises (repr, then '<unprintable>'), with control characters made visible."""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = str(value)
        except Exception:
            try:
                text = repr(value)
            except Exception:
                text = UNPRINTABLE
        if not isinstance(text, str):
            text = UNPRINTABLE
    try:
        return visible(text)
    except Exception:
        return UNPRINTABLE


def plain(value: object, style: str = "") -> Text:
    """`value` as a Text that is shown literally (no markup), optionally in one `style`."""
    if isinstance(value, Text):
        return value
    text = to_str(value)
    try:
        Style.parse(style)  # a bad style would raise only when drawn; check it here
        return Text(text, style=style)
    except Exception:  # a bad style name must not cost the text itself
        return Text(text)


def line(*parts: object) -> Content:
    """One Content from pieces: `(value, style)` tuples (style: ours, may use $theme variables),
    Content/Text, and plain values. Every value is literal text; nothing is parsed as markup."""
    pieces: list = []
    for part in parts:
        try:
            if isinstance(part, Content):
                pieces.append(part)
            elif isinstance(part, Text):
                pieces.append(Content.from_rich_text(part))
            elif isinstance(part, tuple) and len(part) == 2:
                pieces.append((to_str(part[0]), part[1] or ""))
            else:
                pieces.append(to_str(part))
        except Exception:
            pieces.append(UNPRINTABLE)
    try:
        return Content.assemble(*pieces)
    except Exception:
        return Content(UNPRINTABLE)


def lines(rows, sep: str = "\n") -> Content:
    """Rows (each what `line()` takes as one part: a value, a tuple, Text or Content) joined by `sep`."""
    try:
        return Content(sep).join(line(row) for row in rows)
    except Exception:
        return Content(UNPRINTABLE)


def describe(exc: BaseException | object) -> str:
    """'TypeError: message' for an exception (just the type name when the message is empty)."""
    try:
        name = type(exc).__name__
    except Exception:
        name = "Exception"
    message = to_str(exc).strip()
    return f"{name}: {message}" if message else name


def notify_plain(target, message: object, *, title: object = "", severity: str = "information",
                 timeout: float | None = None) -> None:
    """`target.notify(...)` (an App or a widget) with the message and title shown literally.

    This is the reporting end of every error path, so it never raises: a failure to notify is dropped."""
    try:
        target.notify(to_str(message), title=to_str(title), severity=severity, timeout=timeout, markup=False)
    except Exception:
        pass
