"""'Tal om retten' (issues 17 and 23): each figure against a hand-counted set of concerns in
Nordby, how every count is published (0, "< 5", or rounded to 5) so that no two can be
subtracted into a person, the page, its CSV, who may see it, the guidance as a recorded fact, and
the API for the ministry.

The period is the two whole months before this one; the fixture is laid out in working days from
the first Monday a week into it, so the expected times are the very numbers used to build it,
whatever day the tests run (Danish holidays included).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from portal.domain.casework import add_working_days, danish_holidays
from portal.domain.danish import DANISH_TIME
from portal.domain.figures import (
    Period,
    PeriodProblem,
    Shown,
    month_start,
    period_problem,
    possible,
)
from portal.domain.readability import GOAL, lix
from portal.models import AuditEvent, ConcernEvent, GuidanceShown, Municipality
from portal.services import casework, figures
from tests.factories import (
    TODAY,
    api_token,
    as_caseworker,
    as_citizen,
    bearer,
    concern_row,
    offer,
)
from tests.pages import main_sentences, text_of

HOLIDAYS = danish_holidays()
# The two months before this one (whole months that are over), and a Monday a week into them.
LAST = month_start(TODAY) - timedelta(days=1)
PERIOD = Period(month_start(month_start(LAST) - timedelta(days=1)), LAST)
START = PERIOD.first + timedelta(days=7)
FIRST = START + timedelta(days=(7 - START.weekday()) % 7)
GOALS = casework.ServiceGoals(acknowledge_days=2, meeting_days=10)


def _at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), DANISH_TIME).astimezone(UTC)


def _day(start: date, working_days: int) -> date:
    return add_working_days(start, working_days, HOLIDAYS)


def _concern(db, external_id, sent, steps=(), *, relative=False, decision="adapted", status=None):
    """A sent concern about the offer: sent at ``sent`` (a datetime), then each (kind, working
    days after the day it was sent), as the caseworker's steps would have written them."""
    who = ("relative", "relative:sofie") if relative else ("citizen", "citizen:x")
    status = status or (steps[-1][0] if steps else "submitted")
    concern = concern_row(offer(db, external_id), status, sent, who, submitted_at=sent)
    db.add(concern)
    db.flush()
    sent_day = sent.astimezone(DANISH_TIME).date()
    db.add(
        ConcernEvent(
            concern=concern,
            occurred_at=sent,
            kind="submitted",
            actor_role=who[0],
            actor_ref=who[1],
            data={},
        )
    )
    for kind, after in steps:
        data = {"decision": decision} if kind == "decided" else {}
        db.add(
            ConcernEvent(
                concern=concern,
                occurred_at=_at(_day(sent_day, after)),
                kind=kind,
                actor_role="caseworker",
                actor_ref="caseworker:x",
                data=data,
            )
        )
    return concern


def _draft(db, external_id, created, status="draft"):
    db.add(concern_row(offer(db, external_id), status, created))


def _steps(ack, booked=None, held=None, decided=None):
    steps = [("acknowledged", ack)]
    steps += [("meeting_booked", booked)] if booked is not None else []
    steps += [("meeting_held", held)] if held is not None else []
    steps += [("decided", decided)] if decided is not None else []
    return steps


