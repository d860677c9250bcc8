"""One story on every screen (issue 13): where a concern stands is told the same way on the front
page, the offers list, the offer, "Mine bekymringer" and in the calendar; the meeting has one box,
one calendar event that a move updates, and one "flyttet" line; "Gem og fortsæt senere" keeps what
was typed; a caseworker's action is one entry in the citizen's access log; English pages mark the
case system's Danish."""

from __future__ import annotations

import re

import icalendar
from sqlalchemy import func, select

from portal.domain.concerns import ConcernStatus as S
from portal.models import AuditEvent, Concern, Offer
from tests.factories import (
    as_caseworker,
    as_citizen,
    csrf_token,
    feed_url,
    meeting_fields,
    offer_id,
    post_action,
    post_step,
    sent,
    start,
    walk,
)
from tests.pages import text_of

STORY_PAGES = ["/mit-forloeb", "/tilbud", "/bekymringer/"]
ON_HOLD = "Tilbuddet er sat i bero. Du skal ikke starte, før kommunen har besluttet."


def events(ics: bytes) -> list:
    return icalendar.Calendar.from_ical(ics).walk("VEVENT")


def test_on_hold_is_told_on_every_page_and_leaves_the_calendar_until_the_decision(app, db, demo):
    citizen = as_citizen(app)
    feed = feed_url(citizen)
    calendar_app = app.test_client()
    [before] = [e for e in events(calendar_app.get(feed).data) if "planteskole" in e["summary"]]
    number = offer_id(db)
    assert "Er du bange for, at tilbuddet kan skade dit helbred?" in text_of(
        citizen.get("/mit-forloeb")
    ), "before: the front page offers the right"

    _, concern = sent(db, demo)

    for url in [*STORY_PAGES, f"/tilbud/{number}"]:
        words = text_of(citizen.get(url))
        assert "Sat i bero" in words, url
        assert ON_HOLD in words, url
    front = text_of(citizen.get("/mit-forloeb"))
    assert "Tilbuddet venter, til kommunen har besluttet." in front
    assert "(om 9 dage)" not in front, "no countdown to a start that will not happen"
    assert "Er du bange for, at tilbuddet kan skade dit helbred?" not in front
    offer_page = citizen.get(f"/tilbud/{number}").get_data(as_text=True)
    assert f'href="/tilbud/{number}/bekymret"' not in offer_page, "not offered again"
    assert f'href="/bekymringer/{concern.id}"' in offer_page

    [held] = [e for e in events(calendar_app.get(feed).data) if "planteskole" in e["summary"]]
    assert held["uid"] == before["uid"], "the same event, so calendar apps replace it"
    assert held["status"] == "CANCELLED"
    assert held["summary"] == "Sat i bero: Virksomhedspraktik i en planteskole"

    walk(db, concern, "decided", decision="adapted")
    offer_page = text_of(citizen.get(f"/tilbud/{number}"))
    assert "8 timer om ugen." in offer_page, "the changed offer shows its changes"
    assert "Sat i bero" not in offer_page
    [after] = [e for e in events(calendar_app.get(feed).data) if "planteskole" in e["summary"]]
    assert after["uid"] == before["uid"] and "status" not in after
    for url in STORY_PAGES:
        assert "Kommunen har svaret: Tilbuddet bliver ændret." in text_of(citizen.get(url)), url


def test_the_meeting_has_one_box_one_calendar_event_and_one_moved_line(app, db, demo):
    _, concern = sent(db, demo)
    walk(db, concern, "acknowledged")
    caseworker = as_caseworker(app)
    refused = post_action(
        caseworker,
        concern.id,
        "moede",
        meeting_fields(form="video", place="http://video.example/rum-12"),
    )
    assert refused.status_code == 400
    assert "Det skal starte med https://." in text_of(refused)
    assert 'value="http://video.example/rum-12"' in refused.get_data(as_text=True), "kept"
    db.expire_all()
    assert db.get(Concern, concern.id).status is S.ACKNOWLEDGED, "nothing saved"

    link = "https://video.example/rum-12?pwd=a&b=c"
    booked = post_action(caseworker, concern.id, "moede", meeting_fields(form="video", place=link))
    assert booked.status_code == 302
    citizen = as_citizen(app)
    for url in ["/mit-forloeb", f"/bekymringer/{concern.id}"]:
        page = citizen.get(url).get_data(as_text=True)
        assert page.count(">Dit møde</h2>") == 1, url
        assert 'href="https://video.example/rum-12?pwd=a&amp;b=c"' in page, "one tap to join"
        assert "Gå til videomødet" in page
        assert f'href="/bekymringer/{concern.id}/moede.ics"' in page, "Føj til kalender"
    first = events(citizen.get(f"/bekymringer/{concern.id}/moede.ics").data)
    assert len(first) == 1 and first[0]["sequence"] == 0
    assert first[0]["url"] == link

    moved = post_action(
        caseworker,
        concern.id,
        "moede",
        meeting_fields(form="video", place=link, starts_at="13:30"),
    )
    assert moved.status_code == 302
    [second] = events(citizen.get(f"/bekymringer/{concern.id}/moede.ics").data)
    assert second["uid"] == first[0]["uid"], "the same event, updated"
    assert second["sequence"] == 1
    assert second.decoded("dtstart").strftime("%H:%M") == "13:30"
    page = text_of(citizen.get(f"/bekymringer/{concern.id}"))
    assert page.count("Mødet er flyttet fra") == 1
    assert "Mødet er flyttet. Det er den nye tid." in page
    assert page.count("Mødet er aftalt") <= 1, "said once, not on every line"
    in_feed = [e for e in events(citizen.get(feed_url(citizen)).data) if "meeting" in e["uid"]]
    assert [e["uid"] for e in in_feed] == [second["uid"]]


