"""The caseworker's workspace through HTTP: MitID Erhverv login and roles, the queue, one concern,
the actions, the access log the citizen can read, and the export for journalising."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from portal.domain.concerns import ConcernAction as A
from portal.domain.concerns import ConcernStatus as S
from portal.models import AuditEvent, Concern, ConcernEvent, LoginSession, Offer, OfferStatus
from portal.services import concern_steps, concerns, cursors
from portal.services.casework import PAGE_SIZE
from tests.factories import (
    COORDINATOR_DESK,
    TODAY,
    api_token,
    as_caseworker,
    as_citizen,
    bearer,
    caseworker_login,
    concern_row,
    csrf_token,
    meeting_fields,
    meeting_has_passed,
    post_action,
    sent,
    walk,
)
from tests.pages import list_item_with, text_of

CASEWORKER = concerns.Actor("caseworker", "caseworker:someone-else")


def text(response) -> str:
    return response.get_data(as_text=True)


def shown_version_of(page) -> str:
    return re.search(r'name="version" value="(\d+)"', text(page)).group(1)


def shown_version(page) -> str:
    """The version of the concern the caseworker's page was made from."""
    return re.search(r'-version" value="(\d+)"', text(page)).group(1)


def audit_events(db, action: str) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# -- login and roles -------------------------------------------------------------------------
def test_a_caseworker_logs_in_with_mitid_erhverv_and_lands_on_the_queue(app, db, demo):
    client = app.test_client()
    answer = caseworker_login(client, "lone")
    assert answer.headers["Location"] == "/sagsbehandler/bekymringer"
    page = text(client.get("/sagsbehandler/bekymringer"))
    assert "Bekymringer i kommunen" in page
    assert "Nordby Kommune" in page and "Lone Madsen" in page
    record = db.scalar(select(LoginSession).order_by(LoginSession.id.desc()))
    assert record.audience == "caseworker"
    assert record.absolute_expires_at - record.created_at == timedelta(hours=8)
    assert record.idle_expires_at - record.last_seen_at == timedelta(minutes=30)


@pytest.mark.parametrize("persona", ["per", "mia"])
def test_an_employee_without_the_role_for_this_municipality_gets_no_access(app, db, demo, persona):
    """Per has only another system's privilege; Mia's role is scoped to another CVR number."""
    client = app.test_client()
    answer = caseworker_login(client, persona)
    assert answer.status_code == 403
    assert "Du har ikke adgang" in text(answer)
    follow = client.get("/sagsbehandler/bekymringer")
    assert follow.headers["Location"].startswith("/sagsbehandler/?next="), "not logged in"


def test_a_hostile_privilege_claim_gives_no_access_and_is_logged_without_content(
    app, db, demo, work_idp, caplog
):
    work_idp.provider.misbehave("hostile_privileges")
    answer = caseworker_login(app.test_client(), "lone")
    assert answer.status_code == 403 and "Du har ikke adgang" in text(answer)
    assert "privileges ignored (xml_forbidden_construct)" in caplog.text
    assert "passwd" not in caplog.text and "demo-cw-nordby-1" not in caplog.text


def test_a_too_weak_caseworker_login_is_refused_with_a_way_to_try_again(app, db, demo, work_idp):
    work_idp.provider.misbehave("low_loa")
    answer = caseworker_login(app.test_client(), "lone")
    assert answer.status_code == 403
    assert 'href="/sagsbehandler/login"' in text(answer)


def test_a_citizen_login_never_gives_the_caseworker_role(app, db, demo):
    citizen = as_citizen(app, "mette")
    assert citizen.get("/sagsbehandler/bekymringer").status_code == 403
    caseworker = as_caseworker(app, "lone")
    assert caseworker.get("/mit-forloeb").status_code == 403


def test_caseworker_logout_ends_the_session_at_both_ends(app, db, demo):
    client = as_caseworker(app)
    page = client.get("/sagsbehandler/bekymringer")
    answer = client.post("/logout", data={"csrf_token": csrf_token(page)})
    assert answer.headers["Location"].split("?")[0].endswith("/end_session")
    assert "sagsbehandler%2Flogget-af" in answer.headers["Location"]
    assert client.get("/sagsbehandler/bekymringer").status_code == 302


