"""Plain Danish as a test: the LIX of every rules page and help text (docs/domain.md §6)."""

from __future__ import annotations

import pytest

from portal.domain.readability import LIMIT, Lix, lix
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


def test_blank_lines_and_lines_without_words_are_no_sentences():
    text = "Første linje.\n\n   \n- 12\nAnden linje."
    assert lix(text).sentences == 2
    assert lix("").score == 0.0 and lix("12 34").words == 0


def test_text_without_words_scores_nothing_at_all():
    assert lix("— 1. 2. 3.") == Lix(0.0, 0, 0, 0)


def test_a_line_ending_in_a_full_stop_is_not_counted_twice_but_a_last_clause_is():
    assert lix("Kom i god tid.").sentences == 1
    assert lix("Kom i god tid. Ring hvis du er syg").sentences == 2
    assert lix("Hej!").sentences == 1 and lix("Hej").sentences == 1


def test_one_long_sentence_scores_its_words_and_long_words():
    result = lix("Sundhedskoordinatoren")
    assert (result.words, result.sentences, result.long_words, result.score) == (1, 1, 1, 101.0)


def test_a_line_ending_in_a_number_and_a_full_stop_still_ends_its_last_sentence():
    assert lix("Kom i god tid. Mødet er i uge 2.").sentences == 2
    # Within a line a number's full stop is read as an ordinal's ("den 13. december"), so
    # "fra 2022. Den" is one sentence: write such a year without the full stop after it.
    assert lix("Loven er fra 2022. Den gælder nu.").sentences == 1
