"""The layers of docs/architecture.md §2 hold: rules know nothing of the framework, use cases
nothing of the
web. Read from the source's imports (AST), so a new import that breaks a layer fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[2] / "portal"
BLUEPRINTS = ("api", "casework", "citizen", "concerns", "delegations", "public", "rules")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, absolute, with the line it is imported on."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def forbidden(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def violations(folder: str, may_not: tuple[str, ...]) -> list[str]:
    return [
        f"portal/{folder}/{path.name}:{line} imports {module}"
        for path in sorted((PORTAL / folder).glob("*.py"))
        for line, module in imported_modules(path)
        if forbidden(module, may_not)
    ]


DOMAIN_MAY_NOT = (
    "flask",
    "flask_babel",
    "flask_login",
    "flask_wtf",
    "sqlalchemy",
    "wtforms",
    "portal.services",
    "portal.db",
    "portal.models",
    "portal.i18n",
    "portal.auth",
    *(f"portal.{b}" for b in BLUEPRINTS),
)
SERVICES_MAY_NOT = (
    "flask",
    "flask_babel",
    "flask_login",
    "flask_wtf",
    "wtforms",
    "portal.auth",
    "portal.db",
    "portal.i18n",
    "portal.forms",
    "portal.templating",
    *(f"portal.{b}" for b in BLUEPRINTS),
)


@pytest.mark.parametrize(
    ("layer", "may_not"),
    [("domain", DOMAIN_MAY_NOT), ("services", SERVICES_MAY_NOT)],
)
def test_a_layer_imports_nothing_above_it(layer, may_not):
    broken = violations(layer, may_not)
    assert not broken, "\n".join(broken)


def test_the_rule_itself_can_fail(tmp_path):
    """The reader sees through ``from x import y`` and plain ``import x``."""
    sample = tmp_path / "sample.py"
    sample.write_text("import flask\nfrom portal.auth.principal import Principal\n")
    modules = [module for _line, module in imported_modules(sample)]
    assert forbidden(modules[0], SERVICES_MAY_NOT)
    assert forbidden(modules[1], SERVICES_MAY_NOT)
    assert not forbidden("portal.domain.principal", SERVICES_MAY_NOT)


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_a_blueprint_does_not_reach_into_another(blueprint):
    """Views share through portal.forms and the domain's vocabulary, not through each other."""
    others = tuple(f"portal.{b}" for b in BLUEPRINTS if b != blueprint)
    broken = violations(blueprint, others)
    assert not broken, "\n".join(broken)