# -- the queue -------------------------------------------------------------------------------
def test_the_queue_shows_only_the_own_municipality_and_logs_the_look(app, db, demo):
    _mette, nordby = sent(db, demo, "mette", "demo-offer-mette-1")
    _birgitte, sydhavn = sent(db, demo, "birgitte", "demo-offer-birgitte-1")
    lone = text(as_caseworker(app, "lone").get("/sagsbehandler/bekymringer"))
    assert nordby.reference in lone and sydhavn.reference not in lone
    assert "Åbne (1)" in lone
    karim = text(as_caseworker(app, "karim").get("/sagsbehandler/bekymringer"))
    assert sydhavn.reference in karim and nordby.reference not in karim
    listed = audit_events(db, "concern.list")
    assert {e.subject_citizen_id for e in listed} == {nordby.citizen_id, sydhavn.citizen_id}
    assert all(e.purpose == "queue_overview" for e in listed)


def test_on_hold_concerns_whose_offer_starts_soonest_come_first_then_the_oldest(app, db, demo):
    _m, held_later = sent(db, demo, "mette", "demo-offer-mette-1")
    _a, oldest = sent(db, demo, "ali", "demo-offer-ali-1")
    _m2, newest = sent(db, demo, "mette", "demo-offer-mette-2")
    now = datetime.now(UTC)
    db.execute(
        update(Concern)
        .where(Concern.id == oldest.id)
        .values(submitted_at=now - timedelta(days=20), held_offer_status=None)
    )
    db.execute(
        update(Concern)
        .where(Concern.id == newest.id)
        .values(submitted_at=now - timedelta(days=1), held_offer_status=None)
    )
    db.execute(
        update(Concern)
        .where(Concern.id == held_later.id)
        .values(submitted_at=now, held_offer_status="planned")
    )
    db.commit()
    page = text(as_caseworker(app).get("/sagsbehandler/bekymringer"))
    order = [page.index(c.reference) for c in (held_later, oldest, newest)]
    assert order == sorted(order), "on hold first, then oldest first"
    assert "Tilbuddet er sat i bero" in page


def test_each_queue_row_says_what_needs_a_look(app, db, demo):
    """A booked meeting whose time has passed with no outcome recorded, and a "have you
    started?" answer the dates contradict, are flagged on the concern's own line; a meeting
    recorded as held is not."""
    _m, unrecorded = sent(db, demo)
    walk(db, unrecorded, "meeting_booked")
    meeting_has_passed(db, unrecorded)
    db.execute(
        update(Concern)
        .where(Concern.id == unrecorded.id)
        .values(answers={"offer_started": "yes"}, offer_started_when_sent=False)
    )
    _m, recorded = sent(db, demo, persona="ali", external_id="demo-offer-ali-1")
    walk(db, recorded, "meeting_held")
    db.commit()
    page = text(as_caseworker(app).get("/sagsbehandler/bekymringer"))
    flagged = list_item_with(page, unrecorded.reference)
    quiet = list_item_with(page, recorded.reference)
    assert "Mødet er ikke registreret" in flagged and "Svar og datoer er uenige" in flagged
    assert "Mødet er ikke registreret" not in quiet and "Svar og datoer er uenige" not in quiet
    assert "Møde holdt" in quiet and "Møde aftalt" in flagged


def test_overdue_service_goals_are_marked_and_labelled_as_the_municipalitys(app, db, demo):
    _m, concern = sent(db, demo)
    db.execute(
        update(Concern)
        .where(Concern.id == concern.id)
        .values(submitted_at=datetime.now(UTC) - timedelta(days=30))
    )
    db.commit()
    page = text(as_caseworker(app).get("/sagsbehandler/bekymringer"))
    assert "Servicemål overskredet" in page
    assert "Det er kommunens egne mål. De står ikke i loven." in page


def _many_concerns(db, demo, how_many: int) -> None:
    """Sent concerns about Mette's first offer, as the case system might have after a year."""
    _m, first = sent(db, demo)
    now = datetime.now(UTC)
    db.execute(update(Concern).where(Concern.id == first.id).values(held_offer_status=None))
    for n in range(how_many - 1):
        db.add(
            concern_row(
                first.offer,
                S.CLOSED,
                now,
                submitted_at=now - timedelta(minutes=n + 1),
                reference=f"B-1999-{n:06d}",
            )
        )
    db.commit()


