"""Files on a concern (issue 16): a citizen attaches a doctor's letter and a photo while filling
in the concern or afterwards; the caseworker opens them; every look is in the citizen's access
log; a file the portal cannot keep is refused with a Danish reason, nothing saved and nothing
typed lost; and only those who may see the concern can open its files.
"""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from portal.models import AuditEvent, Concern, ConcernDocument, ConcernEvent
from portal.services import concerns, retention
from tests import files, hostile_files
from tests.factories import (
    TODAY,
    api_token,
    as_caseworker,
    as_citizen,
    as_relative_for,
    bearer,
    csrf_token,
    fill_all,
    forloeb_ends_in,
    login,
    sent,
)
from tests.pages import text_of

HEALTH_STEP = 3


def upload(name: str, data: bytes, kind: str = "application/octet-stream"):
    return (io.BytesIO(data), name, kind)


def post_health_step(client, concern_id: int, chosen: list, **answers):
    url = f"/bekymringer/{concern_id}/trin/{HEALTH_STEP}"
    token = csrf_token(client.get(url))
    fields = {"health_text": "Jeg har ondt i ryggen.", "doctor_knows": "yes"} | answers
    return client.post(
        url,
        data={"csrf_token": token, **fields, "files": chosen},
        content_type="multipart/form-data",
    )


def stored(db, concern_id: int) -> list[ConcernDocument]:
    db.expire_all()
    return list(
        db.scalars(
            select(ConcernDocument)
            .where(ConcernDocument.concern_id == concern_id)
            .order_by(ConcernDocument.id)
        )
    )


def document_looks(db, citizen_id: int) -> list[tuple[str, str, str]]:
    return list(
        db.execute(
            select(AuditEvent.actor_role, AuditEvent.action, AuditEvent.purpose)
            .where(
                AuditEvent.subject_citizen_id == citizen_id,
                AuditEvent.action.like("document.%"),
            )
            .order_by(AuditEvent.id)
        ).all()
    )


# -- attaching while the concern is filled in -----------------------------------------------
def test_a_photo_and_a_letter_go_with_the_concern_and_the_photo_loses_its_location(
    client, db, demo
):
    login(client, "mette")
    concern_id = fill_all(client, db)
    page = client.get(f"/bekymringer/{concern_id}/trin/{HEALTH_STEP}")
    text = text_of(page)
    assert "Hver fil må højst fylde 10 MB. Der kan højst være 5 filer." in text, "said before"
    html = page.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html
    assert 'accept="application/pdf,image/jpeg,image/png' in html, "a phone offers its camera"

    saved = post_health_step(
        client,
        concern_id,
        [
            upload("foto af brev.jpg", files.photo_with_location(), "image/jpeg"),
            upload("Lægeerklæring.pdf", files.letter_pdf(), "application/pdf"),
        ],
        return_to="summary",
    )
    assert saved.status_code == 302, text_of(saved)[:600]

    photo, letter = stored(db, concern_id)
    assert (photo.filename, photo.content_type) == ("foto af brev.jpg", "image/jpeg")
    assert (letter.filename, letter.content_type) == ("Lægeerklæring.pdf", "application/pdf")
    assert not files.has_location(photo.content), "no GPS, no camera in what is kept"
    assert letter.content == files.letter_pdf() or letter.content.startswith(b"%PDF-")
    assert photo.added_by_role == "citizen"

    summary = text_of(client.get(f"/bekymringer/{concern_id}/opsummering"))
    assert "Filer foto af brev.jpg, Lægeerklæring.pdf" in summary

    mine = client.get(f"/bekymringer/{concern_id}/filer/{photo.id}")
    assert mine.status_code == 200 and mine.data == photo.content
    assert document_looks(db, demo_citizen_id(db, concern_id)) == [], "her own look is no look"


def demo_citizen_id(db, concern_id: int) -> int:
    return db.scalar(select(Concern.citizen_id).where(Concern.id == concern_id))


def test_a_file_is_taken_off_the_draft_when_ticked_and_saved(client, db, demo):
    login(client, "mette")
    concern_id = fill_all(client, db)
    post_health_step(client, concern_id, [upload("brev.pdf", files.letter_pdf())])
    (letter,) = stored(db, concern_id)
    page = text_of(client.get(f"/bekymringer/{concern_id}/trin/{HEALTH_STEP}"))
    assert "Filer ved din bekymring" in page and "brev.pdf (1 kB," in page

    answer = post_health_step(client, concern_id, [], remove_file=str(letter.id))
    assert answer.status_code == 302
    assert stored(db, concern_id) == []


