"""`numba-lab class ...`: the instructor's commands for a class folder.

    numba-lab class init DIR [--group GROUP]   make the folder learners write their status files to
    numba-lab class DIR                        the live class view (Textual)
    numba-lab class DIR --json | --csv         one snapshot of the same table, printed
"""

from __future__ import annotations

import grp
import json
import os
import stat
import sys
from pathlib import Path

from lab import paths


def init_folder(folder: Path, group: str | None) -> list[str]:
    """Create (or fix) the class folder; the lines saying what was done. With a group: owner and group
    may write, setgid (new files get the class group) and sticky (a learner cannot replace or delete
    another's file), mode 3770. Without: mode 1733, sticky, anyone on the box may drop their file,
    only the owner (the instructor) may list the folder."""
    done = []
    gid = grp.getgrnam(group).gr_gid if group else None  # KeyError before anything is made
    if not folder.exists():
        folder.mkdir(parents=True)
        done.append(f"created {folder}")
    elif not folder.is_dir():
        raise ValueError(f"{folder} exists and is not a folder")
    if gid is not None:
        os.chown(folder, -1, gid)
        mode = 0o3770
        done.append(f"group {group}: its members (the learners and you) may write their files there")
    else:
        mode = 0o1733
        done.append("no --group: any account on this machine may create its own file there; only you can "
                    "list the folder")
    os.chmod(folder, mode)
    done.append(f"mode {stat.filemode(mode | stat.S_IFDIR)} ({mode:o}): sticky, so a learner cannot replace or "
                f"delete another learner's file")
    done.append(f"learners start with: numba-lab --class {folder}   (or NUMBA_LAB_CLASS={folder})")
    done.append(f"you watch with:      numba-lab class {folder}")
    return done


def main(args) -> int:
    target, rest = args.target, list(args.rest or [])
    if target == "init":
        if len(rest) != 1:
            print("usage: numba-lab class init DIR [--group GROUP]", file=sys.stderr)
            return 2
        try:
            lines = init_folder(Path(rest[0]).expanduser(), args.group)
        except KeyError:
            print(f"numba-lab: no group named {args.group!r} on this machine (groupadd it first)", file=sys.stderr)
            return 1
        except (OSError, ValueError) as exc:
            why = paths.why(exc) if isinstance(exc, OSError) else str(exc)
            print(f"numba-lab: cannot prepare the class folder {rest[0]}: {why}", file=sys.stderr)
            return 1
        print("\n".join(lines))
        return 0
    if rest:
        print(f"numba-lab: unexpected {' '.join(rest)!r} (usage: numba-lab class DIR [--json|--csv])", file=sys.stderr)
        return 2
    folder = Path(target).expanduser()
    if not folder.is_dir():
        print(f"numba-lab: {folder} is not a folder (make it with `numba-lab class init {folder}`)", file=sys.stderr)
        return 1
    if args.json or args.csv:
        from lab.class_roster import Roster, to_csv

        roster = Roster(folder, args.stuck_after * 60)
        roster.refresh()
        if roster.error:
            print(f"numba-lab: {roster.error}", file=sys.stderr)
            return 1
        rows = roster.export()
        sys.stdout.write(json.dumps(rows, indent=1) + "\n" if args.json else to_csv(rows))
        return 0
    from lab.ui.screens.class_view import ClassApp

    app = ClassApp(folder, args.stuck_after * 60, getattr(args, "theme", None))
    app.run()
    return int(app.return_code or 0)