@pytest.fixture
def nordby(db, demo):
    """Hand-counted: in the period, Nordby has these concerns.

    c1-c5 (virksomhedspraktik), c6-c8 (løntilskud) sent in the period, c6 and c7 by a relative;
    c7 withdrawn; c8 sent at 23:30 on the period's last day (Danish time, so inside); c9 at 00:30
    the day after (outside: this month). c10 and c11 sent before the period, met and decided in
    it.
    Two drafts started in the period and not sent, one of them deleted.
    """
    mette, ali = "demo-offer-mette-1", "demo-offer-ali-1"
    _concern(db, mette, _at(_day(FIRST, 0)), _steps(1, 4, 8, 9), decision="adapted")
    _concern(db, mette, _at(_day(FIRST, 0)), _steps(2, 5, 10, 11), decision="adapted")
    _concern(db, mette, _at(_day(FIRST, 1)), _steps(2, 10, 13, 14), decision="adapted")
    _concern(db, mette, _at(_day(FIRST, 2)), _steps(3, 15, 16, 17), decision="kept")
    _concern(db, mette, _at(_day(FIRST, 3)), _steps(1, 5, 9, 10), decision="stopped")
    _concern(db, ali, _at(_day(FIRST, 5)), _steps(3), relative=True)
    _concern(db, ali, _at(_day(FIRST, 6)), [("withdrawn", 1)], relative=True)
    _concern(db, ali, _at(LAST, 23, 30))
    _concern(db, ali, _at(LAST + timedelta(days=1), 0, 30))
    # Sent four and five days before the period began.
    decided_in_period = [("acknowledged", 1), ("meeting_held", 4), ("decided", 5)]
    _concern(db, ali, _at(PERIOD.first - timedelta(days=4)), decided_in_period)
    _concern(db, ali, _at(PERIOD.first - timedelta(days=5)), decided_in_period)
    _draft(db, "demo-offer-mette-2", _at(_day(FIRST, 10)))
    _draft(db, ali, _at(_day(FIRST, 11)), status="discarded")
    db.flush()
    return db.scalar(select(Municipality).where(Municipality.code == "901"))


def _nordby_figures(db, place, **kwargs):
    found = figures.figures(db, PERIOD, GOALS, municipality_id=place.id, **kwargs)
    return found.municipalities[0]


def test_each_figure_is_counted_from_the_timeline(db, nordby):
    found = _nordby_figures(db, nordby)
    values = {name: cell.value for name, cell in found.cells.items()}
    assert values["started"] == 10, "c1-c8 and the two drafts, the deleted one too"
    assert values["started_not_sent"] == 2
    assert values["sent"] == 8, "c1-c8: the 23:30 send is on the last Danish day, 00:30 is not"
    assert values["sent_by_relative"] == 2
    assert values["withdrawn"] == 1
    assert values["meeting_held"] == 7, "c1-c5 and c10, c11 sent before the period"
    assert values["decided"] == 7
    assert (values["outcome_adapted"], values["outcome_kept"], values["outcome_stopped"]) == (
        5,
        1,
        1,
    )
    assert values["kind_virksomhedspraktik"] == 5 and values["kind_loentilskud"] == 3
    assert values["kind_mentor"] == 0


def test_times_are_working_days_from_the_day_it_was_sent(db, nordby):
    found = _nordby_figures(db, nordby)
    acknowledged = found.durations["acknowledged"]  # 1, 2, 2, 3, 1, 3 (c1-c6)
    assert (acknowledged.count, acknowledged.median, acknowledged.p90) == (6, 2, 3)
    assert acknowledged.within_goal == 4, "the goal is 2 working days"
    booked = found.durations["meeting_booked"]  # 4, 5, 10, 15, 5
    assert (booked.count, booked.median, booked.p90, booked.within_goal) == (5, 5, 15, 4)
    held = found.durations["meeting_held"]  # 8, 10, 13, 16, 9
    assert (held.count, held.median, held.p90) == (5, 10, 16)
    decided = found.durations["decided"]  # 9, 11, 14, 17, 10
    assert (decided.count, decided.median, decided.p90) == (5, 11, 17)


def test_every_count_is_published_as_0_below_5_or_rounded_to_5(db, nordby):
    found = _nordby_figures(db, nordby)
    shown = {name: (cell.shown, cell.published) for name, cell in found.cells.items()}
    assert shown["sent"] == (Shown.ROUNDED, 10), "8 sent"
    assert shown["decided"] == (Shown.ROUNDED, 5), "7 decided"
    assert shown["outcome_adapted"] == (Shown.ROUNDED, 5)
    assert shown["sent_by_relative"] == (Shown.BELOW_FIVE, None)
    assert shown["withdrawn"] == (Shown.BELOW_FIVE, None)
    assert shown["kind_loentilskud"] == (Shown.BELOW_FIVE, None)
    assert shown["kind_mentor"] == (Shown.EXACT, 0), "no concern: that names no one"
    assert shown["started"] == (Shown.ROUNDED, 10)


