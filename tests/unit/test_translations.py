"""Every Danish text has an English translation (docs/architecture.md §7), and every text that
speaks to the citizen has a helper's version in Danish and in English (docs/architecture.md
§6)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = {
    lang: ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po" for lang in ("en", "da")
}
HELPER = "hjælper"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


def read(path: Path) -> list:
    with path.open("rb") as handle:
        return [m for m in read_po(handle) if m.id]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> tuple[set, set]:
    """(context, msgid) of every message in the code, and of the helper's versions alone."""
    folder = tmp_path_factory.mktemp("pot")
    subprocess.run(
        [sys.executable, "scripts/extract_messages.py", folder / "all.pot", folder / "helper.pot"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    keys = lambda path: {(m.context, m.id) for m in read(path)}  # noqa: E731
    return keys(folder / "all.pot"), keys(folder / "helper.pot")


def test_every_message_in_the_code_is_in_the_english_catalog(extracted):
    catalog = {(m.context, m.id) for m in read(CATALOGS["en"])}
    missing = sorted(extracted[0] - catalog, key=str)
    assert not missing, f"run `make translations-update` and translate: {missing}"


def test_every_helper_text_is_in_the_danish_catalog(extracted):
    catalog = {(m.context, m.id) for m in read(CATALOGS["da"])}
    missing = sorted(extracted[1] - catalog, key=str)
    assert not missing, f"run `make translations-update` and write the helper's text: {missing}"


@pytest.mark.parametrize("lang", ["en", "da"])
def test_every_message_is_translated_and_not_fuzzy(lang):
    messages = [m for m in read(CATALOGS[lang]) if lang == "en" or m.context == HELPER]
    untranslated = [
        m.id for m in messages if not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def found(text) -> list[str]:
    texts = text if isinstance(text, tuple) else (text,)
    return sorted({p for t in texts for p in PLACEHOLDER.findall(t)})


@pytest.mark.parametrize("lang", ["en", "da"])
def test_placeholders_survive_translation(lang):
    wrong = [
        m.id
        for m in read(CATALOGS[lang])
        if (lang == "en" or m.context == HELPER) and found(m.id) != found(m.string)
    ]
    assert not wrong, f"placeholders differ: {wrong}"


@pytest.mark.parametrize("lang", ["en", "da"])
def test_a_helpers_text_speaks_of_the_citizen_by_name_not_to_them(lang):
    """The helper's versions use only {they} and {their} besides the text's own placeholders,
    and the Danish ones no longer say "din"/"dit"/"dine" of the citizen's things."""
    helper = [m for m in read(CATALOGS[lang]) if m.context == HELPER]
    assert helper, "there are helper texts"
    stray = [
        m.string for m in helper if set(re.findall(r"\{(\w+)\}", m.string)) - {"they", "their"}
    ]
    assert not stray, stray
    if lang == "da":
        # "dit svar", "din fejl", "dine egne ord" are the helper's own.
        citizens = re.compile(r"\b(din|dit|dine)\b (?!fejl|browsers|vegne|egne ord|svar\b)", re.I)
        yours = [m.string for m in helper if citizens.search(m.string)]
        assert not yours, yours