def test_the_queue_pages_by_keyset_with_a_constant_number_of_queries(app, db, demo, count_queries):
    _many_concerns(db, demo, PAGE_SIZE + 5)
    client = as_caseworker(app)
    client.get("/sagsbehandler/bekymringer")  # the first CSRF token is written once, not per page
    with count_queries() as first_count:
        first = client.get("/sagsbehandler/bekymringer?status=all")
    page = text(first)
    assert page.count("/sagsbehandler/bekymringer/") - page.count("bekymringer/?") >= PAGE_SIZE
    cursor = re.search(r'efter=([^"&]+)', page).group(1)
    with count_queries() as second_count:
        second = text(client.get(f"/sagsbehandler/bekymringer?status=all&efter={cursor}"))
    first_ids = set(re.findall(r"/sagsbehandler/bekymringer/(\d+)\"", page))
    second_ids = set(re.findall(r"/sagsbehandler/bekymringer/(\d+)\"", second))
    assert len(first_ids) == PAGE_SIZE and len(second_ids) == 5
    assert not first_ids & second_ids
    assert "Næste side" not in second and "Første side" in second
    assert first_count.count == second_count.count, "25 rows cost what 5 rows cost"


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("status=open", True),
        ("status=finished", False),
        ("status=submitted", True),
        ("right=yes", True),
        ("right=no", False),
        ("scope=mine", True),
        ("status=nonsense&scope=everything&right=maybe", True),  # unknown values: the defaults
        ("efter=not-a-cursor", True),  # a cursor that is not ours: the first page
        ("efter=WzEsIDJd", True),  # ours in form ([1, 2]) but not a queue key: the first page
    ],
)
def test_the_queue_filters(app, db, demo, query, shown):
    _m, concern = sent(db, demo)
    answer = as_caseworker(app).get(f"/sagsbehandler/bekymringer?{query}")
    assert answer.status_code == 200
    assert (concern.reference in text(answer)) is shown


def test_find_by_reference_number_in_any_common_form(app, db, demo):
    _m, concern = sent(db, demo)
    client = as_caseworker(app)
    short = concern.reference.lower().replace("-0000", "-")
    assert concern.reference in text(client.get(f"/sagsbehandler/bekymringer?reference={short}"))
    unreadable = text(client.get("/sagsbehandler/bekymringer?reference=<b>hej</b>"))
    assert "Nummeret kunne ikke læses" in unreadable and "<b>hej</b>" not in unreadable


# -- one concern -----------------------------------------------------------------------------
def test_opening_a_concern_shows_the_answers_and_writes_the_access_log(app, db, demo):
    _m, concern = sent(db, demo)
    page = text(as_caseworker(app).get(f"/sagsbehandler/bekymringer/{concern.id}"))
    assert "For mange timer." in page and "Ryg." in page, "the answers as the citizen gave them"
    assert "Borgeren selv" in page and "Mette" in page
    assert "Bekymringen blev sendt." in page
    [read] = audit_events(db, "concern.read")
    assert read.subject_citizen_id == concern.citizen_id and read.actor_role == "caseworker"
    assert read.purpose == "concern_handling"


def test_another_municipalitys_concern_is_404_and_the_attempt_is_logged(app, db, demo):
    _m, concern = sent(db, demo)
    karim = as_caseworker(app, "karim")
    assert karim.get(f"/sagsbehandler/bekymringer/{concern.id}").status_code == 404
    page = karim.get("/sagsbehandler/bekymringer")
    answer = karim.post(
        f"/sagsbehandler/bekymringer/{concern.id}/kvitter",
        data={"csrf_token": csrf_token(page), "kvitter-version": "1"},
    )
    assert answer.status_code == 404
    assert len(audit_events(db, "concern.open_refused")) == 2
    assert audit_events(db, "concern.read") == []
    db.refresh(concern)
    assert concern.status is S.SUBMITTED


