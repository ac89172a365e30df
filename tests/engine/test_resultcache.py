"""The session result cache's own rules: bounded (entries and bytes, least recently used out first)
and only runs the worker finished by itself are kept."""

from __future__ import annotations

from lab.engine.resultcache import ResultCache, cacheable


def test_the_cache_is_bounded_least_recently_used_first():
    def run_events(text: str) -> list[dict]:
        return [{"type": "started", "pid": 1}, {"type": "output", "stdout": text},
                {"type": "done", "ok": True, "cause": None, "retire": None}]

    cache = ResultCache(max_entries=2, max_bytes=10_000)
    cache.put("a", run_events("a"))
    cache.put("b", run_events("b"))
    assert cache.get("a") is not None  # a is now the most recent
    cache.put("c", run_events("c"))
    assert cache.get("b") is None and cache.get("a") and cache.get("c") and len(cache) == 2
    cache.put("big", run_events("x" * 20_000))  # over the byte bound: not kept
    assert cache.get("big") is None and cache.bytes <= 10_000
    assert not cacheable(run_events("a")[:-1] + [{"type": "done", "cause": "timeout"}])
    assert not cacheable([{"type": "done", "ok": False, "cause": None}])  # never reached the worker
    assert not cacheable(run_events("t")[:-1] + [{"type": "done", "cause": None, "retire": "threads"}])
