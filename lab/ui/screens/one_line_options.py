"""An OptionList whose rows are one line each, for lists of thousands (a class pack of 10,000 lessons).

Textual's OptionList measures every prompt (wrapping it to the width) when options are added, when
its caches are cleared (any resize, any replaced prompt) and for its auto height: about half a
millisecond a row, so seconds for 10,000 rows, each time. The lesson list's rows never wrap (the
title is cut to fit with "…"), so a row is one line and nothing needs measuring. Falls back to
Textual's own code if its internals ever change shape.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets import OptionList


class OneLineOptionList(OptionList):
    def _update_lines(self) -> None:
        try:
            cache = self._line_cache
            lines, index_to_line, heights = cache.lines, cache.index_to_line, cache.heights
            region = self.scrollable_content_region
            gutter = self._get_left_gutter_width()
        except AttributeError:  # another Textual: measure the usual way
            super()._update_lines()
            return
        if not region:
            return
        options = self.options
        for index in range(lines[-1][0] + 1 if lines else 0, len(options)):
            index_to_line[index] = len(lines)
            heights[index] = 1
            lines.append((index, 0))
        virtual_size = Size(region.width - gutter, len(lines))
        if virtual_size != self.virtual_size:
            self.virtual_size = virtual_size
            self._scroll_update(virtual_size)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.option_count
