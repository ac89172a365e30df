"""CodeView: a read-only, virtualised (Line API) text view for big compiler output.

Only the lines on screen are highlighted (Pygments, one line at a time, cached), so a 10k-line LLVM
module or 2 MB of captured output costs a `splitlines()` to load, not a full render. Search matches
are highlighted; `n`/`N` style navigation is driven by the owning pane through `search`/`step_match`.
"""

from __future__ import annotations

from collections import OrderedDict

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import Token
from rich.style import Style
from rich.syntax import PygmentsSyntaxTheme
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from lab.ui.plain import visible

LEXERS = {"llvm": "llvm", "asm": "gas", "python": "python", "diff": "diff", "ptx": "gas",  # PTX reads as gas
          "text": "text", "pytb": "pytb"}
DARK_STYLE = "monokai"
LIGHT_STYLE = "xcode"  # every token >= 4.5:1 on the light surface ("friendly" had numbers at 2.9:1)
_CACHE_LINES = 600
MAX_LINE = 5000  # characters of one line kept for display; the rest is replaced by a count


def _fit(line: str) -> str:
    if "\t" in line:
        line = line.expandtabs(8)
    if len(line) > MAX_LINE:
        line = f"{line[:MAX_LINE]} … [+{len(line) - MAX_LINE:,} characters]"
    return line


def _lexer(name: str | None) -> Lexer | None:
    if not name or name == "text":
        return None
    return get_lexer_by_name(LEXERS.get(name, name), stripnl=False, ensurenl=False)


def _diff_tag(line: str) -> str:
    if line.startswith(("+++", "---", "@@")):
        return "header"
    if line.startswith("+"):
        return "added"
    if line.startswith("-"):
        return "removed"
    return "same"


