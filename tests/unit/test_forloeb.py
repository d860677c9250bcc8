"""Progress through a ressourceforløb (LAB § 112: 1–3 years, up to 5 for forløb before 2022)."""

from datetime import date

from portal.domain.forloeb import progress
from portal.domain.offers import is_employment_oriented


def test_progress_halfway():
    p = progress(date(2026, 1, 1), date(2027, 1, 1), date(2026, 7, 2))
    assert p.started and not p.ended
    assert p.percent == 50
    assert p.remaining_days == 183


def test_progress_before_the_start_and_after_the_end():
    before = progress(date(2026, 1, 1), date(2027, 1, 1), date(2025, 12, 1))
    assert not before.started and before.percent == 0 and before.elapsed_days == 0
    after = progress(date(2021, 12, 15), date(2026, 12, 14), date(2027, 2, 1))
    assert after.ended and after.percent == 100 and after.remaining_days == 0


def test_the_last_day_is_not_yet_ended():
    assert not progress(date(2026, 1, 1), date(2026, 12, 31), date(2026, 12, 31)).ended


def test_only_chapters_11_12_and_14_are_employment_oriented():
    assert {
        k
        for k in (
            "virksomhedspraktik",
            "loentilskud",
            "vejledning_opkvalificering",
            "mentor",
            "health_effort",
            "social_effort",
        )
        if is_employment_oriented(k)
    } == {"virksomhedspraktik", "loentilskud", "vejledning_opkvalificering"}