def test_a_draft_is_not_the_caseworkers_to_see(app, db, demo):
    from tests.factories import offer, principal

    draft = concerns.start(
        db, principal(db, demo["mette"]), offer(db, "demo-offer-mette-1").id, TODAY
    )
    assert as_caseworker(app).get(f"/sagsbehandler/bekymringer/{draft.id}").status_code == 404


# -- the actions, and what the citizen sees --------------------------------------------------
def test_the_whole_path_to_a_decision_is_visible_to_the_citizen(app, db, demo):
    """Booked, held, advice, the citizen comments, the decision with klagevejledning, closed."""
    _m, concern = sent(db, demo)
    offer = db.get(Offer, concern.offer_id)
    assert offer.status is OfferStatus.ON_HOLD
    lone = as_caseworker(app)
    for slug, fields in [
        ("kvitter", {"message": "Tak. Jeg ringer dig op i morgen."}),
        ("moede", meeting_fields()),
    ]:
        answer = post_action(lone, concern.id, slug, fields)
        assert answer.status_code == 302, (slug, text(answer)[:2000])
    db.refresh(concern)
    meeting_has_passed(db, concern)
    held = post_action(
        lone,
        concern.id,
        "moede-holdt",
        {"participants": ["citizen", "caseworker", "coordinator"], "note": ""},
    )
    assert held.status_code == 302, text(held)[:2000]
    # The advice is the sundhedskoordinator's own, written in the portal (issue 26).
    anne = as_caseworker(app, "anne")
    advice = post_action(
        anne,
        concern.id,
        "raad",
        {"advice": "Start med 10 timer om ugen, siddende arbejde."},
        desk=COORDINATOR_DESK,
    )
    assert advice.status_code == 302

    mette = as_citizen(app, "mette")
    page = mette.get(f"/bekymringer/{concern.id}")
    assert "Hvad mener du om rådet?" in text(page)
    commented = mette.post(
        f"/bekymringer/{concern.id}/kommentar",
        data={
            "csrf_token": csrf_token(page),
            "version": shown_version_of(page),
            "comment": "Jeg er enig, men jeg skal kunne holde pauser.",
        },
    )
    assert commented.status_code == 302, text(commented)[:2000]

    decision = post_action(
        lone,
        concern.id,
        "beslutning",
        {
            "decision": "adapted",
            "facts": "Borgeren bliver træt efter 3 timer. Rådet er 10 timer.",
            "assessment": "Du kan tåle 10 timer.",
            "hours_per_week": "10",
            "changes": "Siddende arbejde.",
            "early_reason": "",
        },
    )
    assert decision.status_code == 302, text(decision)[:3000]
    assert post_action(lone, concern.id, "luk", {"message": ""}).status_code == 302
    db.refresh(concern)
    db.refresh(offer)
    assert concern.status is S.CLOSED
    assert offer.status is OfferStatus.PLANNED, "the decision released 'sat i bero'"
    page = text_of(mette.get(f"/bekymringer/{concern.id}"))
    for seen in (
        "Din sagsbehandler har modtaget din bekymring.",
        "Tak. Jeg ringer dig op i morgen.",
        "Mødet er aftalt til",
        "Dr. Anne Berg, Klinisk Funktion, Region Nord",
        "Mødet med sundhedskoordinatoren er holdt.",
        "Start med 10 timer om ugen, siddende arbejde.",
        "Du skrev om rådgivningen:",
        "Kommunen har besluttet: Tilbuddet bliver ændret.",
        "Siddende arbejde.",
        "Du kan klage over afgørelsen.",
        "Sagen om din bekymring er afsluttet.",
    ):
        assert seen in page, seen
    letter = text(mette.get(f"/bekymringer/{concern.id}/afgoerelse"))
    for seen in (
        "Afgørelse om dit tilbud",
        "Begrundelse",
        "§ 113, stk. 3",
        "kapitel 11",
        "Borgeren bliver træt efter 3 timer.",
        "Du kan tåle 10 timer.",
        "Timer om ugen 10",
        "Timer om ugen 12",
        "4 uger",
        "Ankestyrelsen",
        "Nordby Kommune",
    ):
        assert seen in text_of(letter), seen
    handled = audit_events(db, "concern.decide")
    assert handled and handled[0].actor_ref == "caseworker:demo-cw-nordby-1"