class CodeView(ScrollView, can_focus=True):
    """Lines of text, highlighted lazily; optional per-line tags styled by component classes."""

    COMPONENT_CLASSES = {
        "codeview--match", "codeview--current", "codeview--header", "codeview--stderr",
        "codeview--note", "codeview--result", "codeview--added", "codeview--removed",
        "codeview--linked", "codeview--cursor",
    }

    def __init__(self, *, language: str | None = None, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.language = language
        self._lex = _lexer(language)
        self._lines: list[str] = []
        self._tags: list[str | None] | None = None
        self.diff = False  # lines are a unified diff of `language` text: +/- lines tinted
        self._cache: OrderedDict[int, Strip] = OrderedDict()
        self._theme_key: tuple | None = None
        self._token_styles: dict = {}
        self.query_text: str = ""
        self.matches: list[tuple[int, int]] = []  # (line, start col)
        self._match_lines: dict[int, list[int]] = {}
        self.current: int = -1
        self.linked: frozenset[int] = frozenset()  # rows tinted as coming from the editor's line
        self.cursor_row: int | None = None  # a line cursor (views that select lines set it)

    # ---------------------------------------------------------------- content
    @property
    def lines(self) -> list[str]:
        return self._lines

    @property
    def text(self) -> str:
        return "\n".join(self._lines)

    def set_text(self, text: str, language: str | None = ..., tags: list[str | None] | None = None, *,
                 diff: bool = False) -> None:
        """Replace the content (cheap: no highlighting happens until lines are shown).

        With `diff=True` the text is a unified diff of `language` text: each line is still highlighted
        as `language`, added lines tinted green, removed lines red, hunk headers styled as headers."""
        lines = text.split("\n") if text else []
        if lines and lines[-1] == "":
            lines.pop()
        self.set_lines(lines, language, tags, diff=diff)

    def set_lines(self, lines: list[str], language: str | None = ..., tags: list[str | None] | None = None, *,
                  diff: bool = False) -> None:
        self.diff = diff
        if diff and tags is None:
            tags = [_diff_tag(ln) for ln in lines]
        if language is not ...:
            self.language = language
            self._lex = _lexer(language)
        lines = [visible(ln) for ln in lines]  # learner output: no escape sequences reach the terminal
        self._lines = [_fit(ln) if "\t" in ln or len(ln) > MAX_LINE else ln for ln in lines]
        self._tags = tags
        self.linked = frozenset()
        if self.cursor_row is not None:
            self.cursor_row = 0
        self._cache.clear()
        width = max(map(len, self._lines), default=0)
        self.virtual_size = Size(width + 1, len(self._lines))
        self.scroll_to(0, 0, animate=False)
        if self.query_text:
            self.search(self.query_text, jump=False)
        self.refresh()

    # ---------------------------------------------------------------- jumps
    # No smooth scrolling for big jumps: an animation re-highlights every line it passes, and over
    # SSH each frame costs bandwidth. Home/End/PgUp/PgDn land at once.
    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False, x_axis=False)

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    # ---------------------------------------------------------------- linked rows and the line cursor
    def set_linked(self, rows, *, scroll: bool = True) -> None:
        """Tint `rows` (the lines that came from the editor's line); scroll the first into view."""
        rows = frozenset(r for r in rows if 0 <= r < len(self._lines))
        if rows == self.linked:
            return
        self.linked = rows
        self._cache.clear()
        if scroll and rows:
            first = min(rows)
            self.scroll_to_row(first)
            self.call_after_refresh(self.scroll_to_row, first)  # once a new text's size is known
        self.refresh()

    def scroll_to_row(self, row: int) -> None:
        height = max(self.scrollable_content_region.height, 1)
        if not (self.scroll_y <= row < self.scroll_y + height):
            self.scroll_to(None, max(row - height // 3, 0), animate=False)

    def move_cursor(self, row: int) -> None:
        if not self._lines:
            return
        row = max(0, min(row, len(self._lines) - 1))
        if row == self.cursor_row:
            return
        self.cursor_row = row
        self._cache.clear()
        height = max(self.scrollable_content_region.height, 1)
        if row < self.scroll_y:
            self.scroll_to(None, row, animate=False)
        elif row >= self.scroll_y + height:
            self.scroll_to(None, row - height + 1, animate=False)
        self.refresh()

    # ---------------------------------------------------------------- search
    def search(self, query: str, *, jump: bool = True) -> int:
        """Find every case-insensitive occurrence of `query`; returns the count."""
        self.query_text = query
        self.matches = []
        self._match_lines = {}
        self.current = -1
        if query:
            q = query.lower()
            n = len(q)
            for i, line in enumerate(self._lines):
                low = line.lower()
                start = low.find(q)
                while start != -1:
                    self.matches.append((i, start))
                    self._match_lines.setdefault(i, []).append(start)
                    start = low.find(q, start + max(n, 1))
        self._cache.clear()
        if jump and self.matches:
            top = int(self.scroll_y)
            self.current = next((k for k, (ln, _) in enumerate(self.matches) if ln >= top), 0)
            self._show_current()
        self.refresh()
        return len(self.matches)

    def step_match(self, delta: int) -> tuple[int, int] | None:
        """Move to the next (+1) / previous (-1) match, wrapping; returns (1-based index, count)."""
        if not self.matches:
            return None
        self.current = (self.current + delta) % len(self.matches) if self.current >= 0 else (
            0 if delta > 0 else len(self.matches) - 1)
        self._cache.clear()
        self._show_current()
        self.refresh()
        return self.current + 1, len(self.matches)

    def _show_current(self) -> None:
        line, col = self.matches[self.current]
        height = max(self.scrollable_content_region.height, 1)
        width = max(self.scrollable_content_region.width, 1)
        y = self.scroll_y
        if not (y <= line < y + height):
            y = max(line - height // 3, 0)
        x = self.scroll_x
        end = col + len(self.query_text)
        if not (x <= col and end <= x + width):
            x = max(end - width + 2, 0) if end > width else 0
        self.scroll_to(x, y, animate=False)

    # ---------------------------------------------------------------- rendering
    def _styles_for_theme(self) -> None:
        dark = self.app.current_theme.dark
        key = (dark, self.language)
        if key == self._theme_key:
            return
        self._theme_key = key
        self._token_styles = {}
        self._theme = PygmentsSyntaxTheme(DARK_STYLE if dark else LIGHT_STYLE)
        self._cache.clear()

    def _token_style(self, ttype) -> Style:
        style = self._token_styles.get(ttype)
        if style is None:
            if ttype in Token.Error:  # one line out of context often confuses a lexer: keep it plain
                ttype = Token.Text
            s = self._theme.get_style_for_token(ttype)
            style = Style(color=s.color, bold=s.bold, italic=s.italic, underline=s.underline)
            self._token_styles[ttype] = style
        return style

    def _line_strip(self, index: int) -> Strip:
        strip = self._cache.get(index)
        if strip is not None:
            self._cache.move_to_end(index)
            return strip
        line = self._lines[index]
        tag = self._tags[index] if self._tags is not None and index < len(self._tags) else None
        text = Text(no_wrap=True, end="")
        if tag in ("added", "removed", "same"):  # a diff line: highlight the code after the marker
            mark = self.get_component_rich_style(f"codeview--{tag}", partial=True) if tag != "same" else ""
            text.append(line[:1], mark)
            self._append_code(text, line[1:])
            if tag != "same":
                text.stylize(Style(bgcolor=mark.bgcolor), 1, len(line))
        elif tag:
            text.append(line, self.get_component_rich_style(f"codeview--{tag}", partial=True))
        else:
            self._append_code(text, line)
        starts = self._match_lines.get(index)
        if starts:
            n = len(self.query_text)
            cur = self.matches[self.current] if self.current >= 0 else None
            for s in starts:
                cls = "codeview--current" if cur == (index, s) else "codeview--match"
                text.stylize(self.get_component_rich_style(cls, partial=True), s, s + n)
        if (index == self.cursor_row and self.has_focus) or index in self.linked:  # the tint spans the view, not only the text
            text.append(" " * max(self.virtual_size.width - text.cell_len, 0))
        if index == self.cursor_row and self.has_focus:
            text.stylize(self.get_component_rich_style("codeview--cursor", partial=True))
        elif index in self.linked:
            text.stylize(self.get_component_rich_style("codeview--linked", partial=True))
        strip = Strip(text.render(self.app.console))
        self._cache[index] = strip
        if len(self._cache) > _CACHE_LINES:
            self._cache.popitem(last=False)
        return strip

    def _append_code(self, text: Text, line: str) -> None:
        if self._lex is not None and line:
            for ttype, value in self._lex.get_tokens(line):
                if ttype is Token.Text and value == "\n":
                    continue
                text.append(value.rstrip("\n"), self._token_style(ttype))
        else:
            text.append(line)

    def render_line(self, y: int) -> Strip:
        self._styles_for_theme()
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, base)
        strip = self._line_strip(index).crop_extend(scroll_x, scroll_x + width, None)
        return strip.apply_style(base)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()
