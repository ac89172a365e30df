"""`numba-lab` entry point. Sub-command handlers are imported lazily so the TUI starts fast and
`numba-lab check` never loads Textual."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from lab import __version__

# sub-command -> "module:function"; each handler takes the parsed argparse.Namespace, returns an exit code
HANDLERS = {
    "tui": "lab.ui.launch:main",
    "run": "lab.engine.headless:main",
    "check": "lab.check:main",
    "schema": "lab.lessons:schema_main",
    "doctor": "lab.doctor:main",
    "serve": "lab.serve:main",
    "new-lesson": "lab.new_lesson:main",
    "progress": "lab.progress_cmd:main",
    "class": "lab.class_cmd:main",
}


def _add_lesson_dirs(p: argparse.ArgumentParser, sub: bool = False) -> None:
    # on a sub-command, SUPPRESS keeps `numba-lab --lessons X serve` from being reset to [] by the sub-parser
    p.add_argument(
        "--lessons",
        metavar="DIR",
        action="append",
        type=Path,
        default=argparse.SUPPRESS if sub else [],
        help="extra lesson folder (repeatable; also $NUMBA_LAB_LESSONS, colon-separated)",
    )
    p.add_argument(
        "--no-builtin",
        action="store_true",
        default=argparse.SUPPRESS if sub else False,
        help="use only the --lessons folders, not the built-in curriculum",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="numba-lab",
        description="A terminal learning lab for Numba. With no command, starts the lab.",
    )
    parser.add_argument("--version", action="version", version=f"numba-lab {__version__}")
    _add_lesson_dirs(parser)
    parser.add_argument("--present", nargs="?", const="", metavar="FILE",
                        help="presenter mode: publish the current lesson/step to FILE for --follow")
    parser.add_argument("--follow", nargs="?", const="", metavar="FILE",
                        help="follow a presenter's FILE (default: the presenter file of $NUMBA_LAB_PRESENTER)")
    parser.add_argument("--class", dest="class_dir", default=None, metavar="DIR",
                        help="join a class: write your lesson/step and attempts to DIR for the instructor's "
                             "`numba-lab class DIR` (also $NUMBA_LAB_CLASS)")
    parser.add_argument("--theme", choices=["dark", "light"], default=None,
                        help="colour theme (light suits projectors)")
    parser.add_argument("--cuda", choices=["auto", "sim", "off"], default="auto",
                        help="CUDA: real device if present (auto), always the simulator, or off")
    parser.add_argument("--timeout", type=_seconds, default=None, metavar="SECONDS",
                        help="wall-clock limit for each run of your code (default: the step's, else 10 s)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("run", help="run a kernel file through the engine and print its events")
    p.add_argument("file", type=Path)
    p.add_argument("--entry", required=True, help="function/kernel name to inspect")
    p.add_argument("--kind", default="jit", choices=["jit", "vectorize", "guvectorize", "cuda"])
    p.add_argument("--target", default=None, choices=["cpu", "parallel", "cuda"],
                   help="as the target row: parallel sets parallel=True (default: what the decorator implies)")
    p.add_argument("--options", default=None,
                   help="comma list applied to the decorator: e.g. 'parallel,fastmath,nogil,signature=f8(f8[:])'")
    p.add_argument("--call", action="append", default=[], help="expression/statement to run (repeatable)")
    p.add_argument("--setup", default="", help="harness code run before the calls")
    p.add_argument("--time", dest="time_call", default=None, help="expression to time against Python")
    p.add_argument("--sizes", default="", help="comma list of n for a scaling series (with --time-setup)")
    p.add_argument("--time-setup", default="", help="code run per size, with n bound")
    p.add_argument("--views", default="llvm,asm,types,parallel,ptx")
    p.add_argument("--full", action="store_true", help="print whole IR modules, not the filtered view")
    p.add_argument("--timeout", type=float, default=10.0)
    p.add_argument("--memory-mb", type=int, default=2048)
    p.add_argument("--cuda", choices=["auto", "sim", "off"], default="auto")
    p.add_argument("--json", action="store_true", help="print one JSON event per line")

    p = sub.add_parser("check", help="validate lesson files and prove every step through the engine")
    p.add_argument("dirs", nargs="*", type=Path, help="lesson folders or files (default: built-in)")
    p.add_argument("--validate-only", action="store_true", help="only load and validate, run nothing")
    p.add_argument("--lesson", action="append", default=[], help="only these lesson ids")
    p.add_argument("--only", action="append", default=[], metavar="LESSON[/STEP]",
                   help="only this lesson or step (repeatable)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only failures, warnings and the summary")
    p.add_argument("--no-speed", action="store_true", help="skip speed-up claims (noisy machines)")
    p.add_argument("--cuda", choices=["auto", "sim", "off"], default="auto")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("schema", help="print the lesson JSON Schema (for yaml-language-server)")
    p.add_argument("-o", "--output", type=Path, default=None, help="write the schema to FILE instead of stdout")

    p = sub.add_parser("doctor", help="check this machine: versions, CPU, CUDA, terminal, state dirs")
    p.add_argument("--json", action="store_true")
    p.add_argument("--cuda", choices=["auto", "sim", "off"], default=argparse.SUPPRESS)  # global --cuda applies too

    p = sub.add_parser("serve", help="serve the lab in a browser via textual-serve (token; localhost or a socket)")
    p.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to bind (with --socket: the laptop's tunnel port)")
    p.add_argument("--socket", nargs="?", const="", default=None, metavar="PATH",
                   help="listen on a Unix socket (mode 600) instead of TCP; default PATH: serve.sock in the cache folder")
    p.add_argument("--token", default=None,
                   help="use this token instead of a new random one (prefer $NUMBA_LAB_SERVE_TOKEN: ps shows arguments)")
    p.add_argument("--allow-remote", action="store_true",
                   help="required to bind a non-loopback address (token only, plain HTTP: see the warning)")
    p.add_argument("--public-url", default=None)
    p.add_argument("--base-path", default=None, metavar="PATH",
                   help="behind a proxy that strips a path prefix (e.g. /user/NAME/numba-lab/): the page's URLs use it")
    p.add_argument("--proxied", action="store_true",
                   help="run under jupyter-server-proxy (set by the numba-lab entry point, lab.hub): socket only, "
                        "token from the environment, added by the proxy")
    _add_lesson_dirs(p, sub=True)

    p = sub.add_parser("new-lesson", help="write a commented starter lesson that passes `numba-lab check`")
    p.add_argument("name")
    p.add_argument("--dir", type=Path, default=Path("."))
    p.add_argument("--force", action="store_true")

    p = sub.add_parser("progress", help="print completed steps and attempts")
    p.add_argument("--json", action="store_true")
    _add_lesson_dirs(p, sub=True)

    p = sub.add_parser("class", help="the live class view of a class folder (or `class init DIR` to make one)")
    p.add_argument("target", metavar="DIR", help="the class folder, or `init` followed by the folder to make")
    p.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    p.add_argument("--group", default=None, help="with init: the learners' group (folder mode 3770, else 1733)")
    p.add_argument("--json", action="store_true", help="print the table once as JSON and exit")
    p.add_argument("--csv", action="store_true", help="print the table once as CSV and exit")
    p.add_argument("--stuck-after", type=float, default=5.0, metavar="MIN",
                   help="minutes on one step without passing it before a learner counts as stuck (default 5)")
    return parser


def lesson_dirs(args: argparse.Namespace) -> list[Path]:
    """Folders to load lessons from: built-in (unless --no-builtin), $NUMBA_LAB_LESSONS, --lessons."""
    from lab.paths import builtin_lessons_dir

    dirs: list[Path] = []
    if not getattr(args, "no_builtin", False):
        dirs.append(builtin_lessons_dir())
    env = os.environ.get("NUMBA_LAB_LESSONS", "")
    dirs += [Path(p).expanduser() for p in env.split(os.pathsep) if p]
    dirs += list(getattr(args, "lessons", []) or [])
    return dirs


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 1 <= value <= 600:
        raise argparse.ArgumentTypeError(f"{text} s is outside 1..600 seconds")
    return value


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "tui"
    module_name, func_name = HANDLERS[command].split(":")
    handler = getattr(importlib.import_module(module_name), func_name)
    from lab.paths import StateDirError

    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except StateDirError as exc:  # e.g. NUMBA_LAB_HOME on a read-only file system: one line, no traceback
        print(f"numba-lab: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `numba-lab run ... | head`: the reader left; that is not an error of ours
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError:
            pass
        return 141


if __name__ == "__main__":
    sys.exit(main())
