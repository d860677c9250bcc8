"""Extract every message of the portal into a POT file, with the helper's version of each text
that addresses the citizen (docs/architecture.md §6: a relative reads pages written to a helper).

Texts marked ``_c`` (templates), ``_lc`` (form messages) or ``C_`` (Python) speak to the citizen
("din læge"). Each gets a
second entry in the message context "hjælper", translated in translations/da and /en into the
third person ("%(names)s læge"). Used by ``make translations-update`` and by the translation test.

    python scripts/extract_messages.py translations/messages.pot translations/helper.pot

The first file has every message (for translations/en); the second only the helper's versions
(for translations/da: Danish is the source language and needs no other translation).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
HELPER_CONTEXT = "hjælper"
KEYWORDS = ["lazy_gettext", "_l", "N_", "C_", "_c", "_lc"]
ADDRESSED = ["_c", "C_", "_lc"]


def _extract(output: Path, keywords: list[str], defaults: bool) -> None:
    pybabel = Path(sys.executable).with_name("pybabel")
    command = [str(pybabel), "extract", "-F", "babel.cfg", "--no-location", "-o", str(output)]
    if not defaults:
        command.append("--no-default-keywords")
    for keyword in keywords:
        command += ["-k", keyword]
    subprocess.run([*command, "."], cwd=ROOT, check=True, capture_output=True)  # noqa: S603 - our own pybabel


def extract(output: Path, helper_output: Path | None = None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        addressed_pot = Path(folder) / "addressed.pot"
        _extract(output, KEYWORDS, defaults=True)
        _extract(addressed_pot, ADDRESSED, defaults=False)
        with output.open("rb") as handle:
            catalog = read_po(handle)
        with addressed_pot.open("rb") as handle:
            addressed = [m for m in read_po(handle) if m.id]
    helper = Catalog(project=catalog.project, charset="utf-8")
    # The helper's versions add %(they)s and %(their)s to the text's own placeholders, which
    # pybabel's python-format check would refuse; the translation test checks them instead.
    for message in addressed:
        flags = set(message.flags) - {"python-format"}
        catalog.add(message.id, context=HELPER_CONTEXT, flags=flags)
        helper.add(message.id, context=HELPER_CONTEXT, flags=flags)
    with output.open("wb") as handle:
        write_po(handle, catalog, omit_header=False)
    if helper_output is not None:
        with helper_output.open("wb") as handle:
            write_po(handle, helper, omit_header=False)


if __name__ == "__main__":
    extract(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None)
