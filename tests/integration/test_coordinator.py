"""The sundhedskoordinator's seat (issue 26): the region's coordinator logs in with MitID
Erhverv, sees the concerns with a meeting in their region's municipalities, prepares the meeting
(health description and files only with the citizen's consent), and writes the advice, which is
theirs — every look in the access log, which the citizen reads as "Sundhedskoordinator,
Region …"."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.domain.principal import Actor
from portal.models import AuditEvent, Concern, Municipality
from portal.services import concerns, coordination, documents, figures
from portal.services.documents import Prepared
from tests.factories import (
    COORDINATOR_DESK,
    TODAY,
    api_token,
    as_caseworker,
    as_citizen,
    bearer,
    caseworker_login,
    meeting_has_passed,
    post_action,
    principal,
    sent,
    walk,
)
from tests.pages import text_of

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def booked(db, demo, persona="mette", offer="demo-offer-mette-1") -> Concern:
    _who, concern = sent(db, demo, persona, offer)
    walk(db, concern, "meeting_booked")
    return concern


def with_a_file(db, concern: Concern) -> int:
    stored = documents.attach(
        db,
        Actor("citizen", f"citizen:{concern.citizen_id}"),
        concern,
        [Prepared("laegebrev.pdf", "application/pdf", PDF)],
    )
    db.commit()
    return stored[0].id


def looks(db, role: str = "coordinator") -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.actor_role == role)))


# -- login and the list ---------------------------------------------------------------------------
def test_the_coordinator_logs_in_and_lands_on_the_regions_meetings(app, db, demo):
    concern = booked(db, demo)
    anne = app.test_client()
    answer = caseworker_login(anne, "anne")
    assert answer.headers["Location"] == "/sundhedskoordinator/bekymringer"
    page = text_of(anne.get("/sundhedskoordinator/bekymringer"))
    assert "Region Nordjylland" in page
    assert concern.reference in page and "Nordby Kommune" in page and "Møde aftalt" in page
    listed = [e for e in looks(db) if e.action == "concern.list"]
    assert [e.subject_citizen_id for e in listed] == [concern.citizen_id], "names are looks"


def test_a_concern_without_a_meeting_is_not_the_coordinators(app, db, demo):
    _who, concern = sent(db, demo)
    anne = as_caseworker(app, "anne")
    assert concern.reference not in text_of(anne.get("/sundhedskoordinator/bekymringer"))
    assert anne.get(f"/sundhedskoordinator/bekymringer/{concern.id}").status_code == 404
    refused = [e for e in looks(db) if e.action == "concern.open_refused"]
    assert len(refused) == 1 and refused[0].purpose == "refused"


def test_the_list_puts_the_soonest_meeting_first(app, db, demo):
    later = booked(db, demo)
    sooner = booked(db, demo, "ali", "demo-offer-ali-1")
    now = datetime.now(UTC)
    later.meetings[-1].starts_at = now + timedelta(days=9)
    sooner.meetings[-1].starts_at = now + timedelta(days=2)
    db.commit()
    page = text_of(as_caseworker(app, "anne").get("/sundhedskoordinator/bekymringer"))
    assert page.index(sooner.reference) < page.index(later.reference)


def test_the_list_is_paged_and_a_made_up_cursor_starts_from_the_top(app, db, demo, monkeypatch):
    monkeypatch.setattr(coordination, "PAGE_SIZE", 1)
    first = booked(db, demo)
    second = booked(db, demo, "ali", "demo-offer-ali-1")
    now = datetime.now(UTC)
    first.meetings[-1].starts_at = now + timedelta(days=2)
    second.meetings[-1].starts_at = now + timedelta(days=3)
    db.commit()
    anne = as_caseworker(app, "anne")
    page = anne.get("/sundhedskoordinator/bekymringer").get_data(as_text=True)
    assert first.reference in page and second.reference not in page
    following = re.search(r'href="(/sundhedskoordinator/bekymringer\?efter=[^"]+)"', page).group(1)
    page = text_of(anne.get(following.replace("&amp;", "&")))
    assert second.reference in page and first.reference not in page
    assert first.reference in text_of(anne.get("/sundhedskoordinator/bekymringer?efter=nonsense"))


def test_a_coordinator_of_another_region_sees_nothing_of_ours(app, db, demo):
    concern = booked(db, demo)
    file_id = with_a_file(db, concern)
    bo = as_caseworker(app, "bo")
    assert concern.reference not in text_of(bo.get("/sundhedskoordinator/bekymringer"))
    assert bo.get(f"/sundhedskoordinator/bekymringer/{concern.id}").status_code == 404
    assert (
        bo.get(f"/sundhedskoordinator/bekymringer/{concern.id}/filer/{file_id}").status_code == 404
    )
    acted = post_action(
        bo, concern.id, "raad", {"advice": "Nej."}, concern.version, COORDINATOR_DESK
    )
    assert acted.status_code == 404


@pytest.mark.parametrize("persona", ["lone", "hanne"])
def test_the_municipalitys_staff_have_no_coordinator_seat(app, db, demo, persona):
    concern = booked(db, demo)
    client = as_caseworker(app, persona)
    assert client.get("/sundhedskoordinator/bekymringer").status_code == 403
    assert client.get(f"/sundhedskoordinator/bekymringer/{concern.id}").status_code == 403


def test_the_coordinator_has_no_caseworker_seat(app, db, demo):
    concern = booked(db, demo)
    anne = as_caseworker(app, "anne")
    assert anne.get("/sagsbehandler/bekymringer").status_code == 403
    assert anne.get(f"/sagsbehandler/bekymringer/{concern.id}").status_code == 403
    assert anne.get("/kommune/tal-om-retten").status_code == 403


# -- preparing the meeting: consent decides what is shared ----------------------------------------
def test_health_and_files_are_shown_only_with_the_citizens_consent(app, db, demo):
    concern = booked(db, demo)
    file_id = with_a_file(db, concern)
    health = concern.answers["health_text"]
    anne = as_caseworker(app, "anne")
    page = text_of(anne.get(f"/sundhedskoordinator/bekymringer/{concern.id}"))
    assert concern.answers["worry_text"] in page, "the citizen's own words"
    assert health not in page and "laegebrev.pdf" not in page
    assert "Borgeren har ikke delt" in page
    url = f"/sundhedskoordinator/bekymringer/{concern.id}/filer/{file_id}"
    assert anne.get(url).status_code == 404

    concerns.give_consent(db, principal(db, demo["mette"]), concern, "Lægehuset Torvet", None)
    page = text_of(anne.get(f"/sundhedskoordinator/bekymringer/{concern.id}"))
    assert health in page and "laegebrev.pdf" in page and "Lægehuset Torvet" in page
    download = anne.get(url)
    assert download.status_code == 200 and download.data == PDF
    actions = [e.action for e in looks(db)]
    assert "concern.read" in actions and f"document.download:{file_id}" in actions
    assert "document.download_refused" in actions, "the refused download is logged too"


def test_the_citizen_sees_the_coordinator_and_the_region_among_the_looks(app, db, demo):
    concern = booked(db, demo)
    as_caseworker(app, "anne").get(f"/sundhedskoordinator/bekymringer/{concern.id}")
    page = text_of(as_citizen(app, "mette").get("/hvem-har-set"))
    assert (
        "Sundhedskoordinator, Region Nordjylland: Mødet om din bekymring og rådet efter det" in page
    )
    assert "Anne Berg" not in page, "an employee's name is never shown"


# -- the advice is theirs --------------------------------------------------------------------------
def test_the_coordinator_records_the_meeting_and_writes_the_advice(app, db, demo):
    concern = booked(db, demo)
    meeting_has_passed(db, concern)
    anne = as_caseworker(app, "anne")
    early = post_action(anne, concern.id, "raad", {"advice": "For tidligt."}, desk=COORDINATOR_DESK)
    assert early.status_code == 409 and "For tidligt." in text_of(early), "kept, not saved"
    held = post_action(
        anne,
        concern.id,
        "moede-holdt",
        {"participants": ["citizen", "coordinator"]},
        desk=COORDINATOR_DESK,
    )
    assert held.status_code == 302
    advice = post_action(
        anne, concern.id, "raad", {"advice": "Start med 8 timer om ugen."}, desk=COORDINATOR_DESK
    )
    assert advice.status_code == 302
    page = text_of(anne.get(advice.headers["Location"]))
    assert "Dit råd er gemt." in page and "Start med 8 timer om ugen." in page
    db.refresh(concern)
    assert concern.status == "advice_given" and concern.comment_until is not None
    event = concern.events[-1]
    assert (event.actor_role, event.data["given_by"], event.data["region"]) == (
        "coordinator",
        "Anne Berg",
        "Region Nordjylland",
    )

    mette = text_of(as_citizen(app, "mette").get(f"/bekymringer/{concern.id}"))
    assert "Start med 8 timer om ugen." in mette and "Hvad mener du om rådet?" in mette
    assert "Skrevet af sundhedskoordinator Anne Berg, Region Nordjylland." in mette

    token = api_token(db)
    exported = app.test_client().get("/api/v1/concerns", headers=bearer(token)).get_json()
    record = next(r for r in exported["concerns"] if r["reference"] == concern.reference)
    assert record["advice"] == {
        "text": "Start med 8 timer om ugen.",
        "given_on": TODAY.isoformat(),
        "given_by": "Anne Berg",
        "region": "Region Nordjylland",
        "recorded_by": "coordinator",
    }


def test_the_caseworker_cannot_write_the_advice_for_a_connected_region(app, db, demo):
    _who, concern = sent(db, demo)
    walk(db, concern, "meeting_held")
    lone = as_caseworker(app, "lone")
    page = text_of(lone.get(f"/sagsbehandler/bekymringer/{concern.id}"))
    assert "Sundhedskoordinatoren skriver selv sit råd i portalen." in page
    assert "Gem rådgivningen" not in page
    refused = post_action(
        lone, concern.id, "raadgivning", {"advice": "Skrevet for hende.", "given_by": "X"}
    )
    assert refused.status_code == 409
    db.refresh(concern)
    assert concern.status == "meeting_held"


def test_a_region_not_on_the_portal_gives_the_advice_orally_and_the_caseworker_writes_who(
    app, db, demo, monkeypatch
):
    monkeypatch.setitem(app.config, "REGION_CVRS", {})
    _who, concern = sent(db, demo)
    walk(db, concern, "meeting_held")
    lone = as_caseworker(app, "lone")
    missing = post_action(
        lone, concern.id, "raadgivning", {"advice": "Færre timer.", "given_by": ""}
    )
    assert missing.status_code == 400
    assert "Skriv navnet på den sundhedskoordinator, der gav rådet." in text_of(missing)
    done = post_action(
        lone, concern.id, "raadgivning", {"advice": "Færre timer.", "given_by": "Dr. Anne Berg"}
    )
    assert done.status_code == 302
    mette = text_of(as_citizen(app, "mette").get(f"/bekymringer/{concern.id}"))
    assert "Dr. Anne Berg gav rådet på mødet. Sagsbehandleren skrev det ned." in mette
    # Without a connected region, a coordinator login gives nothing.
    assert caseworker_login(app.test_client(), "anne").status_code == 403


# -- across the region ---------------------------------------------------------------------------
def test_from_2027_a_coordinator_serves_both_former_regions_of_oestdanmark(db, demo):
    sydhavn = db.scalar(select(Municipality).where(Municipality.name == "Sydhavn Kommune"))
    sydhavn.region = "sjaelland"
    db.commit()
    before = coordination.served_municipalities(db, "hovedstaden", date(2026, 12, 31))
    after = coordination.served_municipalities(db, "hovedstaden", date(2027, 1, 1))
    assert sydhavn.id not in before and sydhavn.id in after
    assert coordination.served_municipalities(db, "oestdanmark", date(2026, 12, 31)) == {}
    assert sydhavn.id in coordination.served_municipalities(db, "oestdanmark", date(2027, 1, 4))


# -- the region's figures -------------------------------------------------------------------------
def test_the_regions_manager_sees_the_regions_figures_by_the_same_rules(app, db, demo):
    sent(db, demo)
    rikke = app.test_client()
    assert caseworker_login(rikke, "rikke").headers["Location"] == "/kommune/tal-om-retten"
    page = text_of(rikke.get("/kommune/tal-om-retten"))
    assert "Tallene er for alle kommuner i Region Nordjylland, lagt sammen." in page
    assert "Bekymringer i kommunen" not in page, "no queue for a region's manager"
    assert rikke.get("/sundhedskoordinator/bekymringer").status_code == 403
    assert rikke.get("/sagsbehandler/bekymringer").status_code == 403


def test_the_national_client_gets_region_totals_published_by_the_same_rules(app, db, demo):
    for persona, offer in (("mette", "demo-offer-mette-1"), ("ali", "demo-offer-ali-1")):
        sent(db, demo, persona, offer)
    token = api_token(db, municipality=None, scopes="figures")
    answer = app.test_client().get("/api/v1/figures", headers=bearer(token)).get_json()
    regions = {region["code"]: region for region in answer["regions"]}
    assert set(regions) == {"nordjylland", "hovedstaden"}
    assert regions["nordjylland"]["name"] == "Region Nordjylland"
    by_municipality = {m["name"]: m for m in answer["municipalities"]}
    nordby = by_municipality["Nordby Kommune"]
    # One municipality in the region: the region's cells are its cells, published alike.
    assert regions["nordjylland"]["counts"] == nordby["counts"]
    assert regions["nordjylland"]["working_days"] == nordby["working_days"]


def test_the_regions_are_added_up_as_they_are_on_the_day(db, demo):
    sydhavn = db.scalar(select(Municipality).where(Municipality.name == "Sydhavn Kommune"))
    nordby = db.scalar(select(Municipality).where(Municipality.name == "Nordby Kommune"))
    sydhavn.region, nordby.region = "sjaelland", "hovedstaden"
    db.commit()
    before = figures.region_areas(db, date(2026, 12, 31))
    after = figures.region_areas(db, date(2027, 1, 1))
    assert [(a.code, a.ids) for a in before] == [
        ("hovedstaden", (nordby.id,)),
        ("sjaelland", (sydhavn.id,)),
    ]
    assert [(a.code, a.name, set(a.ids)) for a in after] == [
        ("oestdanmark", "Region Østdanmark", {nordby.id, sydhavn.id})
    ]
    assert [a.ids for a in figures.region_areas(db, date(2027, 1, 1), "sjaelland")] == [
        after[0].ids
    ]
    assert figures.region_areas(db, date(2027, 1, 1), "nordjylland")[0].ids == ()


def test_a_municipalitys_client_gets_no_region_totals(app, db, demo):
    token = api_token(db, scopes="figures")
    answer = app.test_client().get("/api/v1/figures", headers=bearer(token)).get_json()
    assert "regions" not in answer
