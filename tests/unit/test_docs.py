"""The design travels with the code (docs/README.md): every section the code, the templates, the
tests or the README cite exists, every relative link in the docs and the README leads to a
file, and nothing points outside the repository any more."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# A citation may break across lines, in a comment too ("docs/x.md\n    # §3").
CITATION = re.compile(r"docs/(\w+)\.md(?:\s|#)*§(\d+)")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
SOURCES = (".py", ".html", ".md", ".toml", ".yaml", ".js", ".css", ".cfg", ".txt")


def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    names = [n for n in listed if n.endswith(SOURCES) or n in ("Makefile", "Containerfile")]
    return [ROOT / n for n in names if (ROOT / n).is_file()]


def sections(page: str) -> set[str]:
    text = (ROOT / "docs" / f"{page}.md").read_text(encoding="utf-8")
    return set(re.findall(r"^## (\d+)\. ", text, re.MULTILINE))


FILES = tracked_files()


def citations() -> list[tuple[str, str, str]]:
    found = []
    for path in FILES:
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [(str(path.relative_to(ROOT)), page, n) for page, n in CITATION.findall(text)]
    return found


def test_the_code_cites_the_docs_often_and_every_cited_section_exists():
    cited = citations()
    assert len(cited) > 40, "the code cites its design"
    missing = [
        f"{where}: docs/{page}.md §{n}"
        for where, page, n in cited
        if not (ROOT / "docs" / f"{page}.md").exists() or n not in sections(page)
    ]
    assert not missing, missing


def test_nothing_points_outside_the_repository():
    outside = re.compile(r"\.\./shared|(?<![/\w])(design|domain)\.md §")
    pointing = [
        str(path.relative_to(ROOT))
        for path in FILES
        if path.suffix != ".md" or not path.is_relative_to(ROOT / "docs")
        if outside.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not pointing, pointing


@pytest.mark.parametrize(
    "page", [p for p in FILES if p.suffix == ".md"], ids=lambda p: str(p.relative_to(ROOT))
)
def test_every_relative_link_leads_to_a_file(page):
    broken = [
        target
        for target in LINK.findall(page.read_text(encoding="utf-8"))
        if "://" not in target
        and not target.startswith("mailto:")
        and not (page.parent / target).exists()
    ]
    assert not broken, broken


def test_the_readme_leads_to_the_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in ("docs/README.md", "docs/domain.md", "docs/architecture.md", "docs/operations.md"):
        assert f"]({page})" in readme, page