def test_advice_before_the_meeting_is_held_is_refused_and_kept(app, db, demo, monkeypatch):
    # A region not on the portal: the caseworker records the advice given orally.
    monkeypatch.setitem(app.config, "REGION_CVRS", {})
    _m, concern = sent(db, demo)
    walk(db, concern, "meeting_booked")
    lone = as_caseworker(app)
    answer = post_action(
        lone,
        concern.id,
        "raadgivning",
        {"advice": "Færre timer.", "given_by": "Dr. Anne Berg"},
        version=concern.version,
    )
    assert answer.status_code == 409
    assert "Rådgivningen kan først gemmes, når mødet er holdt." in text(answer)
    assert "Færre timer." in text(answer), "what was typed is kept"
    early = post_action(lone, concern.id, "moede-holdt", {"participants": ["citizen"], "note": ""})
    assert early.status_code == 409
    assert "Mødet er ikke holdt endnu." in text(early)
    db.refresh(concern)
    assert concern.status is S.MEETING_BOOKED


def test_a_meeting_not_held_is_booked_again(app, db, demo):
    _m, concern = sent(db, demo)
    walk(db, concern, "meeting_booked")
    meeting_has_passed(db, concern)
    lone = as_caseworker(app)
    answer = post_action(
        lone, concern.id, "moede-ikke-holdt", {"reason": "citizen_absent", "note": ""}
    )
    assert answer.status_code == 302
    db.refresh(concern)
    assert concern.status is S.ACKNOWLEDGED
    page = text(lone.get(f"/sagsbehandler/bekymringer/{concern.id}"))
    assert "Aftal mødet med sundhedskoordinatoren" in page
    assert "Borgeren kom ikke" in page


def test_a_decision_before_the_comment_period_needs_a_reason(app, db, demo):
    _m, concern = sent(db, demo)
    walk(db, concern, "advice_given")
    lone = as_caseworker(app)
    fields = {
        "decision": "kept",
        "facts": "Mødet er holdt.",
        "assessment": "Tilbuddet passer.",
        "early_reason": "",
    }
    refused = post_action(lone, concern.id, "beslutning", fields)
    assert refused.status_code == 400
    assert "Vent, eller skriv hvorfor kommunen beslutter nu." in text(refused)
    assert "Tilbuddet passer." in text(refused), "what was typed is kept"
    fields["early_reason"] = "Borgeren bad om en hurtig afgørelse."
    assert post_action(lone, concern.id, "beslutning", fields).status_code == 302
    adapted = {
        "decision": "adapted",
        "facts": "x",
        "assessment": "x",
        "changes": "",
        "early_reason": "y",
    }
    _m2, other = sent(db, demo, "ali", "demo-offer-ali-1")
    walk(db, other, "advice_given")
    refused = post_action(lone, other.id, "beslutning", adapted)
    assert refused.status_code == 400
    assert "Ret planen herover, eller skriv hvad der bliver ændret i tilbuddet." in text(refused)


def test_a_message_reaches_the_citizen(app, db, demo):
    _m, concern = sent(db, demo)
    answer = post_action(as_caseworker(app), concern.id, "besked", {"text": "Ring til mig."})
    assert answer.status_code == 302
    page = text(as_citizen(app, "mette").get(f"/bekymringer/{concern.id}"))
    assert "Besked fra din sagsbehandler:" in page and "Ring til mig." in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"day": (TODAY - timedelta(days=3)).isoformat()}, "Mødet skal ligge efter nu."),
        ({"starts_at": "22:00"}, "Vælg et tidspunkt mellem kl. 7 og kl. 19."),
        ({"day": "7/12"}, "Skriv datoen sådan: 2026-12-07."),
        ({"place": ""}, "Skriv, hvor mødet holdes."),
        ({"coordinator": ""}, "Skriv sundhedskoordinatorens navn."),
        ({"form": "carrier-pigeon"}, "Vælg, hvordan mødet holdes."),
    ],
)
def test_a_meeting_that_cannot_be_held_is_refused_and_the_typing_is_kept(
    app, db, demo, change, message
):
    _m, concern = sent(db, demo)
    lone = as_caseworker(app)
    assert post_action(lone, concern.id, "kvitter", {"message": ""}).status_code == 302
    answer = post_action(lone, concern.id, "moede", meeting_fields(**change))
    assert answer.status_code == 400
    page = text(answer)
    assert message in page and "Der er problemer" in page
    assert "Klinisk Funktion, Region Nord" in page, "what was typed is still there"
    db.refresh(concern)
    assert concern.status is S.ACKNOWLEDGED


