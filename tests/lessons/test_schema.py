"""`numba-lab schema`: a well-formed JSON Schema (2020-12) that describes the model."""

from __future__ import annotations

import json
import subprocess
import sys

from lab.lessons import lesson_json_schema

JSON_TYPES = {"object", "array", "string", "number", "integer", "boolean", "null"}


def _walk(node, path="#"):
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from _walk(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}/{i}")


def test_schema_is_well_formed():
    schema = lesson_json_schema()
    assert schema["$schema"].startswith("https://json-schema.org/draft/2020-12")
    assert schema["type"] == "object"
    assert set(schema["required"]) == {"id", "title", "steps"}
    assert schema["additionalProperties"] is False
    defs = schema["$defs"]
    for path, node in _walk(schema):
        ref = node.get("$ref")
        if isinstance(ref, str):
            assert ref.startswith("#/$defs/") and ref.split("/")[-1] in defs, f"{path}: dangling $ref {ref}"
        t = node.get("type")
        if isinstance(t, str) and not path.endswith("/properties"):
            assert t in JSON_TYPES, f"{path}: type {t!r}"
        if node.get("type") == "object" and "properties" in node:
            assert set(node.get("required", [])) <= set(node["properties"]), path
            assert node.get("additionalProperties") is False, f"{path}: unknown keys must be refused"


def test_schema_knows_every_check_kind():
    text = json.dumps(lesson_json_schema())
    for kind in ("equal", "output_contains", "nopython", "parallel_loop", "vectorized", "speedup",
                 "signatures", "raises", "option", "no_error"):
        assert f'"const": "{kind}"' in text or f'"enum": ["{kind}"]' in text, kind


def test_schema_command_prints_and_writes(tmp_path):
    out = subprocess.run([sys.executable, "-m", "lab", "schema"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    assert json.loads(out.stdout) == lesson_json_schema()
    target = tmp_path / "lesson.schema.json"
    out = subprocess.run([sys.executable, "-m", "lab", "schema", "-o", str(target)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0 and json.loads(target.read_text()) == lesson_json_schema()


def test_schema_has_wrong_fixes_with_code_and_why():
    defs = lesson_json_schema()["$defs"]
    prop = defs["Step"]["properties"]["wrong_fixes"]
    assert prop["type"] == "array" and prop["items"]["$ref"] == "#/$defs/WrongFix"
    assert set(defs["WrongFix"]["required"]) == {"code", "why"}
    assert defs["WrongFix"]["additionalProperties"] is False
