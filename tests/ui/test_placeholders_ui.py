"""Step text placeholders ({{cpu}}, {{vector_type}}, ...) in the app: a neutral note until the step's
run reports the facts, then the values that run saw, as plain text (lab/placeholders.py)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Markdown

from lab.placeholders import NOT_SEEN, PENDING
from ui_support import app_for, open_step, wait_until

LESSON = """\
id: facts
title: Facts
order: 1
steps:
  - id: axpy
    title: Machine facts
    kind: jit
    text: |
      LLVM calls this CPU `{{cpu}}`; widest vector `{{vector_type}}`; Numba {{numba_version}};
      speed-up {{speedup}}.
    code: |
      import numpy as np
      from numba import jit


      @jit
      def axpy(a, b, out):
          for i in range(a.shape[0]):
              out[i] = 2.5 * a[i] + b[i]
    entry: axpy
    setup: |
      a = np.arange(64.0)
      b = np.ones(64)
      out = np.empty(64)
    calls: ["axpy(a, b, out)"]
    views: [llvm, types]
"""


async def test_placeholders_show_a_neutral_note_until_a_run(tmp_path: Path):
    (tmp_path / "facts.yaml").write_text(LESSON, encoding="utf-8")
    app = app_for(lesson_dirs=[tmp_path], engine=False)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_step(pilot, "facts", 0)
        source = screen.query_one("#step-markdown", Markdown).source
        assert f"LLVM calls this CPU `{PENDING}`" in source and "{{" not in source


async def test_placeholders_fill_from_the_run(tmp_path: Path):
    (tmp_path / "facts.yaml").write_text(LESSON, encoding="utf-8")
    app = app_for(lesson_dirs=[tmp_path])
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_step(pilot, "facts", 0)
        md = screen.query_one("#step-markdown", Markdown)
        await wait_until(pilot, lambda: PENDING not in md.source, 120, "the run's facts in the step text")
        text = md.source
        assert "{{" not in text and "`<" in text and " x double>`" in text  # whatever width this CPU has
        cpu = text.split("LLVM calls this CPU `")[1].split("`")[0]
        assert cpu and cpu != NOT_SEEN
        assert "speed-up \\(not in this run\\)" in text  # no timing in this step: said so, escaped
