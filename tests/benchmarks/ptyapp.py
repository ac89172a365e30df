"""Run the real `numba-lab` TUI in a pseudo-terminal, as a learner's terminal would, and watch it."""

from __future__ import annotations

import fcntl
import os
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78MDEc]")


class PtyApp:
    def __init__(self, home: Path, *, cols: int = 120, rows: int = 36, args: list[str] | None = None):
        self.home = home
        self.cols, self.rows = cols, rows
        self.args = args or []
        self.raw = bytearray()
        self.lock = threading.Lock()
        self.started_at = 0.0
        self.proc: subprocess.Popen | None = None

    def start(self) -> "PtyApp":
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))
        env = {**os.environ, "NUMBA_LAB_HOME": str(self.home), "TERM": "xterm-256color",
               "COLUMNS": str(self.cols), "LINES": str(self.rows)}
        exe = Path(sys.executable).with_name("numba-lab")
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "lab"]
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(cmd + self.args, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.master = master
        threading.Thread(target=self._drain, daemon=True).start()
        return self

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self.lock:
                self.raw += chunk

    def text(self) -> str:
        with self.lock:
            data = bytes(self.raw)
        return ANSI.sub(b"", data).decode("utf-8", "replace")

    def wait_for(self, pattern: str, timeout: float = 30.0) -> float | None:
        """Seconds from process start until `pattern` (regex) appears on screen; None on timeout."""
        rx = re.compile(pattern)
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if rx.search(self.text()):
                return time.perf_counter() - self.started_at
            time.sleep(0.01)
        return None

    def seconds(self) -> float:
        """Seconds since the process started (the clock wait_for() answers in)."""
        return time.perf_counter() - self.started_at

    def send(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def tree_rss_cpu(self, seconds: float) -> tuple[float, float]:
        """(RSS MiB of the app and its workers, CPU % of one core over `seconds`)."""
        import psutil

        root = psutil.Process(self.proc.pid)
        procs = [root] + root.children(recursive=True)
        before = {p.pid: sum(p.cpu_times()[:2]) for p in procs}
        time.sleep(seconds)
        cpu = 0.0
        rss = 0
        for p in procs:
            try:
                cpu += sum(p.cpu_times()[:2]) - before[p.pid]
                rss += p.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return rss / 2**20, cpu / seconds * 100

    def kill(self) -> None:
        """SIGKILL the app's process group: no chance to save anything on the way out."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(10)
        os.close(self.master)

    def close(self) -> None:
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.proc.pid, signal.SIGKILL)
        try:
            os.close(self.master)
        except OSError:
            pass
