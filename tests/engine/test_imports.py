"""The UI imports the engine's parent side: it must not pull in numba (slow) or textual."""

from __future__ import annotations

import subprocess
import sys


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
                         capture_output=True, text=True, check=True, timeout=60)
    return set(out.stdout.split())


def test_parent_side_never_imports_numba_or_textual():
    mods = _modules_after("import lab.engine.runner, lab.options, lab.engine.irtext, lab.engine.protocol, "
                          "lab.engine.headless")
    assert "numba" not in mods and "llvmlite" not in mods
    assert "textual" not in mods


def test_whole_engine_package_never_imports_textual():
    mods = _modules_after("import lab.engine, lab.engine.worker, lab.engine.views, lab.engine.timing, "
                          "lab.engine.checks, lab.engine.cudaside, lab.engine.limits, lab.engine.capture, "
                          "lab.engine.errors, lab.engine.runner, lab.engine.headless, lab.engine.irtext")
    assert not any(m == "textual" or m.startswith("textual.") for m in mods)
    assert "numba" not in mods  # even the worker module imports numba only when it runs