def _rests(whole, part) -> set[int]:
    return {w - p for w in possible(whole) for p in possible(part) if w - p >= 0}


def test_a_filtered_table_and_all_offers_cannot_be_subtracted_into_a_person(db, nordby):
    """Issue 23: all sent 7, virksomhedspraktik 6, so løntilskud 1. Here: all sent 8, of them 5
    virksomhedspraktik: what a reader can tell of the løntilskud concerns is a span, never 3."""
    every = _nordby_figures(db, nordby).cell("sent")
    practice = _nordby_figures(db, nordby, offer_kind="virksomhedspraktik").cell("sent")
    subsidised = _nordby_figures(db, nordby, offer_kind="loentilskud").cell("sent")
    assert (every.value, practice.value, subsidised.value) == (8, 5, 3)
    told = _rests(every, practice)
    assert 3 in told and len(told) >= 5, sorted(told)
    assert subsidised.published is None


def test_two_periods_a_month_apart_cannot_be_subtracted_into_a_day_or_a_person(db, nordby):
    """A period is whole months that are over: no two periods can differ by a day. Two periods
    a month apart differ by a month, and that month's own count is published by the same rule:
    subtracting tells no more than it does."""
    both = _nordby_figures(db, nordby).cell("sent")
    later = figures.figures(db, Period(month_start(LAST), LAST), GOALS).municipalities[0]
    told = _rests(both, later.cell("sent"))
    assert len(told) > 1
    earlier_alone = figures.figures(
        db, Period(PERIOD.first, month_start(LAST) - timedelta(1)), GOALS
    )
    assert earlier_alone.municipalities[0].cell("sent").value in told
    assert period_problem(PERIOD.first, LAST - timedelta(days=1), TODAY) is (
        PeriodProblem.NOT_WHOLE_MONTHS
    ), "a period a day shorter is not asked at all"


def test_one_kind_of_offer_counts_only_its_concerns(db, nordby):
    found = _nordby_figures(db, nordby, offer_kind="loentilskud")
    values = {name: cell.value for name, cell in found.cells.items()}
    assert values["sent"] == 3 and values["withdrawn"] == 1
    assert values["decided"] == 2, "c10 and c11"
    assert found.kinds == ("loentilskud",)
    assert found.durations["acknowledged"].count == 1


def test_guidance_counts_citizens_with_an_employment_oriented_offer_in_the_period(db, nordby):
    for external_id in ("demo-offer-mette-1", "demo-offer-ali-1"):
        running = offer(db, external_id)
        running.start_date, running.end_date = FIRST - timedelta(days=30), LAST + timedelta(days=30)
    shown_to = offer(db, "demo-offer-ali-1")
    db.add(
        GuidanceShown(
            offer_id=shown_to.id,
            citizen_id=shown_to.forloeb.citizen_id,
            municipality_id=nordby.id,
            shown_at=_at(FIRST),
            shown_to_role="citizen",
        )
    )
    db.flush()
    found = _nordby_figures(db, nordby)
    assert (found.cell("offer_citizens").value, found.cell("saw_guidance").value) == (2, 1)
    assert found.cell("offer_citizens").shown is Shown.BELOW_FIVE


# -- the page ---------------------------------------------------------------------------------
def _query() -> str:
    return f"fra={PERIOD.first:%Y-%m}&til={LAST:%Y-%m}"