def test_save_later_keeps_what_was_typed_on_the_step(app, db, demo):
    citizen = as_citizen(app)
    url = start(citizen, db)
    post_step(citizen, url, {"offer_started": "no"})
    second = url.replace("/trin/1", "/trin/2")
    answer = post_step(
        citizen, second, {"worries": ["fatigue"], "worry_text": "Jeg er træt.", "later": "1"}
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/bekymringer/?later=1"
    assert "Dine svar er gemt" in text_of(citizen.get("/bekymringer/?later=1"))
    again = citizen.get(second).get_data(as_text=True)
    assert re.search(r'value="fatigue"[^>]*checked', again)
    assert "Jeg er træt.</textarea>" in again

    # Nothing chosen yet on the next step: saved as it is, no error for what is not done yet.
    third = url.replace("/trin/1", "/trin/3")
    post_step(citizen, second, {"worries": ["fatigue"], "worry_text": "Jeg er træt."})
    answer = post_step(citizen, third, {"health_text": "Ondt i ryggen.", "later": "1"})
    assert answer.status_code == 302
    assert "Ondt i ryggen.</textarea>" in citizen.get(third).get_data(as_text=True)

    # Too long is a real problem: shown, and what was typed is still in the field.
    too_long = "ord " * 400
    answer = post_step(citizen, third, {"health_text": too_long, "later": "1"})
    assert answer.status_code == 400
    assert too_long.strip() in answer.get_data(as_text=True)
    assert "Ondt i ryggen.</textarea>" in citizen.get(third).get_data(as_text=True)


def test_the_step_states_the_limit_without_javascript_and_counts_with_it(app, db, demo):
    citizen = as_citizen(app)
    url = start(citizen, db)
    post_step(citizen, url, {"offer_started": "no"})
    page = citizen.get(url.replace("/trin/1", "/trin/2")).get_data(as_text=True)
    assert "Du kan skrive op til 2000 tegn." in text_of(page)
    assert re.search(r'<textarea[^>]*data-maxlength="2000"', page)


def test_the_receipt_answers_the_next_questions(app, db, demo):
    citizen = as_citizen(app)
    url = start(citizen, db)
    for number, answers in {
        1: {"offer_started": "no"},
        2: {"worries": ["hours"]},
        3: {"health_text": "Ondt.", "doctor_knows": "no"},
        4: {"helps": ["fewer_hours"]},
        5: {"meeting_form": "phone", "phone": "20304050"},
    }.items():
        post_step(citizen, url.replace("/trin/1", f"/trin/{number}"), answers)
    concern_id = int(re.search(r"/bekymringer/(\d+)/", url).group(1))
    summary = citizen.get(f"/bekymringer/{concern_id}/opsummering")
    citizen.post(f"/bekymringer/{concern_id}/send", data={"csrf_token": csrf_token(summary)})
    receipt = citizen.get(f"/bekymringer/{concern_id}/kvittering")
    words = text_of(receipt)
    promise = r"Kommunen vil svare dig senest \w+dag den .+\. Det er kommunens eget mål\."
    assert re.search(promise, words)
    assert "Det står ikke i loven." in words
    assert "Din sagsbehandler giver stedet besked om, at tilbuddet venter." in words
    assert "Det gælder også, hvis startdatoen kommer, før kommunen har besluttet." in words
    assert "Har du spørgsmål før, så ring til din sagsbehandler, Lone Madsen." in words
    assert 'class="button button-secondary js-print" hidden' in receipt.get_data(as_text=True)


def test_one_caseworker_action_is_one_entry_in_the_citizens_log(app, db, demo):
    _, concern = sent(db, demo)
    caseworker = as_caseworker(app)

    def entries() -> int:
        return db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.subject_citizen_id == concern.citizen_id)
        )

    page = caseworker.get(f"/sagsbehandler/bekymringer/{concern.id}")
    looked = entries()
    version = re.search(r'name="kvitter-version" value="(\d+)"', page.get_data(as_text=True))
    answer = caseworker.post(
        f"/sagsbehandler/bekymringer/{concern.id}/kvitter",
        data={"csrf_token": csrf_token(page), "kvitter-version": version.group(1)},
    )
    assert caseworker.get(answer.headers["Location"]).status_code == 200
    assert entries() == looked + 1, "the action and the page that shows it: one entry"
    [last] = db.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).all()
    assert last.action == "concern.acknowledge"

    # The result page cannot be had without a log by making up its URL.
    caseworker.get(f"/sagsbehandler/bekymringer/{concern.id}?udfoert=kvitter")
    assert entries() == looked + 2

    words = text_of(as_citizen(app).get("/hvem-har-set"))
    assert "Derfor kan en dag vise flere opslag." in words


def test_english_pages_mark_the_case_systems_danish(app, db, demo):
    citizen = as_citizen(app)
    page = citizen.get(f"/tilbud/{offer_id(db)}?lang=en").get_data(as_text=True)
    title = db.scalar(select(Offer.title).where(Offer.external_id == "demo-offer-mette-1"))
    assert re.search(
        rf'<h1 data-source="case" lang="da">{title} <span class="case-language">\(på dansk\)',
        page,
    )
    danish = citizen.get(f"/tilbud/{offer_id(db)}?lang=da").get_data(as_text=True)
    assert "(på dansk)" not in danish and 'lang="da">' + title not in danish
