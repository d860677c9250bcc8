"""Files on a concern, from the citizen's side: reading what was chosen (with a Danish reason
when a file cannot be kept), taking one off a draft, and downloading one. The checks themselves
are portal.services.documents; these views only carry the request to them."""

from __future__ import annotations

from flask import abort, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.principal import logs_its_looks, requires
from portal.concerns import _concern_or_404, bp
from portal.concerns.forms import STEPS, chosen_files
from portal.db import get_session
from portal.domain.documents import DocumentProblem
from portal.domain.principal import Actor
from portal.downloads import download
from portal.services import access_log, concerns, documents

DOCUMENT_PROBLEMS = {
    DocumentProblem.EMPTY: _l("Filen %(name)s er tom."),
    DocumentProblem.TOO_LARGE: _l("Filen %(name)s er for stor. Den må højst fylde %(mb)s MB."),
    DocumentProblem.TOO_MANY: _l("Der kan højst være %(count)s filer ved en bekymring."),
    DocumentProblem.WRONG_TYPE: _l("Filen %(name)s er ikke en PDF, JPG eller PNG."),
    DocumentProblem.BAD_NAME: _l(
        "Et filnavn må kun have almindelige tegn, ikke fx / eller \\\\. Omdøb filen, fx til "
        "brev.pdf."
    ),
    DocumentProblem.NAME_TOO_LONG: _l(
        "Et filnavn må højst have 200 tegn. Giv filen et kortere navn, fx brev.pdf."
    ),
    DocumentProblem.IMAGE_UNREADABLE: _l(
        "Billedet %(name)s kan ikke åbnes. Tag billedet igen, eller send det som PDF."
    ),
    DocumentProblem.IMAGE_TOO_LARGE: _l(
        "Billedet %(name)s er for stort. Tag et nyt billede med telefonen, eller send en PDF."
    ),
    DocumentProblem.PDF_UNREADABLE: _l("PDF-filen %(name)s kan ikke åbnes."),
    DocumentProblem.PDF_ENCRYPTED: _l(
        "PDF-filen %(name)s har en adgangskode. Send den uden adgangskode."
    ),
    DocumentProblem.PDF_ACTIVE: _l(
        "PDF-filen %(name)s indeholder kode, der kører, når den åbnes. Send et billede af den."
    ),
}


# Room for the form's other fields beside the files.
_FORM_ROOM = 1024 * 1024
_HEALTH_STEP = next(n for n, (key, *_rest) in enumerate(STEPS, start=1) if key == "health")


def limits() -> dict:
    return current_app.config["DOCUMENTS"]


@bp.url_value_preprocessor
def _room_for_files(endpoint: str | None, values: dict | None) -> None:
    """The forms that carry files may be as large as their files; every other request keeps the
    app's limit (PORTAL_MAX_REQUEST_KB). Raised only for a logged-in citizen side, so no one
    else can make us read 50 MB (this runs before the CSRF check reads the body)."""
    values = values or {}
    carries_files = endpoint == "concerns.add_information" or (
        endpoint == "concerns.step" and values.get("number") == _HEALTH_STEP
    )
    if carries_files and request.method == "POST" and current_user.is_authenticated:
        request.max_content_length = limits()["max_files"] * limits()["max_bytes"] + _FORM_ROOM


def problem_text(problem: DocumentProblem, name: str = "") -> str:
    return str(DOCUMENT_PROBLEMS[problem]) % {
        "name": name,
        "mb": limits()["max_bytes"] // (1024 * 1024),
        "count": limits()["max_files"],
    }


def read_files(field, already: int) -> list[documents.Prepared] | None:
    """The chosen files, checked and ready to keep; None (and the reason on the field) if one
    of them cannot be kept — then none is kept."""
    chosen = chosen_files(field)
    if already + len(chosen) > limits()["max_files"]:
        field.errors = [problem_text(DocumentProblem.TOO_MANY)]
        return None
    ready = []
    for upload in chosen:
        name = upload.filename or ""
        try:
            ready.append(documents.prepare(name, upload.read(), limits()["max_bytes"]))
        except documents.DocumentRefused as refused:
            nameless = (DocumentProblem.BAD_NAME, DocumentProblem.NAME_TOO_LONG)
            shown = "" if refused.problem in nameless else name
            field.errors = [problem_text(refused.problem, shown)]
            return None
    return ready


@bp.get("/<int:concern_id>/filer/<int:document_id>")
@requires("citizen")
@logs_its_looks
def document(concern_id: int, document_id: int):
    concern = _concern_or_404(concern_id)
    found = concerns.document_of(concern, document_id)
    if found is None:
        abort(404)
    if current_user.is_delegate:  # a relative opened the citizen's file: name it in the log
        documents.note_download(
            get_session(),
            Actor.citizen(current_user),
            concern.citizen_id,
            found.id,
            access_log.Purpose.RELATIVE_HELP,
        )
    return download(found)
