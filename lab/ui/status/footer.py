"""A footer that fits its width: when the keys do not fit on one line (80 columns), it leaves out
the dimmed keys first, then the less important ones, so the keys a learner needs most (F1 Help
among them) are never cut off at the edge. Every key left out stays listed in the F1 help."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Footer

# actions left out first when the line is too narrow (first in this list = first to go)
DROP_ORDER = (
    "close_search",   # esc: the search box says it
    "toggle_lines",   # l: listed in F1
    "prev_match",     # N: n is shown
    "prev_tab",       # [: ] is shown
    "zoom",           # z: F1 lists it
    "to_list",        # ctrl+l: esc does it too
    "reset",
    "solution",
    "prev_step",
    "quit",
    "toggle_diff",    # kept longer: "what did that flip change" is what the IR tabs are for
    "toggle_text",
)
# shorter words for the results keys when the line is tight
SHORT = {"toggle_full": "Full", "toggle_diff": "Diff", "next_match": "Match", "prev_match": "Match",
         "search": "Find", "toggle_lines": "Src"}
PALETTE_CELLS = 12  # "▏^o palette" docked at the right


def key_cells(key_display: str, description: str) -> int:
    """Cells one compact footer key takes, with the gutter after it."""
    return len(key_display) + (1 + len(description) if description else 0) + 1


def fit_keys(keys: list[tuple[str, str, str, bool]], width: int) -> list[tuple[str, str, str, bool]]:
    """keys: (action, key display, description, enabled), in footer order. Keep the order, drop
    dimmed keys and then DROP_ORDER actions until the line fits in `width` cells."""
    kept = list(keys)

    def size() -> int:
        return sum(key_cells(k[1], k[2]) for k in kept)

    if size() <= width:
        return kept
    kept = [k for k in kept if k[3]]  # dimmed keys go together (some left dimmed, some not, looked random)
    if size() > width:  # then shorter words, before any live key goes
        kept = [(a, key, SHORT.get(a, desc), on) for a, key, desc, on in kept]
    for drop in DROP_ORDER:
        if size() <= width:
            break
        kept = [k for k in kept if k[0] != drop]
    return kept


class FooterKey(Widget):
    """One key in the footer ("f5 Run"), built on public Textual APIs only (Textual's own FooterKey
    lives in a private module). Named FooterKey so Footer's layout rules apply; styles in app.tcss."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"footer-key--key", "footer-key--description"}

    def __init__(self, key: str, key_display: str, description: str, action: str, *,
                 disabled: bool = False, tooltip: str = "", classes: str = "") -> None:
        self.key, self.key_display, self.description, self.action = key, key_display, description, action
        self.dimmed = disabled
        super().__init__(classes=(classes + " -disabled") if disabled else classes)
        self.shrink = False
        if tooltip:
            self.tooltip = tooltip

    def render(self) -> Text:
        key_style = self.get_component_rich_style("footer-key--key")
        text = Text(self.key_display, style=key_style)
        if self.description:
            text.append(" " + self.description, style=self.get_component_rich_style("footer-key--description"))
        text.stylize_before(self.rich_style)
        return text

    def on_mouse_down(self) -> None:
        if self.dimmed:
            self.app.bell()
        else:
            self.app.simulate_key(self.key)


class LabFooter(Footer):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(**kwargs)
        self._fitted_width = 0

    def compose(self):
        if not self.is_attached:
            return
        active = self.screen.active_bindings
        hidden = getattr(self.screen, "footer_hides", None)  # keys a screen answers but does not offer here
        seen: dict[str, tuple] = {}
        for _, binding, enabled, tooltip in active.values():
            if hidden is not None and hidden(binding.action):
                continue
            if binding.show and binding.action not in seen:
                seen[binding.action] = (binding, enabled, tooltip)
        palette = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        width = (self.size.width or self.app.size.width) - (PALETTE_CELLS if palette else 0)
        self._fitted_width = self.size.width or self.app.size.width
        keys = [(action, self.app.get_key_display(b), b.description, enabled)
                for action, (b, enabled, _tip) in seen.items()]
        fitted = fit_keys(keys, width)
        self.styles.grid_size_columns = len(fitted)
        for action, key_display, description, _on in fitted:
            binding, enabled, tooltip = seen[action]
            yield FooterKey(binding.key, key_display, description,
                            binding.action, disabled=not enabled,
                            tooltip=tooltip or binding.description)
        if palette is not None:
            _node, binding, enabled, tooltip = palette
            yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description,
                            binding.action, classes="-command-palette", disabled=not enabled,
                            tooltip=binding.tooltip or binding.description)

    def on_resize(self, event) -> None:
        if event.size.width != self._fitted_width and self.is_mounted:
            self.call_after_refresh(self.recompose)
