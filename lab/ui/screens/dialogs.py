"""Modal dialogs: yes/no confirmation, the solution viewer, and the help screen."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Markdown, Static, TextArea

from lab.ui.plain import line
from lab.ui.status.footer import LabFooter


class ConfirmScreen(ModalScreen[bool]):
    """Ask once; y / enter confirms, n / escape cancels. Dismisses with True or False."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "Cancel") -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(line(self.question), classes="question")  # may quote lesson text: never markup
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes} (y)", variant="warning", id="yes")
                yield Button(f"{self.no} (n)", id="no")
        yield LabFooter()  # this dialog's keys, over the lesson screen's (which do nothing here)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class SolutionScreen(ModalScreen[bool]):
    """Show the solution; `a` (or the button) asks to apply it (True), escape closes (False)."""

    BINDINGS = [
        Binding("a", "apply", "Apply to editor"),
        Binding("escape,q", "close", "Close"),
    ]

    def __init__(self, solution: str) -> None:
        super().__init__()
        self.solution = solution

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static("[b]Solution[/b] — applying it replaces your code (undo with ctrl+z)", classes="question")
            yield TextArea.code_editor(self.solution, language="python", read_only=True, id="solution-code")
            with Horizontal(classes="buttons"):
                yield Button("Apply to editor (a)", variant="warning", id="apply")
                yield Button("Close (esc)", id="close")
        yield LabFooter()

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "apply")

    def action_apply(self) -> None:
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)


HELP_TEXT = """\
# numba-lab keys

On narrow terminals the footer shows only the main keys; all the keys below still work.

| key | what it does |
|---|---|
| **F1** or **?** | this help |
| **ctrl+o** | command palette: jump to a lesson or step, toggle an option, run, check… |
| **ctrl+q** | quit (your code is saved as you type) |
| **esc** | close this help or a dialog |

## Lesson list
| key | |
|---|---|
| **↑ ↓** | choose a lesson |
| **enter** | open it where you left off |

## Lesson screen
| key | |
|---|---|
| **ctrl+n / ctrl+p** | next / previous step (crosses into the next / previous lesson) |
| **ctrl+l** (or **esc** outside the editor) | back to the lesson list |
| **F5** or **ctrl+r** | run now (edits and toggles also re-run by themselves) |
| **F8** or **ctrl+t** | check the exercise |
| **ctrl+g** | reveal the next hint |
| **F9** | show the solution (you can apply it) |
| **F10** | reset the step to the starter code |
| **F2** | show / hide the step's text (on small terminals: switch text ⇄ code) |
| **F3 / F4 / ctrl+f** | focus the editor / the options / the results |
| **[ / ]** (in the results) | previous / next results tab |
| **tab / shift+tab** | move between options (in the editor, tab indents; **esc** leaves the editor) |
| **space** | flip the focused option |
| **ctrl+j** | jump to where the instructor is (with --follow) |

## Results (after ctrl+f)
| key | |
|---|---|
| **[ / ]** | previous / next tab |
| **z** | zoom: the results take the height (the editor steps aside); **z** or **F3** gives it back |
| **/**, **n**, **N** | search the pane, next / previous match |
| **f** (IR, Assembly) | filtered to your function ⇄ the whole module |
| **d** (IR, Assembly) | diff against the previous run (what the last option flip changed) |
| **↑ / ↓** (IR, Assembly) | line cursor: its source line is tinted in the editor; the editor's line tints the IR/asm lines it became |
| **l** (IR, Assembly) | write the source line as a comment above each block of code |
| **SIMD** / **≋** on a tab | the IR or assembly uses SIMD vector instructions (≋ on narrow screens) |
| **e** / **g** (Errors) | full error text / go to the error's line in the editor |

## Editor
Ordinary editing keys: ctrl+z / ctrl+y undo/redo, ctrl+x/c/v cut/copy/paste, ctrl+a/ctrl+e line start/end,
ctrl+k delete to end of line, F6 select line, F7 select all. The decorator line above your function and the
option toggles follow each other: edit either one.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,f1,question_mark", "dismiss_help", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide", id="help-body"):
            yield Markdown(HELP_TEXT)
        yield LabFooter()

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