def test_a_meeting_on_a_weekend_is_refused(app, db, demo):
    _m, concern = sent(db, demo)
    lone = as_caseworker(app)
    post_action(lone, concern.id, "kvitter", {"message": ""})
    saturday = TODAY + timedelta(days=(5 - TODAY.weekday()) % 7 or 7)
    answer = post_action(lone, concern.id, "moede", meeting_fields(day=saturday.isoformat()))
    assert "Vælg en hverdag" in text(answer)


def test_deciding_before_the_advice_is_refused_with_the_reason(app, db, demo):
    _m, concern = sent(db, demo)
    lone = as_caseworker(app)
    post_action(lone, concern.id, "kvitter", {"message": ""})
    page = lone.get(f"/sagsbehandler/bekymringer/{concern.id}")
    answer = lone.post(
        f"/sagsbehandler/bekymringer/{concern.id}/beslutning",
        data={
            "csrf_token": csrf_token(page),
            "beslutning-version": shown_version(page),
            "beslutning-decision": "kept",
            "beslutning-facts": "Mødet er ikke holdt.",
            "beslutning-assessment": "Det passer fint.",
        },
    )
    assert answer.status_code == 409
    assert "først gemmes, når rådgivningen er gemt" in text(answer)
    assert "Det passer fint." in text(answer), "nothing typed is lost"
    db.refresh(concern)
    assert concern.status is S.ACKNOWLEDGED


def test_acting_on_a_withdrawn_concern_is_refused(app, db, demo):
    who, concern = sent(db, demo)
    lone = as_caseworker(app)
    page = lone.get(f"/sagsbehandler/bekymringer/{concern.id}")
    concerns.withdraw(db, who, concern)
    answer = lone.post(
        f"/sagsbehandler/bekymringer/{concern.id}/kvitter",
        data={"csrf_token": csrf_token(page), "kvitter-version": shown_version(page)},
    )
    assert answer.status_code == 409
    assert "En anden har ændret bekymringen" in text(answer), "the citizen withdrew meanwhile"
    page = lone.get(f"/sagsbehandler/bekymringer/{concern.id}")
    assert "Borgeren trak bekymringen tilbage." in text(page)
    assert "kvitter-version" not in text(page), "no action is offered on a withdrawn concern"
    answer = lone.post(
        f"/sagsbehandler/bekymringer/{concern.id}/kvitter",
        data={"csrf_token": csrf_token(page), "kvitter-version": str(concern.version)},
    )
    assert answer.status_code == 409
    assert "Den kan ikke ændres mere" in text(answer)


def test_two_caseworkers_at_once_the_second_is_told_and_nothing_is_lost(app, db, demo):
    _m, concern = sent(db, demo)
    lone = as_caseworker(app)
    page = lone.get(f"/sagsbehandler/bekymringer/{concern.id}")
    seen = concern.version
    concern_steps.transition(db, CASEWORKER, concern, A.ACKNOWLEDGE)  # a colleague was quicker
    answer = lone.post(
        f"/sagsbehandler/bekymringer/{concern.id}/besked",
        data={
            "csrf_token": csrf_token(page),
            "besked-version": str(seen),
            "besked-text": "Jeg ringer i morgen.",
        },
    )
    assert answer.status_code == 409
    page = text(answer)
    assert "En anden har ændret bekymringen" in page
    assert "Jeg ringer i morgen." in page, "the text is still in the field"
    assert "Kommunen kvitterede for bekymringen." in page, "the colleague's step is shown"
    messages = db.scalar(
        select(func.count())
        .select_from(ConcernEvent)
        .where(ConcernEvent.concern_id == concern.id, ConcernEvent.kind == "message_sent")
    )
    assert messages == 0
    resend = post_action(lone, concern.id, "besked", {"text": "Jeg ringer i morgen."})
    assert resend.status_code == 302


