"""The code stays one a newcomer can carry on (issue 24): no function grows past a cyclomatic
complexity of 20 (radon), so each can be read and tested as one thing."""

from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parents[2]
MOST = 20


def _functions(source: str):
    for block in cc_visit(source):
        yield block
        yield from getattr(block, "methods", [])
        yield from getattr(block, "closures", [])


def test_no_function_is_more_complex_than_20():
    found = [
        f"{path.relative_to(ROOT)}:{block.lineno} {block.name} ({block.complexity})"
        for path in sorted([*ROOT.glob("portal/**/*.py"), *ROOT.glob("scripts/*.py")])
        for block in _functions(path.read_text(encoding="utf-8"))
        if block.complexity > MOST
    ]
    assert not found, "break these into named steps: " + "; ".join(found)
