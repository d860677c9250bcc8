"""A citizen's offers: the lists, one offer with the § 113, stk. 3 guidance, access, calendar."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr
from sqlalchemy import delete, select, update

from portal.models import Forloeb, Offer, OfferKind, OfferStatus
from tests.factories import TODAY, csrf_token, feed_url, login
from tests.pages import text_of

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def offer_id(db, external_id: str) -> int:
    return db.scalar(select(Offer.id).where(Offer.external_id == external_id))


def test_offers_are_grouped_upcoming_current_past(client, db, demo):
    db.execute(
        update(Offer)
        .where(Offer.external_id == "demo-offer-mette-2")
        .values(status=OfferStatus.ENDED)
    )
    db.commit()
    login(client, "mette")
    page = text_of(client.get("/tilbud"))
    assert page.index("Tilbud, der skal starte") < page.index("Virksomhedspraktik i en planteskole")
    assert page.index("Tilbud, der er slut") < page.index("Mentorstøtte · Nordby Kommune")
    assert "Tilbud lige nu" not in page


def test_an_employment_oriented_offer_shows_everything_and_the_right(client, db, demo):
    login(client, "mette")
    page = text_of(client.get(f"/tilbud/{offer_id(db, 'demo-offer-mette-1')}"))
    for expected in [
        "Virksomhedspraktik: Du er på en arbejdsplads i en periode.",
        "Havevej 12, 9990 Nordby",
        "mandag, tirsdag, torsdag fra kl. 09.00 til 13.00",
        "12 timer",
        "Hanne Gartner",
        "Du skal ikke løfte mere end 10 kg.",
        "Din ret til en samtale med en sundhedskoordinator",
        "Siger du til, før tilbuddet starter, skal du ikke starte, før kommunen har besluttet",
        "Jeg er bekymret for, om tilbuddet passer til mit helbred",
        "§ 113, stk. 3",
        "Føj til kalender",
    ]:
        assert expected in page, expected


def test_a_started_offer_does_not_promise_waiting(client, db, demo):
    login(client, "ali")
    page = text_of(client.get(f"/tilbud/{offer_id(db, 'demo-offer-ali-1')}"))
    assert "Din ret til en samtale med en sundhedskoordinator" in page
    assert "skal du ikke starte" not in page


def test_other_offers_do_not_promise_the_legal_right(client, db, demo):
    login(client, "birgitte")
    page = text_of(client.get(f"/tilbud/{offer_id(db, 'demo-offer-birgitte-1')}"))
    assert "Sundhedsfaglig indsats" in page
    assert "Din ret til en samtale" not in page
    assert "fortæl det til din sagsbehandler" in page
    worried = text_of(client.get(f"/tilbud/{offer_id(db, 'demo-offer-birgitte-1')}/bekymret"))
    assert "sundhedskoordinator" not in worried
    assert "Karim Olsen" in worried
    assert "En bekymring er ikke en klage" in worried


def test_the_worried_page_explains_how_to_use_the_right(client, db, demo):
    login(client, "mette")
    page = text_of(client.get(f"/tilbud/{offer_id(db, 'demo-offer-mette-1')}/bekymret"))
    assert "Du bruger din ret ved at sende en bekymring her." in page
    assert "Skriv din bekymring" in page
    assert "Lone Madsen" in page and "70 10 20 41" in page
    assert "inden 4 uger fra den dag, du fik afgørelsen" in page and "Ankestyrelsen" in page


@pytest.mark.parametrize("suffix", ["", "/bekymret", "/kalender.ics"])
def test_another_citizens_offer_is_not_found(client, db, demo, suffix):
    login(client, "ali")
    response = client.get(f"/tilbud/{offer_id(db, 'demo-offer-mette-1')}{suffix}")
    assert response.status_code == 404
    assert "Planteskole" not in response.get_data(as_text=True)


def test_a_person_without_case_data_has_no_offers(client, db, demo):
    login(client, "peter")
    assert client.get(f"/tilbud/{offer_id(db, 'demo-offer-mette-1')}").status_code == 404
    assert "Du har ikke fået nogen tilbud endnu" in text_of(client.get("/tilbud"))
    assert client.get("/kalender").status_code == 404, "no case data, no calendar feed"


def test_an_offer_on_hold_says_so_and_what_it_means(client, db, demo):
    db.execute(
        update(Offer)
        .where(Offer.external_id == "demo-offer-mette-1")
        .values(status=OfferStatus.ON_HOLD)
    )
    db.commit()
    login(client, "mette")
    page = text_of(client.get(f"/tilbud/{offer_id(db, 'demo-offer-mette-1')}"))
    assert "Sat i bero" in page
    assert "Du skal ikke møde op, før kommunen har besluttet" in page
    assert "Sat i bero" in text_of(client.get("/tilbud"))


def test_a_forloeb_without_offers_says_whom_to_ask(client, db, demo):
    forloeb = db.scalar(select(Forloeb.id).where(Forloeb.external_id == "demo-forloeb-ali"))
    db.execute(delete(Offer).where(Offer.forloeb_id == forloeb))
    db.commit()
    login(client, "ali")
    assert "Du har ingen tilbud lige nu. Spørg din sagsbehandler" in text_of(
        client.get("/mit-forloeb")
    )
    assert "Spørg din sagsbehandler, Lone Madsen, hvad der skal ske." in text_of(
        client.get("/tilbud")
    )


def test_an_ended_forloeb_is_shown_as_ended(client, db, demo):
    db.execute(
        update(Forloeb)
        .where(Forloeb.external_id == "demo-forloeb-jens")
        .values(planned_end_date=TODAY - timedelta(days=3))
    )
    db.commit()
    login(client, "jens")
    page = text_of(client.get("/mit-forloeb"))
    assert "Dit ressourceforløb sluttede" in page
    assert "Der er" not in page.split("Dit ressourceforløb sluttede")[1][:200]


def test_the_offers_list_costs_the_same_queries_for_many_offers(client, db, demo, count_queries):
    login(client, "mette")
    client.get("/tilbud")
    with count_queries() as few:
        client.get("/tilbud")
    forloeb = db.scalar(select(Forloeb).where(Forloeb.external_id == "demo-forloeb-mette"))
    db.add_all(
        Offer(
            external_id=f"many-{i}",
            forloeb=forloeb,
            kind=OfferKind.MENTOR,
            title=f"Ekstra {i}",
            start_date=TODAY + timedelta(days=i - 30),
        )
        for i in range(60)
    )
    db.commit()
    with count_queries() as many:
        response = client.get("/tilbud")
    assert "Ekstra 59" in response.get_data(as_text=True)
    assert many.count == few.count


# -- calendar ----------------------------------------------------------------------------------
def test_an_offer_downloads_as_a_calendar_event_in_danish_time(client, db, demo):
    login(client, "mette")
    response = client.get(f"/tilbud/{offer_id(db, 'demo-offer-mette-1')}/kalender.ics")
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(response.data)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    event = calendar.walk("VEVENT")[0]
    start = event["DTSTART"].dt
    assert start.tzinfo is not None and start.time() == time(9, 0)
    assert start.weekday() in (0, 1, 3)
    assert "Havevej 12" in str(event["LOCATION"])
    assert "løfte" not in response.get_data(as_text=True), "health considerations stay private"


def test_a_weekly_schedule_keeps_its_local_time_across_daylight_saving(client, db, demo):
    forloeb = db.scalar(select(Forloeb).where(Forloeb.external_id == "demo-forloeb-mette"))
    offer = Offer(
        external_id="dst-offer",
        forloeb=forloeb,
        kind=OfferKind.VIRKSOMHEDSPRAKTIK,
        title="Praktik hen over sommertid",
        start_date=date(2027, 3, 15),
        end_date=date(2027, 4, 9),
        weekdays="MO,TH",
        day_starts_at=time(9, 0),
        day_ends_at=time(13, 0),
    )
    db.add(offer)
    db.commit()
    login(client, "mette")
    ics = client.get(f"/tilbud/{offer.id}/kalender.ics").data
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    start = event["DTSTART"].dt
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
    occurrences = [o.astimezone(COPENHAGEN) for o in rule]
    assert occurrences[0] == datetime(2027, 3, 15, 9, 0, tzinfo=COPENHAGEN)
    assert occurrences[-1].date() == date(2027, 4, 8)
    assert {o.time() for o in occurrences} == {time(9, 0)}, "09:00 local, winter and summer"
    assert {o.utcoffset() for o in occurrences} == {timedelta(hours=1), timedelta(hours=2)}


def test_the_personal_feed_works_without_login_and_can_be_revoked(app, client, db, demo):
    login(client, "mette")
    url = feed_url(client)
    assert "Mette" not in url and demo["mette"].cpr not in url
    calendar_app = app.test_client()
    feed = calendar_app.get(url)
    assert feed.status_code == 200
    assert "Virksomhedspraktik i en planteskole" in feed.get_data(as_text=True)
    assert "Set-Cookie" not in feed.headers

    tampered = url[:-8] + ("A" if url[-8] != "A" else "B") + url[-7:]
    assert calendar_app.get(tampered).status_code == 404

    client.post("/kalender/nyt-link", data={"csrf_token": csrf_token(client.get("/kalender"))})
    assert calendar_app.get(url).status_code == 404, "the old link is revoked"
    assert calendar_app.get(feed_url(client)).status_code == 200


def test_the_feed_of_one_citizen_does_not_open_another(app, client, db, demo):
    login(client, "mette")
    url = feed_url(client)
    other = app.test_client()
    login(other, "ali")
    assert feed_url(other) != url
    assert "Lagerjob" not in app.test_client().get(url).get_data(as_text=True)
