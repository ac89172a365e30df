"""Parent side: answers for source + options pairs already run in this session.

A job's events are kept under a key made of everything that decides them (source, entry, kind,
options, target, setup, calls, views, timing, checks, limits, work file), the Numba version and the
CPU/CUDA mode, so returning to a pair already compiled replays its events at once instead of
compiling again. Only runs the worker finished by itself are kept: a learner error is kept (the
same input gives the same error), a timeout, a crash, a kill, a superseded run or an engine fault is
not. Code that uses Numba's own disk cache (cache=True) is never answered from here: running it
again is how a learner sees the disk cache load. Bounded: at most MAX_ENTRIES entries and MAX_BYTES of event text, least recently used out first.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections import OrderedDict

MAX_ENTRIES = 64
MAX_BYTES = 32 * 1024 * 1024  # of event JSON; the idle lab's RSS budget is 150 MB


_DISK_CACHE = re.compile(r"\bcache\s*=\s*(True|1)\b")


def wanted(job) -> bool:
    """False for jobs whose point may be a second run (Numba's disk cache, cache=True)."""
    if getattr(job.options, "cache", False):
        return False
    return not _DISK_CACHE.search(job.source or "") and not _DISK_CACHE.search(job.setup or "")


def job_key(job, numba_version: str | None, mode: str | None) -> str:
    fields = job.to_json()
    fields.pop("id", None)
    blob = json.dumps({"job": fields, "numba": numba_version, "mode": mode}, sort_keys=True, default=repr)
    return hashlib.sha256(blob.encode()).hexdigest()


def cacheable(events: list[dict]) -> bool:
    """A run the worker finished by itself, with nothing left behind that makes it a one-off."""
    if not events or events[-1].get("type") != "done":
        return False
    done = events[-1]
    return done.get("cause") is None and not done.get("retire") and "pid" in next(
        (e for e in events if e.get("type") == "started"), {})


class ResultCache:
    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[str, tuple[list[dict], int]] = OrderedDict()
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> list[dict] | None:
        hit = self._entries.get(key)
        if hit is None:
            return None
        self._entries.move_to_end(key)
        return copy.deepcopy(hit[0])

    def put(self, key: str, events: list[dict]) -> None:
        if not cacheable(events):
            return
        size = sum(len(json.dumps(e, default=repr)) for e in events)
        if size > self.max_bytes:
            return
        self.discard(key)
        self._entries[key] = (copy.deepcopy(events), size)
        self.bytes += size
        while len(self._entries) > self.max_entries or self.bytes > self.max_bytes:
            _, (_, old) = self._entries.popitem(last=False)
            self.bytes -= old

    def discard(self, key: str) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= old[1]

    def clear(self) -> None:
        self._entries.clear()
        self.bytes = 0


def replay(events: list[dict], job_id: str, now: float) -> list[dict]:
    """The kept events as answers to job `job_id`, each marked cached (from an earlier run)."""
    out = []
    for e in events:
        e = dict(e)
        e["job"] = job_id
        e["cached"] = True
        e["t"] = round(now, 6)
        if e.get("type") == "done":
            e["original_elapsed_ms"] = e.get("elapsed_ms")
        out.append(e)
    return out
