"""`numba-lab new-lesson NAME [--dir DIR]`: write a commented starter lesson that passes `numba-lab check`.

The starter has one of each kind of step an author needs: a read step, a jit step (with calls, views
and a timing), and an exercise (checks, hints, solution, wrong_fixes). It never overwrites a file (unless --force).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

TEMPLATE = '''\
# A numba-lab lesson (YAML). Every key is described in docs/contracts.md ("Lesson YAML").
#
#   prove every step works:   numba-lab check {dir}
#   try it in the lab:        numba-lab --lessons {dir}
#   editor completion:        numba-lab schema > lesson.schema.json, then put this first line in the file:
#                             # yaml-language-server: $schema=lesson.schema.json
#
# A folder of such files is a lesson pack: `numba-lab --lessons DIR` (or NUMBA_LAB_LESSONS=DIR1:DIR2)
# shows it beside the built-in lessons; add --no-builtin to show only yours.

id: {id}                  # unique across all loaded lessons; lower case, digits and '-'
title: {title}
summary: >-
  One or two sentences for the lesson list: what the learner will see and do.
order: 100                # sort key in the lesson list (the built-in curriculum uses 1-12)

steps:
  # 1. A read step: text only, no editor. Markdown.
  - id: intro
    title: What this lesson is about
    kind: read
    text: |
      ## Why this matters

      Say what the learner will see, in a few short paragraphs. Markdown works:
      `code`, **bold**, lists, and fenced code blocks.

  # 2. A jit step: the learner edits `code` (a real .py file); every edit re-runs `calls` in a
  #    separate worker and fills the Output / LLVM IR / asm / Types / Timings panes.
  - id: first-kernel
    title: A loop that Numba compiles
    kind: jit               # jit | vectorize | guvectorize | cuda | read
    text: |
      `sum_squares` is a plain loop with `@jit` on top. The first call compiles it for the
      argument types (`float64[::1]` here); look at the **Types** pane to see them.

      Never write this machine's facts into the text: placeholders show what the run saw.
      Compiled in {{{{compile_ms}}}} ms for a CPU LLVM calls `{{{{cpu}}}}`; {{{{speedup}}}} faster than Python.
    code: |
      import numpy as np
      from numba import jit


      @jit
      def sum_squares(a):
          total = 0.0
          for x in a:
              total += x * x
          return total
    entry: sum_squares      # the function the views are about (must be defined in code)
    setup: |                # harness code, run after the learner's file is imported (np, math, numba are there)
      a = np.arange(1000, dtype=np.float64)
    calls:                  # expressions (their repr is shown) or statements, run in order
      - sum_squares(a)
      - sum_squares.signatures
    views: [llvm, asm, types]
    lock:                   # options the learner may not toggle in this step, and why
      parallel: This step is about the serial loop; parallel=True comes later.
    timing: {{call: "sum_squares(a)", baseline: true}}   # compiled vs pure Python (py_func)

  # 3. An exercise: a step with `checks`. The starter may fail them; `solution` must pass them
  #    (numba-lab check runs it to prove that). Hints are revealed one at a time. `wrong_fixes`
  #    lists likely wrong answers: numba-lab check fails the step if one of them passes the checks.
  - id: count-positive
    title: "Exercise: count the positive numbers"
    kind: jit
    text: |
      Make `count_positive(a)` return how many elements of `a` are greater than zero,
      in nopython mode.
    code: |
      from numba import jit


      @jit
      def count_positive(a):
          # TODO: count the elements greater than zero
          return 0
    entry: count_positive
    setup: |
      a = np.array([1.0, -2.0, 3.0, 0.0, 5.0])
    calls: ["count_positive(a)"]
    checks:
      - {{kind: equal, expr: "count_positive(a)", expected: "3", message: "three of the five numbers are > 0"}}
      - {{kind: equal, expr: "count_positive(np.zeros(4))", expected: "0"}}
      - {{kind: nopython, message: "keep it in nopython mode"}}
    hints:
      - Loop over the array and add 1 to a counter when an element is > 0.
      - "Start the counter at 0: `n = 0`, then `for x in a: if x > 0: n += 1`."
    solution: |
      from numba import jit


      @jit
      def count_positive(a):
          n = 0
          for x in a:
              if x > 0:
                  n += 1
          return n
    wrong_fixes:            # answers a learner might wrongly write; `numba-lab check` proves the checks reject each
      - why: Counting every element instead of only the positive ones.
        code: |
          from numba import jit


          @jit
          def count_positive(a):
              return len(a)
'''


def slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")
    return s


def render(name: str, directory: Path) -> tuple[str, str]:
    """(lesson id, YAML text) for NAME."""
    lesson_id = slug(name)
    if not lesson_id:
        raise ValueError(f"cannot make a lesson id from {name!r}; use letters and digits")
    title = name.strip() if re.search(r"[A-Z ]", name.strip()) else lesson_id.replace("-", " ").capitalize()
    return lesson_id, TEMPLATE.format(id=lesson_id, title=json.dumps(title), dir=str(directory))


def write_lesson(name: str, directory: Path, *, force: bool = False) -> Path:
    """Write DIR/<id>.yaml. FileExistsError if it exists (and not force)."""
    lesson_id, text = render(name, directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{lesson_id}.yaml"
    with open(path, "w" if force else "x", encoding="utf-8") as handle:
        handle.write(text)
    return path


def main(args) -> int:
    directory = Path(getattr(args, "dir", None) or ".")
    try:
        path = write_lesson(args.name, directory, force=getattr(args, "force", False))
    except FileExistsError as exc:
        print(f"numba-lab new-lesson: {exc.filename} already exists; not overwriting it "
              f"(pick another name or --dir, or pass --force)", file=sys.stderr)
        return 1
    except (ValueError, OSError) as exc:
        print(f"numba-lab new-lesson: {exc}", file=sys.stderr)
        return 2
    from lab.lessons import LessonFileError, load_lesson_file

    try:
        load_lesson_file(path)
    except LessonFileError as exc:  # a bug in the template: say so rather than hand out a broken file
        print(f"numba-lab new-lesson: the starter does not validate (please report):\n{exc}", file=sys.stderr)
        return 3
    print(f"wrote {path}")
    print(f"next: edit it, then `numba-lab check {directory}` and `numba-lab --lessons {directory}`")
    return 0