def test_an_action_without_csrf_token_is_refused(app, db, demo):
    _m, concern = sent(db, demo)
    answer = as_caseworker(app).post(
        f"/sagsbehandler/bekymringer/{concern.id}/kvitter", data={"kvitter-version": "2"}
    )
    assert answer.status_code == 400
    db.refresh(concern)
    assert concern.status is S.SUBMITTED


# -- the citizen's view of the access log ----------------------------------------------------
def test_the_citizen_sees_when_and_why_but_not_who(app, db, demo):
    _m, concern = sent(db, demo)
    as_caseworker(app).get(f"/sagsbehandler/bekymringer/{concern.id}")
    page = text(as_citizen(app, "mette").get("/hvem-har-set"))
    assert "En sagsbehandler i kommunen: Behandling af din bekymring" in page
    assert "demo-cw-nordby-1" not in page and "Lone Madsen" not in page


def test_the_access_log_page_is_empty_and_calm_when_no_one_has_looked(app, db, demo):
    page = text(as_citizen(app, "ali").get("/hvem-har-set"))
    assert "Ingen andre har set dine oplysninger" in page


# -- the export for journalising -------------------------------------------------------------
def export(client, token: str, **params):
    return client.get("/api/v1/concerns", query_string=params, headers=bearer(token))


@pytest.fixture
def nordby(db, demo) -> str:
    """The token of Nordby's case system, allowed to export."""
    return api_token(db, "901", "export")


def test_the_export_needs_its_own_token(client, db, demo):
    assert client.get("/api/v1/concerns").status_code == 401
    wrong = client.get("/api/v1/concerns", headers=bearer("nope"))
    assert wrong.status_code == 401
    importer = api_token(db, "901", "import")
    assert export(client, importer).status_code == 403, "an import client may not export"


def test_the_export_is_incremental_and_logged(client, nordby, db, demo):
    _m, concern = sent(db, demo)
    first = export(client, nordby, changed_since="2000-01-01T00:00:00Z").get_json()
    [record] = first["concerns"]
    assert record["reference"] == concern.reference
    assert record["offer_id"] == "demo-offer-mette-1" and record["municipality"] == "901"
    assert record["answers"]["worry_text"] == "For mange timer."
    assert [e["kind"] for e in record["timeline"]] == ["submitted"]
    assert "cpr" not in str(record).lower()
    again = export(client, nordby, after=first["next_after"]).get_json()
    assert again["concerns"] == [] and again["next_after"] == first["next_after"]
    concern_steps.transition(db, CASEWORKER, concern, A.ACKNOWLEDGE)
    changed = export(client, nordby, after=first["next_after"]).get_json()
    assert [e["kind"] for e in changed["concerns"][0]["timeline"]] == ["submitted", "acknowledged"]
    exported = audit_events(db, "concern.export")
    assert len(exported) == 2 and exported[0].purpose == "journalising"


@pytest.mark.parametrize(
    "params",
    [
        {"changed_since": "yesterday"},
        {"changed_since": "2026-01-01T00:00:00"},
        {"changed_since": "0001-01-01T00:00:00+01:00"},
        {"changed_since": "9999-12-31T23:59:59-14:00"},
        {"changed_since": "1e400"},
        {"after": "not-a-cursor"},
        {"after": cursors.encode([1e300, 1])},
        {"after": cursors.encode(["2026-01-01T00:00:00Z", 2**40])},
        {"after": cursors.encode(["2026-01-01T00:00:00", 1])},
        {"after": base64.urlsafe_b64encode(b"[" * 5000).decode()},
        {"after": base64.urlsafe_b64encode(b"[NaN, 1]").decode()},
        {"limit": "0"},
        {"limit": "5000"},
        {"limit": "1e3"},
        {"limit": "١٠"},
        {"changedsince": "2026-01-01T00:00:00Z"},  # misspelt: would otherwise export everything
    ],
)
def test_bad_export_parameters_get_a_clear_400(client, nordby, db, demo, params):
    answer = export(client, nordby, **params)
    assert answer.status_code == 400
    assert answer.get_json()["error"]
