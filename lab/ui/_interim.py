"""INTERIM: used only while lab/lessons.py and lab/step_job.py have not landed (ImportError).

A minimal YAML reader and Job builder following docs/contracts.md, so the UI can be built and tested
against real lesson files meanwhile. Remove once the real modules exist.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from lab.engine.protocol import Job, Timing

_STEP_DEFAULTS = dict(text="", kind="jit", code="", entry="", setup="", calls=[], views=None, lock={},
                      targets=["cpu"], timing=None, expect_error=None, checks=[], hints=[], solution=None)


def load_lessons(dirs):
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")
    lessons, errors = [], []
    for d in dirs:
        d = Path(d)
        files = [d] if d.is_file() else sorted(d.glob("*.yaml"))
        for f in files:
            try:
                raw = yaml.load(f.read_text(encoding="utf-8"))
                steps = [SimpleNamespace(**{**_STEP_DEFAULTS, **s}) for s in raw.get("steps", [])]
                lessons.append(SimpleNamespace(id=raw["id"], title=raw["title"], summary=raw.get("summary", ""),
                                               order=raw.get("order", 0), steps=steps, path=f))
            except Exception as exc:
                errors.append(f"{f}: {exc}")
    return lessons, errors


def step_job(lesson, step, source, *, target="cpu", checks=False):
    timing = Timing(**step.timing) if step.timing else None
    kwargs = {}
    if step.views:
        kwargs["views"] = list(step.views)
    return Job(source=source, entry=step.entry, kind=step.kind, target=target, setup=step.setup or "",
               calls=list(step.calls or []), timing=timing, checks=list(step.checks or []) if checks else [],
               expect_error=step.expect_error, workfile=f"{lesson.id}/{step.id}", **kwargs)
