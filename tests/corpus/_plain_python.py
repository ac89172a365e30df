"""Run corpus cases as plain Python and print {name: repr of the last call's result} as JSON.

``python tests/corpus/_plain_python.py NAME...`` with NUMBA_DISABLE_JIT=1 (CPU kernels) or
NUMBA_ENABLE_CUDASIM=1 (CUDA kernels) in the environment: the reference numba-lab is compared with.
The harness is the engine's (module namespace + np, math, numba; setup; calls), nothing more.
"""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

from ruamel.yaml import YAML

HERE = Path(__file__).parent


def cases() -> dict[str, dict]:
    out = {}
    for case in YAML(typ="safe").load((HERE / "manifest.yaml").read_text())["cases"]:
        out[case.get("name", case["file"])] = dict(case)
    return out


def run(case: dict) -> str:
    import numba
    import numpy as np

    path = HERE / f"{case['file']}.py"
    spec = importlib.util.spec_from_file_location(f"plain_{case.get('name', case['file'])}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    ns = dict(vars(module))
    ns.update({"np": np, "math": math, "numba": numba})
    if case.get("setup"):
        exec(case["setup"], ns)
        for name, value in vars(module).items():
            ns.setdefault(name, value)
    if case.get("expected"):  # @stencil does not run under NUMBA_DISABLE_JIT: the value the docs give
        return repr(eval(case["expected"], ns))
    result = None
    for call in case["calls"]:
        try:
            result = repr(eval(compile(call, "<call>", "eval"), ns))
        except SyntaxError:
            exec(compile(call, "<call>", "exec"), ns)
            result = None
    return result


def main(names: list[str]) -> None:
    all_cases = cases()
    out = {}
    for name in names:
        try:
            out[name] = {"result": run(all_cases[name])}
        except Exception as exc:  # noqa: BLE001 - reported to the test
            out[name] = {"error": f"{type(exc).__name__}: {exc}"}
    sys.stdout.flush()
    print("\n@@RESULTS@@" + json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
