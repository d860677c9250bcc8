"""The lock files agree with pyproject.toml's pins, and the image installs from its lock
(docs/operations.md §2): a pin changed without `make lock` fails here, not in a rebuild."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def locked(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text(encoding="utf-8")
    return {canonicalize_name(n): version for n, version in ENTRY.findall(text)}


def pins(requirements: list[str]) -> dict[str, str]:
    found = {}
    for line in requirements:
        requirement = Requirement(line)
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"{line}: pin an exact version in pyproject.toml"
        found[canonicalize_name(requirement.name)] = spec.version
    return found


RUNTIME = pins(PROJECT["dependencies"])
TEST = pins(PROJECT["optional-dependencies"]["test"])


@pytest.mark.parametrize(
    ("lock", "wanted"),
    [("requirements.lock", RUNTIME), ("requirements-dev.lock", RUNTIME | TEST)],
)
def test_each_lock_holds_every_pin_of_pyproject(lock, wanted):
    have = locked(lock)
    differ = {name: (version, have.get(name)) for name, version in wanted.items()
              if have.get(name) != version}  # fmt: skip
    assert not differ, f"{lock} is behind pyproject.toml: run `make lock` ({differ})"


def test_the_image_lock_holds_no_test_tool():
    tools = {"pytest", "playwright", "mutmut", "fakeredis", "ruff", "vulture", "schemathesis"}
    assert tools <= set(TEST)
    assert not tools & set(locked("requirements.lock"))


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_every_locked_package_carries_its_hashes(lock):
    entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text(encoding="utf-8").strip())
    unhashed = [entry.split()[0] for entry in entries if "--hash=sha256:" not in entry]
    assert not unhashed


def test_the_image_installs_from_the_lock_and_nothing_else():
    containerfile = (ROOT / "Containerfile").read_text(encoding="utf-8")
    installs = re.findall(r"pip install[^\n]*", containerfile)
    assert installs == ["pip install --no-compile --require-hashes -r requirements.lock"]
