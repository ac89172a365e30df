"""Worker side: capture the learner's fd 1 and fd 2 (C-level writes included) through pipes,
keeping at most ``cap`` bytes per stream: the head and the tail, with a marker for what was cut."""

from __future__ import annotations

import os
import sys
import threading
import time
import weakref
from collections import deque

THREADS: "weakref.WeakSet[threading.Thread]" = weakref.WeakSet()  # the drain threads: ours, not the learner's
HELD_WAIT_S = 2.0  # at most this long for a pipe a child process still holds open...
QUIET_S = 0.2  # ...and no longer than this once nothing more arrives on it


class HeadTail:
    """Keep the first cap/2 and last cap/2 bytes of a stream and count the rest."""

    def __init__(self, cap: int):
        self.cap = max(int(cap), 64)
        self.head = bytearray()
        self.tail: deque[bytes] = deque()
        self.tail_len = 0
        self.total = 0
        self.lock = threading.Lock()
        self.closed = False  # after close() a late writer's bytes are dropped

    def close(self) -> None:
        with self.lock:
            self.closed = True

    def add(self, data: bytes) -> None:
        with self.lock:
            if not self.closed:
                self._add(data)

    def _add(self, data: bytes) -> None:
        self.total += len(data)
        half = self.cap // 2
        if len(self.head) < half:
            take = half - len(self.head)
            self.head += data[:take]
            data = data[take:]
        if not data:
            return
        self.tail.append(data)
        self.tail_len += len(data)
        while self.tail and self.tail_len - len(self.tail[0]) >= self.cap - half:
            self.tail_len -= len(self.tail.popleft())

    @property
    def truncated(self) -> bool:
        return self.total > len(self.head) + min(self.tail_len, self.cap - len(self.head))

    def text(self) -> str:
        tail = b"".join(self.tail)
        keep_tail = self.cap - len(self.head)
        if len(tail) > keep_tail:
            tail = tail[len(tail) - keep_tail:]
        dropped = self.total - len(self.head) - len(tail)
        head = self.head.decode("utf-8", errors="replace")
        tail_s = tail.decode("utf-8", errors="replace")
        if dropped > 0:
            return f"{head}\n[... {dropped} bytes truncated ...]\n{tail_s}"
        return head + tail_s


def _drain(fd: int, sink: HeadTail) -> None:
    try:
        while True:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            sink.add(chunk)
    except OSError:
        pass
    finally:
        os.close(fd)


class Capture:
    """``with Capture(cap) as c: ...`` then ``c.stdout``, ``c.stderr``, ``c.truncated``."""

    def __init__(self, cap: int):
        self.out = HeadTail(cap)
        self.err = HeadTail(cap)
        self.stdout = self.stderr = ""
        self.truncated = False

    def __enter__(self) -> "Capture":
        _flush()
        self._saved = (os.dup(1), os.dup(2))
        self._threads = []
        for target_fd, sink in ((1, self.out), (2, self.err)):
            r, w = os.pipe()
            os.set_inheritable(r, False)
            os.dup2(w, target_fd)
            os.close(w)
            t = threading.Thread(target=_drain, args=(r, sink), daemon=True, name="lab-capture")
            THREADS.add(t)
            t.start()
            self._threads.append(t)
        return self

    def __exit__(self, *exc) -> None:
        _flush()
        os.dup2(self._saved[0], 1)
        os.dup2(self._saved[1], 2)
        os.close(self._saved[0])
        os.close(self._saved[1])
        _join_drains(self._threads, (self.out, self.err))
        self.out.close()
        self.err.close()
        self.stdout, self.stderr = self.out.text(), self.err.text()
        self.truncated = self.out.truncated or self.err.truncated


def _join_drains(threads: list[threading.Thread], sinks: tuple[HeadTail, ...]) -> None:
    """Wait for EOF on the capture pipes. A child process the code started may still hold them
    open: keep reading while it writes, but stop after QUIET_S of silence (HELD_WAIT_S at most)."""
    start = quiet_since = time.monotonic()
    seen = sum(s.total for s in sinks)
    for t in threads:
        while t.is_alive():
            t.join(0.02)
            now = time.monotonic()
            total = sum(s.total for s in sinks)
            if total != seen:
                seen, quiet_since = total, now
            if now - quiet_since >= QUIET_S or now - start >= HELD_WAIT_S:
                return


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except Exception:
            pass
