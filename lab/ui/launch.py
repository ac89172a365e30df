"""`numba-lab` (the "tui" command): build the app from the CLI arguments and run it."""

from __future__ import annotations


def main(args) -> int:
    from lab import paths
    from lab.ui.app import make_app, settings_from_args

    paths.data_dir(), paths.work_dir()  # an unwritable new home: one line from lab.cli, before the screen

    app = make_app(settings_from_args(args))
    app.run()
    return int(app.return_code or 0)
