"""Every screen says what now (issue 25): the line "Det sker nu" with the one thing to do and its
deadline, the advice above the comment form, a way forward on every page, the forløb's end from
30 days before, the helper's third person, the caseworker's summary card, the public site's
statements, and the question "Var det let at bruge?"."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from portal.i18n import long_date
from portal.models import Concern, UsabilityAnswer
from tests.factories import (
    COMPLETE,
    TODAY,
    as_caseworker,
    as_citizen,
    as_relative_for,
    csrf_token,
    fill_all,
    forloeb_ends_in,
    offer_id,
    sent,
    start,
    walk,
)
from tests.pages import text_of


def now_line(page: str) -> str:
    """The words of the "Det sker nu" box, which must come before anything else in <main>."""
    main = page.split("<main", 1)[1]
    box = re.search(r'<section class="portal-now".*?</section>', main, re.S)
    assert box, "no 'Det sker nu' on the page"
    assert main.index("<h1") < box.start() < main.index("<h2"), "it leads the page"
    return text_of(box.group(0))


# -- "Det sker nu" -------------------------------------------------------------------------------
def test_with_nothing_going_on_the_line_says_so_and_whom_to_call(app, demo):
    mette = as_citizen(app, "mette")
    for url in ("/mit-forloeb", "/tilbud", "/bekymringer/"):
        line = now_line(mette.get(url).get_data(as_text=True))
        assert line.strip().startswith("Det sker nu")
        assert "Dit næste tilbud starter" in line or "ring til din sagsbehandler" in line, url


def test_a_draft_says_the_last_day_to_send_it_on_every_page(app, db, demo):
    mette = as_citizen(app, "mette")
    start(mette, db)
    for url in ("/mit-forloeb", "/tilbud", "/bekymringer/"):
        line = now_line(mette.get(url).get_data(as_text=True))
        assert "Din bekymring er ikke sendt endnu. Send den senest" in line, url
        assert "Gør din bekymring færdig" in line


def test_a_sent_concern_waits_for_the_municipality(app, db, demo):
    sent(db, demo)
    line = now_line(as_citizen(app, "mette").get("/mit-forloeb").get_data(as_text=True))
    assert "Kommunen har fået din bekymring." in line and "Se din bekymring" in line


def test_the_advice_stands_directly_above_the_comment_form_and_says_what_silence_means(
    app, db, demo
):
    _who, concern = sent(db, demo)
    walk(db, concern, "advice_given")
    mette = as_citizen(app, "mette")
    until = long_date(db.get(Concern, concern.id).comment_until)
    line = now_line(mette.get("/mit-forloeb").get_data(as_text=True))
    assert f"Skriv, hvad du mener om det, senest {until}." in line
    assert "Læs rådet, og skriv til kommunen" in line

    page = mette.get(f"/bekymringer/{concern.id}").get_data(as_text=True)
    advice = re.search(r'<section id="raad".*?</section>', page, re.S).group(0)
    words = text_of(advice)
    # The heading, the advice itself, then the question and the form — nothing in between.
    assert words.index("Sundhedskoordinatorens råd") < words.index("Hvad mener du om rådet?")
    assert "Skriver du ikke, beslutter kommunen ud fra det, den ved." in words
    assert '<form method="post"' in advice and "<textarea" in advice


def test_a_decision_on_its_way_says_so_and_then_gives_the_complaint_deadline(app, db, demo):
    _who, concern = sent(db, demo)
    walk(db, concern, "decided", decision="kept")
    mette = as_citizen(app, "mette")
    line = now_line(mette.get("/mit-forloeb").get_data(as_text=True))
    assert "Kommunen har truffet en afgørelse. Brevet er på vej til dig." in line


# -- the forløb's end ------------------------------------------------------------------------------
def test_the_forloeb_end_is_explained_from_thirty_days_before(app, db, demo):
    forloeb_ends_in(db, "demo-forloeb-jens", 31)
    jens = as_citizen(app, "jens")
    assert "Dit forløb slutter – hvad så?" not in text_of(jens.get("/mit-forloeb"))

    forloeb_ends_in(db, "demo-forloeb-jens", 8)
    page = jens.get("/mit-forloeb")
    words = text_of(page)
    ends = long_date(TODAY + timedelta(days=8))
    assert f"Dit forløb slutter {ends}. Læs, hvad der sker så." in now_line(page.get_data(True))
    section = words[words.index("Dit forløb slutter – hvad så?") :]
    # What happens, which decision, what to do before, whom to call (a name, a number, hours).
    assert "Det sker, når forløbet slutter" in section
    assert "Det får du at vide i en afgørelse. Er du uenig, kan du klage over den." in section
    assert "Det hedder aktindsigt." in section and "bisidder" in section
    assert "Ring til" in section and "Telefon:" in section
    assert "Åbent: Mandag–fredag kl. 8–14" in section, "Sydhavn's hours, from the case data"


# -- the relative, in the third person ------------------------------------------------------------
def test_the_helper_reads_the_questions_and_the_answers_about_the_citizen(app, db, demo):
    sofie = as_relative_for(app, demo["jens"].name)
    first = start(sofie, db, "demo-offer-jens-2")
    number = int(re.search(r"/bekymringer/(\d+)/", first).group(1))
    seen = []
    for step in range(1, 6):
        form = sofie.get(f"/bekymringer/{number}/trin/{step}")
        seen.append(text_of(form))
        fields = {"csrf_token": csrf_token(form), "offer_started": "no", **COMPLETE}
        sofie.post(f"/bekymringer/{number}/trin/{step}", data=fields)
    seen.append(text_of(sofie.get(f"/bekymringer/{number}/opsummering")))
    steps = " ".join(seen)
    for first_person in ("Jeg får ondt", "Min læge ved det", "Jeg er bekymret, fordi"):
        assert first_person not in steps, first_person
    assert "Jens får ondt" in steps, "the choices name him"
    assert "Jens' læge ved det" in steps, "and the summary rephrases his answers"
    # "Du kan skrive … her" only where the form is: not on the offer's own page.
    offer_page = text_of(sofie.get(f"/tilbud/{offer_id(db, 'demo-offer-jens-2')}"))
    assert "Jens" in offer_page and "Du kan skrive" not in offer_page


def test_a_relative_who_may_only_see_is_not_told_to_write(app, db, demo):
    sofie = as_relative_for(app, demo["birgitte"].name)
    offer = demo["birgitte"].forloeb.offers[0].external_id
    page = text_of(sofie.get(f"/tilbud/{offer_id(db, offer)}/bekymret"))
    assert "Du kan skrive" not in page
    assert "Du kan ringe til Birgittes sagsbehandler." in page


# -- the caseworker's summary card ----------------------------------------------------------------
def test_the_caseworkers_next_action_comes_first_and_leads_to_its_form(app, db, demo):
    _who, concern = sent(db, demo)
    lone = as_caseworker(app, "lone")
    html = lone.get(f"/sagsbehandler/bekymringer/{concern.id}").get_data(as_text=True)
    main = html.split("<main", 1)[1]
    card = re.search(r'<section class="card portal-card casework-summary".*?</section>', main, re.S)
    assert card, "a summary card"
    words = text_of(card.group(0))
    assert "Det skal ske nu" in words and "Sendt" in words and "Frist:" in words
    target = re.search(r'href="#([a-z-]+-heading)"', card.group(0)).group(1)
    assert target == "kvitter-heading" and f'id="{target}"' in main
    # The action's form comes before the case, the answers and the history.
    assert main.index(f'id="{target}"') < main.index("Borger og tilbud") < main.index("Det er sket")

    walk(db, concern, "decided", decision="kept")
    card = text_of(lone.get(f"/sagsbehandler/bekymringer/{concern.id}"))
    assert "Skriv, hvornår borgeren fik den" in card


# -- the public site --------------------------------------------------------------------------
def test_the_accessibility_statement_is_at_was_and_linked_from_every_footer(app):
    anonymous = app.test_client()
    answer = anonymous.get("/was")
    assert answer.status_code == 302
    # Outside production the setting may be missing: then the portal's own page stands in
    # (production refuses to start without an https URL, tests/unit/test_config.py).
    assert answer.headers["Location"] == app.config["CONTACTS"]["was_url"]
    for url in ("/", "/kontakt", "/om-dine-data", "/dine-rettigheder/"):
        assert 'href="/was"' in anonymous.get(url).get_data(as_text=True), url


def test_privacy_names_the_data_protection_officer_and_the_legal_basis_per_purpose(app):
    page = text_of(app.test_client().get("/om-dine-data"))
    assert app.config["CONTACTS"]["dpo_email"] in page
    for basis in ("Artikel 6, stk. 1, litra e.", "artikel 9, stk. 2, litra b.", "Artikel 32."):
        assert basis in page, basis


def test_contact_gives_the_help_line_and_its_hours(app):
    page = text_of(app.test_client().get("/kontakt"))
    assert "Portalens hjælp" in page and "Åbent: Hverdage kl. 9–15 (eksempel)" in page


# -- "Var det let at bruge?" ---------------------------------------------------------------------
def _answer(client, url: str, easy: str, page: str = "receipt"):
    form = client.get(url)
    return client.post(
        "/let-at-bruge",
        data={"csrf_token": csrf_token(form), "page": page, "easy": easy, "next": url},
    )


def test_an_answer_is_kept_without_the_person_once_per_page_and_counted(app, db, demo):
    mette = as_citizen(app, "mette")
    concern_id = fill_all(mette, db)
    summary = mette.get(f"/bekymringer/{concern_id}/opsummering")
    mette.post(f"/bekymringer/{concern_id}/send", data={"csrf_token": csrf_token(summary)})
    receipt = f"/bekymringer/{concern_id}/kvittering"
    assert "Var det let at bruge?" in text_of(mette.get(receipt))

    answer = _answer(mette, receipt, "nej")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("#let-at-bruge")
    assert "Tak for dit svar." in text_of(mette.get(receipt))
    _answer(mette, receipt, "ja")  # a second answer from the same login is not counted
    rows = db.execute(select(UsabilityAnswer)).scalars().all()
    assert [(row.page, row.easy) for row in rows] == [("receipt", False)]
    # Nothing in the row says who answered: no citizen, no session, no concern.
    columns = set(UsabilityAnswer.__table__.columns.keys())
    assert columns == {"id", "municipality_id", "answered_on", "page", "easy"}

    figures = text_of(as_caseworker(app, "hanne").get("/kommune/tal-om-retten"))
    assert "Er portalen let at bruge?" in figures


def test_a_made_up_answer_is_refused_and_not_kept(app, db, demo):
    mette = as_citizen(app, "mette")
    for page, easy in (("receipt", "måske"), ("forside", "ja"), ("", "")):
        assert _answer(mette, "/mit-forloeb", easy, page).status_code == 400
    assert db.scalar(select(func.count()).select_from(UsabilityAnswer)) == 0