def test_a_draft_deleted_takes_its_files_with_it(client, db, demo):
    login(client, "mette")
    concern_id = fill_all(client, db)
    post_health_step(client, concern_id, [upload("brev.pdf", files.letter_pdf())])
    summary = client.get(f"/bekymringer/{concern_id}/opsummering")
    deleted = client.post(
        f"/bekymringer/{concern_id}/slet", data={"csrf_token": csrf_token(summary)}
    )
    assert deleted.status_code == 302
    assert stored(db, concern_id) == []


# -- bad files: refused with a reason, nothing saved, nothing typed lost ----------------------
BAD_FILES = {
    "too large": (
        [upload("scanning.pdf", files.letter_pdf() + b"%" + b"0" * 60_000)],
        "Filen scanning.pdf er for stor. Den må højst fylde",
    ),
    "another type": ([upload("billede.gif", files.gif())], "er ikke en PDF, JPG eller PNG"),
    "a name that says PDF but is not": (
        [upload("brev.pdf", b"Hej, dette er bare tekst.")],
        "Filen brev.pdf er ikke en PDF, JPG eller PNG.",
    ),
    "an image that does not decode": (
        [upload("foto.jpg", files.broken_photo())],
        "Billedet foto.jpg kan ikke åbnes. Tag billedet igen, eller send det som PDF.",
    ),
    "a PDF with JavaScript": (
        [upload("brev.pdf", files.pdf_with_javascript())],
        "PDF-filen brev.pdf indeholder kode, der kører, når den åbnes.",
    ),
    "an encrypted PDF": (
        [upload("brev.pdf", files.encrypted_pdf())],
        "PDF-filen brev.pdf har en adgangskode. Send den uden adgangskode.",
    ),
    "a PDF that cannot be read": (
        [upload("brev.pdf", files.letter_pdf()[:200])],
        "PDF-filen brev.pdf kan ikke åbnes.",
    ),
    "a name with a path": (
        [upload("../../etc/brev.pdf", files.letter_pdf())],
        "Et filnavn må kun have almindelige tegn",
    ),
    "a name with a control character": (
        [upload("brev\x07.pdf", files.letter_pdf())],
        "Et filnavn må kun have almindelige tegn",
    ),
    "a name turned around by a right-to-left override": (
        [upload("brev\u202efdp.exe", files.letter_pdf())],
        "Et filnavn må kun have almindelige tegn",
    ),
    "a name too long": (
        [upload("b" * 210 + ".pdf", files.letter_pdf())],
        "Et filnavn må højst have 200 tegn.",
    ),
    "a picture bomb": (
        [upload("foto.png", hostile_files.png_bomb())],
        "Billedet foto.png er for stort.",
    ),
    "a Launch action written with an escaped name": (
        [upload("brev.pdf", hostile_files.hostile_pdfs()["Launch written with an escaped name"])],
        "PDF-filen brev.pdf indeholder kode, der kører, når den åbnes.",
    ),
    "an empty file": ([upload("tom.pdf", b"")], "Filen tom.pdf er tom."),
    "a sixth file": (
        [upload(f"brev{n}.pdf", files.letter_pdf()) for n in range(6)],
        "Der kan højst være 5 filer ved en bekymring.",
    ),
}


@pytest.fixture
def small_limit(app):
    """Files of at most 50 kB for the test (the limit is a setting; 10 MB in the real one)."""
    before = app.config["DOCUMENTS"]
    app.config["DOCUMENTS"] = {**before, "max_bytes": 50_000}
    yield
    app.config["DOCUMENTS"] = before


@pytest.mark.usefixtures("small_limit")
@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_in_danish_and_nothing_is_saved_or_lost(client, db, demo, case):
    chosen, message = BAD_FILES[case]
    login(client, "mette")
    concern_id = fill_all(client, db)
    before = db.scalar(select(Concern.answers).where(Concern.id == concern_id))

    answer = post_health_step(client, concern_id, chosen, health_text="Nyt om min ryg, skrevet nu.")
    assert answer.status_code == 400, case
    text = text_of(answer)
    assert "Der er problemer" in text and message in text, (case, text[:800])
    assert "Nyt om min ryg, skrevet nu." in answer.get_data(as_text=True), "typed text kept"
    assert stored(db, concern_id) == [], case
    db.expire_all()
    assert db.scalar(select(Concern.answers).where(Concern.id == concern_id)) == before, case


