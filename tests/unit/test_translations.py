"""Every Danish text has an English translation (design.md §7)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def extracted_messages(tmp_path: Path) -> set[str]:
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [
            str(pybabel),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "lazy_gettext",
            "-k",
            "_l",
            "-k",
            "N_",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def test_every_message_in_the_code_is_in_the_english_catalog(tmp_path):
    with CATALOG.open("rb") as handle:
        catalog = {m.id for m in read_po(handle) if m.id}
    missing = sorted(extracted_messages(tmp_path) - catalog)
    assert not missing, f"run `make translations-update` and translate: {missing}"


def test_every_english_message_is_translated_and_not_fuzzy():
    with CATALOG.open("rb") as handle:
        messages = [m for m in read_po(handle) if m.id]
    untranslated = [
        m.id for m in messages if not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_placeholders_survive_translation():
    import re

    with CATALOG.open("rb") as handle:
        messages = [m for m in read_po(handle) if m.id]
    placeholder = re.compile(r"%\(\w+\)[sd]|%%")

    def found(text) -> list[str]:
        texts = text if isinstance(text, tuple) else (text,)
        return sorted({p for t in texts for p in placeholder.findall(t)})

    wrong = [m.id for m in messages if found(m.id) != found(m.string)]
    assert not wrong, f"placeholders differ: {wrong}"