def test_the_manager_sees_each_figure_as_a_chart_a_sentence_and_a_table(app, db, nordby):
    page = as_caseworker(app, "hanne").get(f"/kommune/tal-om-retten?{_query()}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    text = text_of(page)
    # Five figures of the right's use and one of how easy the portal is (issue 25).
    assert html.count('<svg class="chart"') == 6 and html.count("<table") == 6
    assert "Bekymringer sendt ca. 10" in text, "the same number in the table"
    assert "I perioden blev omkring 10 bekymringer startet, og omkring 10 blev sendt." in text
    assert "En pårørende sendte under 5 af dem." in text
    assert "Tilbuddet bliver ændret ca. 5" in text
    assert "Halvdelen fik svar på højst 2 arbejdsdage. Kommunens mål er 2." in text
    assert "Tallene er rundet til nærmeste 5." in text and "tal på siden står som “< 5”" in text
    assert "Bekymringer sendt 8" not in text and "og 8 blev sendt" not in text, "never the true 8"
    assert 'aria-describedby="use-summary"' in html and 'id="use-summary"' in html


def test_the_csv_holds_the_same_suppressed_numbers(app, db, nordby):
    answer = as_caseworker(app, "hanne").get(f"/kommune/tal-om-retten.csv?{_query()}")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="tal-om-retten-')
    body = answer.get_data(as_text=True)
    assert body.startswith("\ufeff"), "a byte-order mark, so a Danish spreadsheet reads æøå"
    rows = {row[0]: row[1] for row in csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";")}
    assert rows["Bekymringer sendt"] == "10"
    assert rows["… sendt af en pårørende"] == "< 5"
    assert rows["Tilbuddet bliver ændret"] == "5"
    assert rows["Kvitteret: median, arbejdsdage"] == "2"
    assert rows["Møde aftalt: 9 af 10, arbejdsdage"] == "15"


def test_a_manager_sees_only_their_own_municipality(app, db, nordby):
    text = text_of(as_caseworker(app, "karim").get(f"/kommune/tal-om-retten?{_query()}"))
    assert "Sydhavn Kommune" in text
    assert "Bekymringer sendt 0" in text, "Sydhavn's own (none), not Nordby's 8"


def test_a_caseworker_without_the_manager_role_has_no_access(app, db, nordby):
    answer = as_caseworker(app, "lone").get("/kommune/tal-om-retten")
    assert answer.status_code == 403
    assert "Du har ikke adgang" in text_of(answer)
    assert as_caseworker(app, "lone").get("/kommune/tal-om-retten.csv").status_code == 403


def test_a_manager_only_starts_at_the_figures_and_does_not_see_the_concerns(app, db, demo):
    hanne = as_caseworker(app, "hanne")
    assert hanne.get("/sagsbehandler/").headers["Location"] == "/kommune/tal-om-retten"
    assert hanne.get("/sagsbehandler/bekymringer").status_code == 403
    karim = as_caseworker(app, "karim")
    assert "Tal om retten" in text_of(karim.get("/sagsbehandler/bekymringer"))
    assert "Bekymringer i kommunen" in text_of(karim.get("/kommune/tal-om-retten"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("fra=2026-05&til=2026-04", "Den sidste måned skal ligge efter den første måned."),
        ("fra=2019-01&til=2026-01", "Vælg en periode på højst 5 år."),
        ("fra=&til=2026-01", "Skriv den første måned."),
        ("fra=1.%20maj&til=2026-01", "Skriv måneden sådan: 2026-01."),
        ("fra=2999-01&til=2999-02", "Vælg måneder, der er slut."),
        ("fra=0001-01&til=0002-01", "Ressourceforløb findes fra januar 2013."),
        ("fra=9996-01&til=9996-02", "Vælg måneder, der er slut."),
        ("fra=2026-01-02&til=2026-02", "Vælg hele måneder, fx 2026-01."),
        (f"fra={TODAY:%Y-%m}&til={TODAY:%Y-%m}", "Vælg måneder, der er slut."),
        ("fra=2026-01&til=2026-02&slags=alt", "Vælg fra listen."),
    ],
)
def test_a_period_that_cannot_be_counted_gets_a_clear_message(app, db, demo, query, message):
    answer = as_caseworker(app, "hanne").get(f"/kommune/tal-om-retten?{query}")
    assert answer.status_code == 400
    text = text_of(answer)
    assert "Der er problemer" in text and message in text
    assert "Bekymringer trin for trin" not in text, "no figures for a period that is not one"


