"""One transaction path (portal.services.transaction): every use case that writes turns a
colleague's change into ConcurrentChange and any database error into NotSaved, and leaves
nothing half-saved. Each error is forced in each service that writes a concern."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import OperationalError

from portal.domain.concerns import ConcernAction as A
from portal.domain.principal import Actor
from portal.models import AuditEvent, Concern, ConcernEvent, Notice
from portal.services import casework_steps, concern_steps, concerns
from portal.services.transaction import ConcurrentChange, NotSaved
from tests.factories import COMPLETE, TODAY, csrf_token, login, offer, principal, sent
from tests.pages import text_of

CASEWORKER = Actor("caseworker", "caseworker:test")

# Each use case that writes an existing concern, as (name, call on (db, citizen, concern)).
WRITES = [
    ("save_step", lambda db, who, c: concerns.save_step(db, c, 2, {"worries": ["pain"]})),
    ("delete_draft", lambda db, who, c: concerns.delete_draft(db, c)),
    ("submit", lambda db, who, c: concerns.submit(db, who, c)),
    (
        "add_information",
        lambda db, who, c: concerns.add_information(db, who, c, "Mere.", c.version),
    ),
    ("send_message", lambda db, who, c: casework_steps.send_message(db, CASEWORKER, c, "Hej.")),
    ("transition", lambda db, who, c: concern_steps.transition(db, CASEWORKER, c, A.ACKNOWLEDGE)),
    ("withdraw", lambda db, who, c: concerns.withdraw(db, who, c)),
]
DRAFT_WRITES = {"save_step", "delete_draft", "submit"}


def concern_for(db, demo, name):
    """A draft for the writes that need one, else a sent concern."""
    if name in DRAFT_WRITES:
        who = principal(db, demo["mette"])
        draft = concerns.start(db, who, offer(db, "demo-offer-mette-1").id, TODAY)
        concerns.save_step(db, draft, 5, COMPLETE)
        return who, draft
    return sent(db, demo)


def snapshot(db, concern_id):
    return (
        db.scalar(select(Concern.status).where(Concern.id == concern_id)),
        db.scalar(select(func.count()).select_from(ConcernEvent)),
        db.scalar(select(func.count()).select_from(AuditEvent)),
        db.scalar(select(func.count()).select_from(Notice)),
    )


@pytest.mark.parametrize(("name", "write"), WRITES, ids=[w[0] for w in WRITES])
def test_a_database_error_is_not_saved_and_leaves_nothing(db, demo, name, write):
    who, concern = concern_for(db, demo, name)
    before = snapshot(db, concern.id)

    def refuse(session, _context, _instances):
        raise OperationalError("forced by the test", {}, Exception("connection lost"))

    event.listen(db, "before_flush", refuse)
    try:
        with pytest.raises(NotSaved):
            write(db, who, concern)
    finally:
        event.remove(db, "before_flush", refuse)
    db.expire_all()
    assert snapshot(db, concern.id) == before


@pytest.mark.parametrize(
    ("name", "write"),
    [w for w in WRITES if w[0] not in ("delete_draft", "submit")],
    ids=[w[0] for w in WRITES if w[0] not in ("delete_draft", "submit")],
)
def test_a_colleagues_change_in_between_is_a_conflict_and_leaves_nothing(db, demo, name, write):
    """Someone else wrote the row after this request read it (the version moved on under the
    ORM's feet): the flush finds no row of the version it read."""
    who, concern = concern_for(db, demo, name)
    db.execute(
        update(Concern)
        .where(Concern.id == concern.id)
        .values(version=Concern.version + 1)
        .execution_options(synchronize_session=False)
    )
    before = snapshot(db, concern.id)
    with pytest.raises(ConcurrentChange):
        write(db, who, concern)
    db.expire_all()
    assert snapshot(db, concern.id) == before


def test_two_tabs_adding_at_once_one_succeeds_the_other_keeps_its_text(client, db, demo):
    login(client, "mette")
    _who, concern = sent(db, demo)
    first_tab = client.get(f"/bekymringer/{concern.id}")
    second_tab = client.get(f"/bekymringer/{concern.id}")
    version = str(concern.version)

    ok = client.post(
        f"/bekymringer/{concern.id}/tilfoej",
        data={"csrf_token": csrf_token(first_tab), "version": version, "information": "Første."},
    )
    assert ok.status_code == 302
    late = client.post(
        f"/bekymringer/{concern.id}/tilfoej",
        data={"csrf_token": csrf_token(second_tab), "version": version, "information": "Anden."},
    )
    assert late.status_code == 409
    page = text_of(late)
    assert "Sagen er lige blevet ændret" in page
    assert "Anden." in page, "what the second tab typed is still in the field"
    assert "Første." in page, "and the page shows what the first tab added"
    added = db.scalars(
        select(ConcernEvent.data).where(ConcernEvent.kind == "information_added")
    ).all()
    assert [d["text"] for d in added] == ["Første."]


def test_a_database_error_on_adding_keeps_the_text_and_says_so(client, db, demo, monkeypatch):
    login(client, "mette")
    _who, concern = sent(db, demo)
    page = client.get(f"/bekymringer/{concern.id}")

    def refuse(*_args, **_kwargs):
        raise NotSaved

    monkeypatch.setattr(concerns, "add_information", refuse)
    response = client.post(
        f"/bekymringer/{concern.id}/tilfoej",
        data={
            "csrf_token": csrf_token(page),
            "version": str(concern.version),
            "information": "Min læge har skrevet.",
        },
    )
    assert response.status_code == 503
    assert "Vi kunne ikke gemme det" in text_of(response)
    assert "Min læge har skrevet." in text_of(response)
