"""The queue's counts per status come from concern_count, which the database's triggers keep
(migration 0016): whichever way a concern is written — the services, a bulk statement, a
delete — the kept count is the count of the rows, and the queue shows it."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update

from portal.domain.principal import Principal
from portal.models import (
    Concern,
    ConcernCount,
    ConcernDocument,
    ConcernEvent,
    CoordinatorMeeting,
    Forloeb,
    MeetingProposal,
    Municipality,
    Notice,
    Offer,
)
from portal.services import casework
from tests.factories import CASEWORKER, offer, sent, walk


def _counted(db) -> dict:
    rows = db.execute(
        select(
            Concern.municipality_id, Concern.status, Concern.right_applies, func.count()
        ).group_by(Concern.municipality_id, Concern.status, Concern.right_applies)
    ).all()
    return {(m, str(s), r): n for m, s, r, n in rows}


def _kept(db) -> dict:
    rows = db.execute(
        select(
            ConcernCount.municipality_id,
            ConcernCount.status,
            ConcernCount.right_applies,
            ConcernCount.concerns,
        ).where(ConcernCount.concerns != 0)
    ).all()
    return {(m, str(s), r): n for m, s, r, n in rows}


def test_the_kept_count_is_the_count_of_the_rows_after_every_kind_of_write(db, demo):
    before = _kept(db)
    assert before == _counted(db)
    _, first = sent(db, demo)  # a draft is inserted, then sent
    _, second = sent(db, demo, external_id="demo-offer-mette-2")
    walk(db, first, "meeting_booked", CASEWORKER)
    assert _kept(db) == _counted(db) != before
    assert _kept(db)[(first.municipality_id, "meeting_booked", first.right_applies)] >= 1

    # A bulk statement, past the services: the database still counts it.
    db.execute(update(Concern).where(Concern.id == second.id).values(status="withdrawn"))
    db.execute(update(Concern).where(Concern.id == first.id).values(right_applies=False))
    other = db.scalar(select(Municipality.id).where(Municipality.id != first.municipality_id))
    db.execute(update(Concern).where(Concern.id == first.id).values(municipality_id=other))
    db.flush()
    assert _kept(db) == _counted(db)
    assert _kept(db)[(other, "meeting_booked", False)] == 1

    # A change that does not move the concern between counts leaves them as they are.
    counts = _kept(db)
    db.execute(update(Concern).where(Concern.id == first.id).values(steps_done=4))
    assert _kept(db) == counts

    # Deleted, as the retention job deletes (its lists first): no longer counted.
    ids = [first.id, second.id]
    for child in (ConcernEvent, CoordinatorMeeting, MeetingProposal, ConcernDocument, Notice):
        db.execute(delete(child).where(child.concern_id.in_(ids)))
    db.execute(delete(Concern).where(Concern.id.in_(ids)))
    assert _kept(db) == _counted(db) == before


def test_the_queue_counts_from_the_kept_count_what_it_would_count_from_the_rows(db, demo):
    for external_id in ("demo-offer-mette-1", "demo-offer-mette-2"):
        _, concern = sent(db, demo, external_id=external_id)
    walk(db, concern, "acknowledged", CASEWORKER)
    db.execute(update(Concern).where(Concern.id == concern.id).values(right_applies=False))
    municipality_id = offer(db, "demo-offer-mette-1").forloeb.municipality_id
    who = Principal("caseworker", "lone", "Lone", municipality_id=municipality_id)
    for right in ("any", "yes", "no"):
        filters = casework.QueueFilter(right=right)
        expected = {
            str(status): n
            for status, n in db.execute(
                select(Concern.status, func.count())
                .where(*casework._in_scope(filters.scope, filters.right))
                .group_by(Concern.status),
                {"municipality_id": municipality_id},
            ).all()
        }
        shown = casework._count_by_status(db, who, filters)
        assert {s: n for s, n in shown.items() if s in expected} == expected
        assert shown["all"] == sum(expected.values())
    assert casework._count_by_status(db, who, casework.QueueFilter(right="no"))["acknowledged"] >= 1


def test_mine_counts_the_caseworkers_own_concerns_whoever_asked_first(db, demo):
    """The counts' select is built once per filter, the caseworker bound when it runs: the
    coordinating caseworker sees their concerns under "Mine", a colleague asking next sees
    none of them."""
    sent(db, demo, external_id="demo-offer-mette-1")
    forloeb = offer(db, "demo-offer-mette-1").forloeb
    own = Principal(
        "caseworker", "own", "Own", municipality_id=forloeb.municipality_id,
        caseworker_id=forloeb.caseworker_id,
    )  # fmt: skip
    colleague = Principal(
        "caseworker", "other", "Other", municipality_id=forloeb.municipality_id,
        caseworker_id=forloeb.caseworker_id + 10_000,
    )  # fmt: skip
    mine = casework.QueueFilter(scope="mine")
    expected = db.scalar(
        select(func.count())
        .select_from(Concern)
        .join(Offer, Offer.id == Concern.offer_id)
        .join(Forloeb, Forloeb.id == Offer.forloeb_id)
        .where(
            Forloeb.caseworker_id == forloeb.caseworker_id,
            Forloeb.municipality_id == forloeb.municipality_id,
            Concern.status.not_in(casework.UNSENT),
        )
    )
    assert expected >= 1
    assert casework._count_by_status(db, own, mine)["all"] == expected
    assert casework._count_by_status(db, colleague, mine)["all"] == 0
    assert casework._count_by_status(db, own, mine)["all"] == expected