def test_what_was_typed_stays_in_the_form(app, db, demo):
    html = as_caseworker(app, "hanne").get("/kommune/tal-om-retten?fra=2026-05&til=2026-04")
    assert 'value="2026-05"' in html.get_data(as_text=True)


def test_every_view_is_logged_as_statistics_about_no_citizen(app, db, nordby):
    def views():
        return db.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.purpose == "statistics")
        )

    before = views()
    hanne = as_caseworker(app, "hanne")
    hanne.get(f"/kommune/tal-om-retten?{_query()}")
    hanne.get(f"/kommune/tal-om-retten.csv?{_query()}")
    assert views() == before + 2
    logged = db.scalars(select(AuditEvent).where(AuditEvent.purpose == "statistics")).all()
    assert {e.action for e in logged} >= {"figures.view", "figures.csv"}
    assert all(e.subject_citizen_id is None and e.actor_role == "manager" for e in logged)
    lookups = text_of(as_citizen(app, "mette").get("/hvem-har-set"))
    assert "leder" not in lookups.lower() and "statistik" not in lookups.lower()


# -- the guidance, recorded -------------------------------------------------------------------
def test_the_guidance_is_recorded_the_first_time_the_offer_page_shows_it(app, db, demo):
    mette = as_citizen(app, "mette")
    with_right = offer(db, "demo-offer-mette-1")
    mentor = offer(db, "demo-offer-mette-2")
    for _ in range(2):
        assert mette.get(f"/tilbud/{with_right.id}").status_code == 200
    assert mette.get(f"/tilbud/{mentor.id}").status_code == 200
    rows = db.scalars(select(GuidanceShown)).all()
    assert [(r.offer_id, r.shown_to_role) for r in rows] == [(with_right.id, "citizen")]


# -- the API ----------------------------------------------------------------------------------
def _api(client, token, query=""):
    return client.get(f"/api/v1/figures{query}", headers=bearer(token))


def test_a_municipality_reads_its_own_figures_and_the_ministry_every_municipalitys(
    app, client, db, nordby
):
    query = f"?from={PERIOD.first:%Y-%m}&to={LAST:%Y-%m}"
    own = _api(client, api_token(db, "901", "figures"), query)
    assert own.status_code == 200 and own.headers["Cache-Control"] == "no-store"
    body = own.get_json()
    assert [m["code"] for m in body["municipalities"]] == ["901"]
    counts = body["municipalities"][0]["counts"]
    assert counts["sent"] == {"value": 10, "shown": "rounded"}
    assert counts["sent_by_relative"] == {"value": None, "shown": "below_5"}
    assert counts["kind_mentor"] == {"value": 0, "shown": "exact"}
    assert body["rounded_to"] == 5
    by_days = _api(client, api_token(db, "901", "figures"), f"?from={PERIOD.first}&to={LAST}")
    assert by_days.get_json()["municipalities"] == body["municipalities"], "the same months"
    steps = body["municipalities"][0]["working_days"]
    assert (steps["acknowledged"]["median"], steps["acknowledged"]["goal"]) == (2, 2)

    cli = app.test_cli_runner()
    added = cli.invoke(
        args=["api-client", "add", "--national", "--scopes", "figures", "--name", "STAR"]
    )
    assert added.exit_code == 0, added.output
    national = added.output.split("Token (shown only now): ")[1].strip()
    every = _api(client, national, query).get_json()
    assert [m["code"] for m in every["municipalities"]] == ["901", "902"]
    assert every["municipalities"][0] == body["municipalities"][0], "the same suppressed figures"
    assert client.get("/api/v1/concerns", headers=bearer(national)).status_code == 403
    refused = cli.invoke(
        args=["api-client", "add", "--national", "--scopes", "export", "--name", "X"]
    )
    assert refused.exit_code == 1, "a national client reads figures, never a record"


