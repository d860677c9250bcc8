"""Every caseworker route against every kind of visitor: only the allowed cells open (issue 5).

A cell is "open" when the page answers 200 (or the action is done and redirects to the concern);
every other cell must refuse and leave the concern as it was.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.domain.principal import Actor
from portal.models import ConcernEvent
from tests.factories import caseworker_login, login, sent

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

# visitor → (queue GET, concern GET, action POST)
MATRIX = {
    "anonymous": (302, 302, 400),
    "citizen": (403, 403, 403),
    "relative": (403, 403, 403),
    "caseworker, same municipality": (200, 200, 302),
    "caseworker, other municipality": (200, 404, 404),
    "caseworker without the role": (302, 302, 400),
    "manager only, same municipality": (403, 403, 403),  # the figures, never a concern
    "coordinator of the region": (403, 403, 403),  # their own seat, never the caseworker's
    "coordinator of another region": (403, 403, 403),
}

# The sundhedskoordinator's routes (issue 26), for a concern with a booked meeting:
# visitor → (list GET, concern GET, file GET, advice POST)
COORDINATOR_MATRIX = {
    "anonymous": (302, 302, 302, 400),
    "citizen": (403, 403, 403, 403),
    "relative": (403, 403, 403, 403),
    "caseworker, same municipality": (403, 403, 403, 403),
    "caseworker, other municipality": (403, 403, 403, 403),
    "caseworker without the role": (302, 302, 302, 400),
    "manager only, same municipality": (403, 403, 403, 403),
    # The file is shared (the citizen consented); the advice waits for the meeting (409).
    "coordinator of the region": (200, 200, 200, 409),
    "coordinator of another region": (200, 404, 404, 404),
}


def _visitor(app, who: str):
    """A client as this visitor, and a page of theirs that carries a CSRF token if any does."""
    client = app.test_client()
    if who == "citizen":
        login(client, "mette")
        return client, client.get("/mit-forloeb")
    if who == "relative":
        login(client, "sofie")
        return client, client.get("/mit-forloeb")
    if who.startswith(("caseworker", "manager")):
        persona = {
            "caseworker, same municipality": "lone",
            "caseworker, other municipality": "karim",
            "caseworker without the role": "per",
            "manager only, same municipality": "hanne",
        }[who]
        caseworker_login(client, persona)
        return client, client.get("/sagsbehandler/bekymringer")
    if who.startswith("coordinator"):
        persona = "anne" if who == "coordinator of the region" else "bo"
        caseworker_login(client, persona)
        return client, client.get("/sundhedskoordinator/bekymringer")
    return client, client.get("/")


@pytest.mark.parametrize("who", list(MATRIX))
def test_only_the_allowed_cells_open(app, db, demo, who):
    _mette, concern = sent(db, demo)  # Mette lives in Nordby, Lone's municipality
    client, page = _visitor(app, who)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    expected_queue, expected_concern, expected_action = MATRIX[who]

    queue = client.get("/sagsbehandler/bekymringer")
    assert queue.status_code == expected_queue, who
    if expected_queue == 200:
        assert (concern.reference in queue.get_data(as_text=True)) is (expected_concern == 200)

    opened = client.get(f"/sagsbehandler/bekymringer/{concern.id}")
    assert opened.status_code == expected_concern, who
    if expected_concern == 302:
        assert opened.headers["Location"].startswith("/sagsbehandler/?next=")

    acted = client.post(
        f"/sagsbehandler/bekymringer/{concern.id}/besked",
        data={
            "csrf_token": token.group(1) if token else "none",
            "besked-version": str(concern.version),
            "besked-text": "Hej fra matricen",
        },
    )
    assert acted.status_code == expected_action, who
    messages = db.scalar(
        select(func.count()).select_from(ConcernEvent).where(ConcernEvent.kind == "message_sent")
    )
    assert messages == (1 if expected_action == 302 else 0), who


@pytest.mark.parametrize("who", list(COORDINATOR_MATRIX))
def test_only_the_regions_coordinator_opens_the_coordinators_cells(app, db, demo, who):
    from portal.services import concerns, documents
    from portal.services.documents import Prepared
    from tests.factories import principal, walk

    _mette, concern = sent(db, demo)
    walk(db, concern, "meeting_booked")
    [file] = documents.attach(
        db, Actor("citizen", "citizen:x"), concern, [Prepared("brev.pdf", "application/pdf", PDF)]
    )
    db.commit()
    concerns.give_consent(db, principal(db, demo["mette"]), concern, "Lægehuset", None)
    client, page = _visitor(app, who)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    listing, opened, download, advice = COORDINATOR_MATRIX[who]
    base = "/sundhedskoordinator/bekymringer"

    seen = client.get(base)
    assert seen.status_code == listing, who
    if listing == 200:
        assert (concern.reference in seen.get_data(as_text=True)) is (opened == 200), who
    assert client.get(f"{base}/{concern.id}").status_code == opened, who
    assert client.get(f"{base}/{concern.id}/filer/{file.id}").status_code == download, who
    acted = client.post(
        f"{base}/{concern.id}/raad",
        data={
            "csrf_token": token.group(1) if token else "none",
            "raad-version": str(concern.version),
            "raad-advice": "Råd fra matricen",
        },
    )
    assert acted.status_code == advice, who
    advised = db.scalar(
        select(func.count()).select_from(ConcernEvent).where(ConcernEvent.kind == "advice_recorded")
    )
    assert advised == 0, who
