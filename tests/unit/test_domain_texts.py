"""The texts the rules hand to the pages — the decision's legal basis and facts, the
klagevejledning — exist in the catalogs as they are returned, with every value they name
given (docs/architecture.md §7). A text changed in the code but not in the catalog would reach
an English reader in Danish and a relative without their helper's version."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.domain.decisions import (
    CaseFacts,
    complaint_deadline,
    complaint_guidance,
    facts_lines,
    legal_basis,
)
from portal.domain.offers import EMPLOYMENT_ORIENTED_KINDS

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
HELPER = "hjælper"


def catalog(lang: str) -> dict[tuple[str | None, str], object]:
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return {(m.context, m.id): m.string for m in read_po(handle) if m.id}


ENGLISH, DANISH = catalog("en"), catalog("da")
SENT, MEETING, ADVICE = date(2026, 11, 2), date(2026, 11, 16), date(2026, 11, 20)


def assert_translated(text: str, values: dict, *, to_the_citizen: bool) -> None:
    assert ENGLISH.get((None, text)), f"no English for {text!r}"
    assert set(PLACEHOLDER.findall(text)) == set(values), (text, values)
    assert set(PLACEHOLDER.findall(ENGLISH[(None, text)])) == set(values)
    if to_the_citizen:  # C_: the helper's versions, in Danish and in English
        assert DANISH.get((HELPER, text)) and ENGLISH.get((HELPER, text)), f"no helper's {text!r}"


@pytest.mark.parametrize(
    "facts",
    [
        CaseFacts(SENT, None, None, None, None),
        CaseFacts(SENT, MEETING, ADVICE, None, date(2026, 11, 27)),
        CaseFacts(SENT, MEETING, ADVICE, date(2026, 11, 24), date(2026, 11, 27)),
    ],
)
def test_every_fact_line_is_translated_and_names_its_date(facts):
    lines = facts_lines(facts)
    for text, values in lines:
        assert_translated(text, values, to_the_citizen=True)
    given = [values["date"] for _text, values in lines]
    expected = [facts.sent_on, facts.meeting_on, facts.advice_on,
                facts.commented_on or facts.comment_until]  # fmt: skip
    assert given == [day for day in expected if day is not None]


@pytest.mark.parametrize("kind", [*sorted(EMPLOYMENT_ORIENTED_KINDS), "mentor"])
def test_every_legal_basis_line_is_translated(kind):
    for text in legal_basis(kind):
        assert_translated(text, {}, to_the_citizen=True)


@pytest.mark.parametrize("received", [None, date(2026, 12, 1)])
def test_every_line_of_the_klagevejledning_is_translated_with_its_values(received):
    lines = complaint_guidance("Nordby Kommune", received)
    assert len(lines) == 5
    for text, values in lines:
        assert_translated(text, values, to_the_citizen=False)
    named = {key: value for _text, values in lines for key, value in values.items()}
    assert named["municipality"] == "Nordby Kommune"
    if received:
        assert (named["received"], named["deadline"]) == (received, complaint_deadline(received))