@pytest.mark.parametrize(
    "query",
    [
        "?from=2026-13",
        "?from=1e400",
        "?from=2026-05&to=2026-04",
        "?from=2010-01&to=2026-01",
        "?from=2026-01-02&to=2026-01-31",  # not a whole month
        "?from=2026-01&to=2999-12",  # not over
        "?offer_kind=everything",
        "?since=2026-01-01",
        "?from=%D9%A2%D9%A0%D9%A2%D9%A6-01-01",  # Arabic-Indic digits
        "?from=0001-01&to=0002-01&offer_kind=mentor",  # Schemathesis: was a 500
        "?from=9996-01&to=9996-02",
    ],
)
def test_the_figures_api_refuses_what_it_cannot_count_with_a_400(client, db, demo, query):
    answer = _api(client, api_token(db, "901", "figures"), query)
    assert answer.status_code == 400 and answer.get_json()["error"]


def test_a_client_without_the_figures_scope_is_refused(client, db, demo):
    assert _api(client, api_token(db, "901", "import,export")).status_code == 403


def test_the_page_reads_as_plain_danish(app, db, nordby):
    """LIX measures running text: the sentences (ending in a full stop or a question mark), not
    the labels of the charts and tables, which name the figures in the glossary's words."""
    page = as_caseworker(app, "hanne").get(f"/kommune/tal-om-retten?{_query()}")
    sentences = [
        s for s in main_sentences(page.get_data(as_text=True)) if s.rstrip().endswith((".", "?"))
    ]
    assert len(sentences) >= 10
    assert lix("\n".join(sentences)).score <= GOAL


def test_the_page_costs_the_same_queries_for_a_quiet_and_a_busy_municipality(
    app, db, nordby, count_queries
):
    hanne, karim = as_caseworker(app, "hanne"), as_caseworker(app, "karim")
    with count_queries() as busy:
        hanne.get(f"/kommune/tal-om-retten?{_query()}")
    with count_queries() as quiet:
        karim.get(f"/kommune/tal-om-retten?{_query()}")
    assert busy.count == quiet.count <= 14, "one query per figure, whatever the numbers"


def test_the_page_and_its_csv_speak_english_too(app, db, nordby):
    hanne = as_caseworker(app, "hanne")
    text = text_of(hanne.get(f"/kommune/tal-om-retten?{_query()}&lang=en"))
    assert "Figures on the right" in text
    assert "In the period, about 10 concerns were started and about 10 were sent." in text
    assert "numbers on the page are shown as “< 5”." in text
    body = hanne.get(f"/kommune/tal-om-retten.csv?{_query()}").get_data(as_text=True)
    assert "Concerns sent;10;" in body and "Acknowledged: median, working days;2;" in body


def test_a_day_is_a_danish_day_in_the_database_too(db, demo):
    # Sent at 00:30 Danish time on a Monday (Sunday evening in UTC), acknowledged at noon the
    # same Monday: the same day, 0 working days — not 1, as UTC days would have it.
    monday = FIRST + timedelta(days=7)
    for _ in range(5):
        concern = _concern(db, "demo-offer-mette-1", _at(monday, 0, 30))
        db.add(
            ConcernEvent(
                concern=concern,
                occurred_at=_at(monday, 12),
                kind="acknowledged",
                actor_role="caseworker",
                actor_ref="caseworker:x",
                data={},
            )
        )
    db.flush()
    place = db.scalar(select(Municipality).where(Municipality.code == "901"))
    acknowledged = _nordby_figures(db, place).durations["acknowledged"]
    assert (acknowledged.count, acknowledged.median, acknowledged.p90) == (5, 0, 0)


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        (
            '=HYPERLINK("https://evil.example","Klik")',
            '\'=HYPERLINK("https://evil.example","Klik")',
        ),
        ("+4570102030", "'+4570102030"),
        ("-1", "'-1"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("Bekymringer sendt", "Bekymringer sendt"),
        ("< 5", "< 5"),
    ],
)
def test_no_csv_cell_is_run_as_a_formula_by_a_spreadsheet(cell, written):
    from portal.figures import spreadsheet_safe

    assert spreadsheet_safe(cell) == written
