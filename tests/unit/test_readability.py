"""Plain Danish as a test: the LIX of every rules page and help text (docs/domain.md §6)."""

from __future__ import annotations

import pytest

from portal.domain.readability import LIMIT, lix
from portal.rules.pages import GLOSSARY, HELP, PAGES


def test_lix_by_hand():
    text = "Du er i et ressourceforløb. Forløbet skal hjælpe dig tættere på arbejde."
    result = lix(text)
    assert (result.words, result.sentences) == (12, 2)
    assert result.long_words == 4  # ressourceforløb, Forløbet, tættere, arbejde (hjælpe has 6)
    assert result.score == round(12 / 2 + 100 * 4 / 12, 1)


def test_dates_do_not_end_sentences():
    assert lix("Loven trådte i kraft den 1. januar 2022.").sentences == 1
    assert lix("Mødet er den 13. december. Kom i god tid.").sentences == 2


def test_each_line_is_at_least_one_sentence():
    assert lix("Overskrift\nEn linje uden punktum\nTo. Sætninger.").sentences == 4


@pytest.mark.parametrize("page", PAGES, ids=[p.slug for p in PAGES])
def test_every_rules_page_is_easy_to_read(page):
    score = lix("\n".join(page.texts())).score
    assert score <= LIMIT, f"{page.slug}: LIX {score}"


def test_the_glossary_is_easy_to_read():
    assert lix("\n".join(t for pair in GLOSSARY for t in pair)).score <= LIMIT


@pytest.mark.parametrize("key", sorted(HELP))
def test_every_help_text_is_easy_to_read(key):
    assert lix(HELP[key][0]).score <= LIMIT


def test_every_rules_page_names_its_rules():
    for page in PAGES:
        assert page.sources, page.slug
        assert all(s.url.startswith(("https://", "http://")) for s in page.sources)
