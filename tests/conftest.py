"""Shared fixtures: every test gets its own per-user state folder, so no real user state is touched."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_lab_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("lab-home")
    monkeypatch.setenv("NUMBA_LAB_HOME", str(home))
    monkeypatch.delenv("NUMBA_LAB_LESSONS", raising=False)
    from lab import notices

    notices.reset()  # each test is a new session: nothing told yet
    yield home
    notices.reset()


def pytest_addoption(parser):
    parser.addoption("--walk-lessons", default=None,
                     help="lesson folder for tests/ui/test_curriculum_walk.py (default: the built-in lessons)")


def pytest_configure(config):
    import os

    folder = config.getoption("--walk-lessons", default=None)
    if folder:
        os.environ["NUMBA_LAB_WALK_LESSONS"] = folder