def test_a_sixth_file_after_sending_is_refused_too(client, db, demo):
    who, concern = sent(db, demo)
    for n in range(5):
        concerns.add_information(
            db, who, concern, "", concern.version,
            [concern_file(f"brev{n}.pdf")],
        )  # fmt: skip
    login(client, "mette")
    page = client.get(f"/bekymringer/{concern.id}")
    assert 'type="file"' not in page.get_data(as_text=True), "no field once there are five"
    answer = client.post(
        f"/bekymringer/{concern.id}/tilfoej",
        data={
            "csrf_token": csrf_token(page),
            "version": str(concern.version),
            "information": "Og en til.",
            "files": [upload("brev6.pdf", files.letter_pdf())],
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400
    assert "Der kan højst være 5 filer ved en bekymring." in text_of(answer)
    assert len(stored(db, concern.id)) == 5


def concern_file(name: str):
    from portal.services.documents import prepare

    return prepare(name, files.letter_pdf(), 10 * 1024 * 1024)


def test_an_upload_cut_off_half_way_leaves_nothing(client, db, demo):
    login(client, "mette")
    concern_id = fill_all(client, db)
    url = f"/bekymringer/{concern_id}/trin/{HEALTH_STEP}"
    token = csrf_token(client.get(url))
    boundary = "----grænse"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="csrf_token"\r\n\r\n'
        f"{token}\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="health_text"\r\n\r\n'
        "Halvvejs\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="files"; filename="brev.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode() + files.letter_pdf()
    full_length = len(body) + 5000  # the connection broke before the rest arrived
    answer = client.post(
        url,
        input_stream=io.BytesIO(body),
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(full_length),
        },
    )
    assert answer.status_code == 400
    assert stored(db, concern_id) == []
    db.expire_all()
    assert "Halvvejs" not in str(db.scalar(select(Concern.answers).where(Concern.id == concern_id)))


def test_a_file_chosen_on_a_step_with_another_problem_is_asked_for_again(client, db, demo):
    login(client, "mette")
    concern_id = fill_all(client, db)
    answer = post_health_step(
        client,
        concern_id,
        [upload("brev.pdf", files.letter_pdf())],
        health_text="",
        doctor_knows="",
    )
    assert answer.status_code == 400
    assert "Filen er ikke gemt endnu. Vælg den igen, når resten er rettet." in text_of(answer)
    assert stored(db, concern_id) == []


# -- after sending: "Tilføj noget" ----------------------------------------------------------
def test_a_file_added_later_is_on_the_timeline_and_the_caseworker_opens_it_logged(app, db, demo):
    _mette, concern = sent(db, demo)
    mette = as_citizen(app, "mette")
    page = mette.get(f"/bekymringer/{concern.id}")
    added = mette.post(
        f"/bekymringer/{concern.id}/tilfoej",
        data={
            "csrf_token": csrf_token(page),
            "version": re.search(r'name="version" value="(\d+)"', page.get_data(as_text=True))[1],
            "information": "",
            "files": [upload("IMG_2041.JPG", files.photo_with_location(), "image/jpeg")],
        },
        content_type="multipart/form-data",
    )
    assert added.status_code == 302, text_of(added)[:500]
    (photo,) = stored(db, concern.id)
    detail = text_of(mette.get(f"/bekymringer/{concern.id}"))
    assert "Du tilføjede: IMG_2041.JPG" in detail and "Dine filer IMG_2041.JPG" in detail

    lone = as_caseworker(app, "lone")
    case_page = text_of(lone.get(f"/sagsbehandler/bekymringer/{concern.id}"))
    assert "Vedhæftede filer IMG_2041.JPG" in case_page
    opened = lone.get(f"/sagsbehandler/bekymringer/{concern.id}/filer/{photo.id}")
    assert opened.status_code == 200 and opened.data == photo.content
    assert opened.headers["Content-Type"] == "image/jpeg"
    assert opened.headers["Content-Disposition"].startswith('attachment; filename="IMG_2041.JPG"')
    assert opened.headers["X-Content-Type-Options"] == "nosniff"
    assert opened.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert opened.headers["Cache-Control"] == "no-store"

    assert document_looks(db, concern.citizen_id) == [
        ("caseworker", f"document.download:{photo.id}", "concern_handling")
    ]
    lookups = text_of(mette.get("/hvem-har-set"))
    assert "Behandling af din bekymring. Åbnede din fil IMG_2041.JPG" in lookups


def test_words_or_a_file_are_needed_to_add_something(client, db, demo):
    _who, concern = sent(db, demo)
    login(client, "mette")
    page = client.get(f"/bekymringer/{concern.id}")
    answer = client.post(
        f"/bekymringer/{concern.id}/tilfoej",
        data={"csrf_token": csrf_token(page), "version": str(concern.version), "information": ""},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400
    assert "Skriv det, du vil tilføje, eller vælg en fil." in text_of(answer)


def test_a_relative_who_may_act_attaches_and_the_file_says_who(app, db, demo):
    forloeb_ends_in(db, "demo-forloeb-jens", 60)
    _jens, concern = sent(db, demo, "jens", "demo-offer-jens-1")
    sofie = as_relative_for(app, "Jens Testhansen")
    page = sofie.get(f"/bekymringer/{concern.id}")
    added = sofie.post(
        f"/bekymringer/{concern.id}/tilfoej",
        data={
            "csrf_token": csrf_token(page),
            "version": str(concern.version),
            "information": "Brevet fra lægen.",
            "files": [upload("brev.pdf", files.letter_pdf(), "application/pdf")],
        },
        content_type="multipart/form-data",
    )
    assert added.status_code == 302, text_of(added)[:500]
    (letter,) = stored(db, concern.id)
    assert (letter.added_by_role, letter.added_by_name) == ("relative", "Sofie Testhansen")
    seen_by_jens = text_of(as_citizen(app, "jens").get(f"/bekymringer/{concern.id}"))
    assert "brev.pdf" in seen_by_jens and "tilføjet af Sofie Testhansen" in seen_by_jens

    sofie.get(f"/bekymringer/{concern.id}/filer/{letter.id}")
    looks = document_looks(db, concern.citizen_id)
    assert looks == [("relative", f"document.download:{letter.id}", "relative_help")]
    relative_page_looks = db.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "relative.concerns.document")
    )
    assert relative_page_looks == 0, "one download, one entry"


