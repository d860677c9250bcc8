"""The API contract in the repository is the one `make openapi` writes from the import schema."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_contract_is_current():
    spec = importlib.util.spec_from_file_location(
        "build_openapi", ROOT / "scripts/build_openapi.py"
    )
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    committed = (ROOT / "schemas" / "openapi.json").read_text(encoding="utf-8")
    assert committed == build.render(), "run `make openapi` and commit schemas/openapi.json"
