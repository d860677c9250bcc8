"""Write schemas/openapi.json: the API's contract (OpenAPI 3.1), with the case-import batch taken
from schemas/case-import.schema.json (its single source) and the rest from schemas/api.json.

Run by `make openapi`; tests/unit/test_openapi.py fails when the committed file is not what this
script writes, so the contract cannot drift from the import schema.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BATCH = ROOT / "schemas" / "case-import.schema.json"
API = ROOT / "schemas" / "api.json"
OUT = ROOT / "schemas" / "openapi.json"


def _rewrite_refs(node, prefix: str):
    if isinstance(node, dict):
        return {
            key: (
                value.replace("#/$defs/", f"#/components/schemas/{prefix}")
                if key == "$ref" and isinstance(value, str)
                else _rewrite_refs(value, prefix)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(item, prefix) for item in node]
    return node


def build() -> dict:
    batch = json.loads(BATCH.read_text(encoding="utf-8"))
    document = json.loads(API.read_text(encoding="utf-8"))
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in batch["$defs"].items():
        schemas[f"Batch_{name}"] = _rewrite_refs(definition, "Batch_")
    top = {k: v for k, v in batch.items() if k not in ("$schema", "$id", "$defs")}
    schemas["CaseBatch"] = _rewrite_refs(top, "Batch_")
    return document


def render() -> str:
    return json.dumps(build(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}", file=sys.stderr)