def test_a_relative_who_may_only_see_cannot_attach(app, db, demo):
    _birgitte, concern = sent(db, demo, "birgitte", "demo-offer-birgitte-1")
    sofie = as_relative_for(app, "Birgitte Eksempel")
    page = sofie.get(f"/bekymringer/{concern.id}")
    assert 'type="file"' not in page.get_data(as_text=True)
    answer = sofie.post(
        f"/bekymringer/{concern.id}/tilfoej",
        data={
            "csrf_token": csrf_token(page),
            "version": str(concern.version),
            "files": [upload("brev.pdf", files.letter_pdf(), "application/pdf")],
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 403
    assert stored(db, concern.id) == []


# -- who may open a file --------------------------------------------------------------------
# visitor → (the citizen's download URL, the caseworker's download URL)
FILE_MATRIX = {
    "anonymous": (302, 302),
    "the citizen": (200, 403),
    "another citizen": (404, 403),
    "a relative for someone else": (404, 403),
    "caseworker, same municipality": (403, 200),
    "caseworker, other municipality": (403, 404),
    "caseworker without the role": (302, 302),
}


def _file_visitor(app, who: str):
    if who == "anonymous":
        return app.test_client()
    if who == "a relative for someone else":
        return as_relative_for(app, "Jens Testhansen")
    citizens = {"the citizen": "mette", "another citizen": "ali"}
    if who in citizens:
        return as_citizen(app, citizens[who])
    client = app.test_client()
    from tests.factories import caseworker_login

    persona = {
        "caseworker, same municipality": "lone",
        "caseworker, other municipality": "karim",
        "caseworker without the role": "per",
    }[who]
    caseworker_login(client, persona)
    return client


@pytest.mark.parametrize("who", list(FILE_MATRIX))
def test_only_those_who_may_see_the_concern_open_its_files(app, db, demo, who):
    mette, concern = sent(db, demo)
    concerns.add_information(db, mette, concern, "", concern.version, [concern_file("brev.pdf")])
    (letter,) = stored(db, concern.id)
    client = _file_visitor(app, who)
    expected_citizen, expected_caseworker = FILE_MATRIX[who]

    as_citizen_url = client.get(f"/bekymringer/{concern.id}/filer/{letter.id}")
    assert as_citizen_url.status_code == expected_citizen, who
    as_caseworker_url = client.get(f"/sagsbehandler/bekymringer/{concern.id}/filer/{letter.id}")
    assert as_caseworker_url.status_code == expected_caseworker, who
    for answer in (as_citizen_url, as_caseworker_url):
        if answer.status_code != 200:
            assert letter.content not in answer.data, who

    looks = document_looks(db, concern.citizen_id)
    if who == "caseworker, other municipality":
        assert looks == [("caseworker", "document.download_refused", "refused")]
    elif who == "caseworker, same municipality":
        assert looks == [("caseworker", f"document.download:{letter.id}", "concern_handling")]
    else:
        assert looks == [], who


def test_a_file_id_from_another_concern_is_not_found(app, db, demo):
    mette, concern = sent(db, demo)
    concerns.add_information(db, mette, concern, "", concern.version, [concern_file("brev.pdf")])
    (letter,) = stored(db, concern.id)
    forloeb_ends_in(db, "demo-forloeb-jens", 60)
    _jens, other = sent(db, demo, "jens", "demo-offer-jens-1")
    lone = as_caseworker(app, "lone")
    assert lone.get(f"/sagsbehandler/bekymringer/{other.id}/filer/{letter.id}").status_code == 404
    mette_client = as_citizen(app, "mette")
    assert mette_client.get(f"/bekymringer/{other.id}/filer/{letter.id}").status_code == 404


# -- the export and the case system -----------------------------------------------------------
def test_the_export_lists_the_files_and_the_case_system_downloads_them_logged(app, db, demo):
    mette, concern = sent(db, demo)
    concerns.add_information(db, mette, concern, "", concern.version, [concern_file("brev.pdf")])
    (letter,) = stored(db, concern.id)
    token = api_token(db, "901", "export")
    client = app.test_client()
    page = client.get("/api/v1/concerns", headers=bearer(token)).get_json()
    (record,) = [r for r in page["concerns"] if r["reference"] == concern.reference]
    (listed,) = record["documents"]
    assert listed["filename"] == "brev.pdf" and listed["sha256"] == letter.sha256
    assert listed["url"] == f"http://localhost/api/v1/documents/{letter.id}"

    fetched = client.get(f"/api/v1/documents/{letter.id}", headers=bearer(token))
    assert fetched.status_code == 200 and fetched.data == letter.content
    assert fetched.headers["Content-Disposition"].startswith("attachment;")
    assert ("system", f"document.download:{letter.id}", "journalising") in document_looks(
        db, concern.citizen_id
    )

    other = api_token(db, "902", "export")
    refused = client.get(f"/api/v1/documents/{letter.id}", headers=bearer(other))
    assert refused.status_code == 404 and refused.get_json()["error"]
    assert ("system", "document.download_refused", "refused") in document_looks(
        db, concern.citizen_id
    )


def test_files_go_with_the_concern_under_the_retention_rules(db, demo):
    from datetime import UTC, datetime, timedelta

    from portal.models import Forloeb, Offer
    from tests.factories import walk

    mette, concern = sent(db, demo)
    concerns.add_information(db, mette, concern, "", concern.version, [concern_file("brev.pdf")])
    walk(db, concern, "closed")
    forloeb = db.scalar(select(Forloeb).join(Offer).where(Offer.id == concern.offer_id))
    forloeb.ended_recorded_on = TODAY - timedelta(days=800)  # a run saw it end long ago
    concern.finished_at = datetime.now(UTC) - timedelta(days=800)
    db.commit()
    policy = retention.Policy(concern_days=365, access_log_days=183, outbox_days=30)
    removed = retention.run(db, policy, TODAY, datetime.now(UTC))
    assert removed.concerns >= 1
    assert stored(db, concern.id) == []
    assert db.scalar(select(func.count()).select_from(ConcernEvent).where(
        ConcernEvent.concern_id == concern.id)) == 0  # fmt: skip
