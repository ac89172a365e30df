"""Helpers for the instructor tests: run `numba-lab` as a real subprocess, as a simulated user."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILTIN = ROOT / "lessons"


def user_env(base: Path, name: str, *, xdg: bool = True, **extra: str) -> dict:
    """A learner's environment: own HOME (and XDG_* dirs when xdg), NUMBA_LAB_HOME unset."""
    home = base / name / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("XDG_") and k not in ("NUMBA_LAB_HOME", "NUMBA_LAB_LESSONS", "NUMBA_CACHE_DIR",
                                                     "NUMBA_ENABLE_CUDASIM", "NUMBA_LAB_PRESENTER")}
    env["HOME"] = str(home)
    env["USER"] = env["LOGNAME"] = name
    if xdg:
        for key, sub in (("XDG_DATA_HOME", "xdg-data"), ("XDG_CACHE_HOME", "xdg-cache"),
                         ("XDG_CONFIG_HOME", "xdg-config"), ("XDG_STATE_HOME", "xdg-state")):
            env[key] = str(base / name / sub)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra)
    return env


def lab_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "lab", *args]


def run_lab(*args: str, env: dict | None = None, timeout: float = 180, cwd: Path | None = None):
    return subprocess.run(lab_argv(*args), env=env, capture_output=True, text=True, timeout=timeout,
                          cwd=str(cwd or ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree(root: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every path under root -> (mode, mtime_ns, content) for a before/after comparison."""
    out = {}
    for p in sorted(root.rglob("*")):
        st = p.lstat()
        out[str(p.relative_to(root))] = (st.st_mode, st.st_mtime_ns, p.read_bytes() if p.is_file() else b"")
    return out


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
