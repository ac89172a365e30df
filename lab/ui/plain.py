"""Text from outside is never markup: the one path for showing it in the UI.

Anything that did not come from our own source code (check messages, learner output, error and
exception text, lesson titles and prose outside markdown, presenter-file fields, file names) is
shown through these helpers, never interpolated into a markup string:

- `plain(value, style)` -> a `rich.text.Text` holding `str(value)` literally (Textual widgets draw a
  Text as is; a `str` given to Static/update/notify is parsed as Textual markup, where
  `[@click=app.quit]` is a live action and a stray `[/]` raises MarkupError).
- `line(*parts)` -> one Text from our own styled pieces and external strings: `("label", "bold")`
  tuples, plain strings and Text (Text.assemble; nothing is parsed).
- `notify_plain(target, message, ...)` -> a toast with `markup=False` that never raises.
- `describe(exc)` -> "TypeError: message" for an exception, never raising.

None of these raise: a value whose `str()` fails falls back to `repr()`, then to "<unprintable>".
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

UNPRINTABLE = "<unprintable>"
# C0 controls (but tab and newline) and DEL are shown as their Unicode "control pictures" (␛, ␇, ...),
# so learner output or a hostile lesson cannot send escape sequences to the learner's terminal
_CONTROLS = {code: 0x2400 + code for code in range(32) if chr(code) not in "\t\n"}
_CONTROLS[0x7F] = 0x2421
_CONTROLS[0x0D] = None  # a lone carriage return (\r\n line ends, progress bars) is dropped


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
        return text.translate(_CONTROLS)
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


def line(*parts: object) -> Text:
    """One Text from pieces: `("our label", "bold")` tuples, Text, and plain values (all literal)."""
    out = Text()
    for part in parts:
        try:
            if isinstance(part, tuple) and len(part) == 2:
                out.append(plain(part[0], part[1] or ""))
            else:
                out.append(plain(part))
        except Exception:
            out.append(UNPRINTABLE)
    return out


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
