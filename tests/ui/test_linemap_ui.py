"""Source line <-> IR/asm lines in the real app with a real job, at 80x24, keyboard only."""

from __future__ import annotations

from textual.widgets import Static

from ui_support import app_for, open_step, wait_until


def _has_lines(screen) -> bool:
    panel = screen.results
    return (panel.job_id == screen.job_id and panel.state == "done"
            and all(panel.pane(t).linemap is not None for t in ("llvm", "asm")))


async def test_editor_line_tints_ir_and_ir_cursor_tints_editor_line():
    app = app_for()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "alpha", 1)  # add(x, y): views llvm, asm
        await wait_until(pilot, lambda: _has_lines(screen), 180, "the job and its line map")
        if screen.has_class("-show-text"):
            await pilot.press("f2")  # narrow: the editor and results replace the lesson text
        panel = screen.results
        editor = screen.editor
        row = editor.text.splitlines().index("    return x + y")
        line = row + 1

        # the editor's cursor on the return line: the IR/asm lines from it are tinted, all of them its own
        editor.focus()
        editor.cursor_location = (row, 4)
        await pilot.pause()
        for tab in ("llvm", "asm"):
            pane = panel.pane(tab)
            rows = pane.linked_rows
            assert rows, tab
            assert all(pane.rows[r] == line for r in rows), tab
            assert any(pane.rows[r] == line for r in range(len(pane.rows)))
        llvm = panel.pane("llvm")
        assert any(" add " in llvm.view.lines[r] for r in llvm.linked_rows)  # the addition itself
        assert "lines: exact" in str(llvm.query_one(".ir-mode", Static).content)

        # another line: the tint follows; a line with no code: nothing tinted
        editor.cursor_location = (0, 0)  # "from numba import jit"
        await pilot.pause()
        assert panel.pane("llvm").linked_rows == []

        # the IR pane's line cursor (keyboard only): its source line is tinted in the editor,
        # and the learner's cursor does not move
        panel.show_tab("llvm")
        panel.focus()
        await pilot.pause()
        assert app.focused is llvm.view
        target = next(i for i, n in enumerate(llvm.rows) if n == line)
        for _ in range(target - (llvm.view.cursor_row or 0)):
            await pilot.press("down")
        await pilot.pause()
        assert llvm.view.cursor_row == target
        assert editor.linked_row == row
        assert editor.cursor_location == (0, 0)
        await pilot.press("up")
        await pilot.pause()
        assert editor.linked_row == (None if llvm.rows[target - 1] is None else llvm.rows[target - 1] - 1)

        # l: the source line as a comment above each block; the rows still map to their lines
        await pilot.press("l")
        await pilot.pause()
        text = llvm.view.lines
        comment = next(i for i, t in enumerate(text) if t.strip().startswith(f"; {line}:"))
        assert "return x + y" in text[comment]
        assert llvm.rows[comment] == line and llvm.rows[comment + 1] == line
        assert len(llvm.rows) == len(text)
        await pilot.press("l")
        await pilot.pause()
        assert not any(t.strip().startswith(f"; {line}:") for t in llvm.view.lines)
