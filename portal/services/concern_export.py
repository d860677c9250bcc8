"""The concern export for journalising: sent concerns and their whole timeline as JSON,
for the municipality's case system to file. Incremental: each answer ends with a cursor that the
next call passes back, and only concerns changed after it come again.

Concerns are identified to the case system by its own ids (forløb and offer), never by CPR
number, which the portal does not have. Every concern exported is a look at the citizen's data,
so it is written to the access log as the case system's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from babel.dates import format_date
from sqlalchemy import literal, select, tuple_
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.domain.concerns import UNSENT
from portal.domain.danish import danish_date
from portal.domain.decisions import complaint_deadline, complaint_guidance
from portal.models import ApiClient, Concern, ConcernDocument, Offer
from portal.models.base import UTCDateTime
from portal.services import access_log, cursors, decisions
from portal.services.concern_steps import advice_event, decision_event

MAX_PAGE = 200


class CursorUnreadable(ValueError):
    """The cursor is not one this endpoint gave out."""


def encode_cursor(updated_at: datetime, concern_id: int) -> str:
    return cursors.encode([updated_at.isoformat(), concern_id])


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    key = cursors.decode(cursor)
    if key is None or len(key) != 2:
        raise CursorUnreadable
    moment, concern_id = cursors.moment(key[0]), cursors.identifier(key[1])
    if moment is None or concern_id is None:
        raise CursorUnreadable
    return moment, concern_id


def _danish(text: str, values: dict) -> str:
    return text % {
        key: format_date(value, "d. MMMM y", locale="da") if isinstance(value, date) else value
        for key, value in values.items()
    }


def _decision(concern: Concern) -> dict | None:
    """The decision as the citizen got it (forvaltningsloven §§ 22, 24 and 25): the outcome,
    what it rests on (rules, facts, assessment), what it does to the offer's plan for the case
    system to apply, how and when it reached the citizen, and the klagevejledning in Danish,
    its deadline counted from that day (none while the letter is on its way)."""
    decided = decision_event(concern)
    if decided is None:
        return None
    received = decisions.delivery(concern)
    guidance = complaint_guidance(concern.municipality.name, received[1] if received else None)
    plan = concern.plan_decision
    return {
        "outcome": decided.data.get("decision"),
        "legal_basis": decided.data.get("legal_basis", []),
        "case_facts": decided.data.get("case_facts", {}),
        "facts": decided.data.get("facts", ""),
        "assessment": decided.data.get("assessment") or decided.data.get("reason", ""),
        "changes": decided.data.get("changes", ""),
        "replacement": decided.data.get("replacement", ""),
        "decided_early_because": decided.data.get("early_reason", ""),
        "decided_on": decisions.decided_on(decided).isoformat(),
        "plan": {
            "before": plan.before,
            "after": plan.after,
            "changed": plan.decided,
            "case_system": plan.case_system,
            "case_system_said": plan.case_system_said,
        }
        if plan is not None and plan.after
        else None,
        "delivery": {"channel": received[0], "received_on": received[1].isoformat()}
        if received
        else None,
        "complaint": {
            "deadline": complaint_deadline(received[1]).isoformat() if received else None,
            "to": concern.municipality.name,
            "guidance_da": [_danish(text, values) for text, values in guidance],
        },
    }


def _advice(concern: Concern) -> dict | None:
    """The coordinator's advice and who gave it (issue 26): the case system journalises it with
    its author, whether written in the portal or recorded by the caseworker after the meeting."""
    event = advice_event(concern)
    if event is None:
        return None
    return {
        "text": event.data.get("advice", ""),
        "given_on": danish_date(event.occurred_at).isoformat(),
        "given_by": event.data.get("given_by", ""),
        "region": event.data.get("region", ""),
        "recorded_by": "coordinator" if event.actor_role == "coordinator" else "caseworker",
    }


def _as_record(concern: Concern, document_url: Callable[[int], str]) -> dict:
    offer = concern.offer
    return {
        "reference": concern.reference,
        "status": str(concern.status),
        "municipality": concern.municipality.code,
        "forloeb_id": offer.forloeb.external_id,
        "offer_id": offer.external_id,
        "right_applies": concern.right_applies,
        "offer_started_when_sent": concern.offer_started_when_sent,
        "sent_by": concern.created_by_role,
        "submitted_at": concern.submitted_at.isoformat(),
        "updated_at": concern.updated_at.isoformat(),
        "answers": concern.answers,
        "meetings": [
            {
                "starts_at": meeting.starts_at.isoformat(),
                "form": meeting.form,
                "place": meeting.place,
                "video_url": meeting.video_url,
                "coordinator": meeting.coordinator,
                "clinical_unit": meeting.clinical_unit,
                "moves": meeting.moves,
                "outcome": meeting.outcome,
                "participants": meeting.participants,
            }
            for meeting in concern.meetings
        ],
        "meeting_proposals": [
            {
                "times": proposal.times,
                "form": proposal.form,
                "status": proposal.status,
                "proposed_at": proposal.proposed_at.isoformat(),
                "answered_at": proposal.answered_at.isoformat() if proposal.answered_at else None,
                "decline_reason": proposal.decline_reason,
            }
            for proposal in concern.proposals
        ],
        "documents": [
            {
                "id": document.id,
                "filename": document.filename,
                "content_type": document.content_type,
                "size": document.size,
                "sha256": document.sha256,
                "added_at": document.added_at.isoformat(),
                "added_by_role": document.added_by_role,
                "url": document_url(document.id),
            }
            for document in concern.documents
        ],
        "comment_until": concern.comment_until.isoformat() if concern.comment_until else None,
        "advice": _advice(concern),
        "decision": _decision(concern),
        "timeline": [
            {
                "at": event.occurred_at.isoformat(),
                "kind": event.kind,
                "actor_role": event.actor_role,
                "actor": event.actor_ref,
                "citizen_visible": event.citizen_visible,
                "data": event.data,
            }
            for event in concern.events
        ],
    }


def changed(
    db: Session,
    client: ApiClient,
    since: datetime | None,
    after: tuple[datetime, int] | None,
    limit: int,
    document_url: Callable[[int], str],
) -> tuple[list[dict], str | None, bool]:
    """The client's municipality's concerns changed after ``after`` (or since ``since``), oldest
    change first (one index: municipality, updated_at, id).

    Returns the records, the cursor to pass next time (None when nothing was ever returned) and
    whether more are waiting now.
    """
    statement = (
        select(Concern)
        .where(
            Concern.municipality_id == client.municipality_id,
            Concern.status.not_in(UNSENT),
        )
        .options(
            joinedload(Concern.municipality),
            joinedload(Concern.offer).joinedload(Offer.forloeb),
            selectinload(Concern.events),
            selectinload(Concern.meetings),
            selectinload(Concern.proposals),
            selectinload(Concern.documents),  # their content is loaded only when downloaded
            selectinload(Concern.plan_decision),
        )
        .order_by(Concern.updated_at, Concern.id)
        .limit(limit + 1)
    )
    if after is not None:
        statement = statement.where(
            tuple_(Concern.updated_at, Concern.id)
            > tuple_(literal(after[0], UTCDateTime()), literal(after[1]))
        )
    elif since is not None:
        statement = statement.where(Concern.updated_at >= since)
    found = list(db.scalars(statement).unique())
    page, more = found[:limit], len(found) > limit
    access_log.note(
        db,
        "system",
        f"api-client:{client.id}",
        [c.citizen_id for c in page],
        "concern.export",
        access_log.Purpose.JOURNALISING,
    )
    last = page[-1] if page else None
    cursor = encode_cursor(last.updated_at, last.id) if last else None
    return [_as_record(c, document_url) for c in page], cursor, more


def document_for(db: Session, client: ApiClient, document_id: int) -> ConcernDocument | None:
    """A file on a sent concern of the client's municipality, for the case system to file with
    the concern; the download is logged as the case system's look. Another municipality's file
    is None, and the attempt is logged as refused."""
    found = db.execute(
        select(ConcernDocument, Concern.municipality_id, Concern.citizen_id)
        .join(Concern, Concern.id == ConcernDocument.concern_id)
        .where(ConcernDocument.id == document_id, Concern.status.not_in(UNSENT))
    ).first()
    if found is None:
        return None
    document, municipality_id, citizen_id = found
    actor_ref = f"api-client:{client.id}"
    if municipality_id != client.municipality_id:
        access_log.note(
            db, "system", actor_ref, [citizen_id], "document.download_refused",
            access_log.Purpose.REFUSED,
        )  # fmt: skip
        return None
    access_log.note(
        db, "system", actor_ref, [citizen_id], access_log.download_action(document.id),
        access_log.Purpose.JOURNALISING,
    )  # fmt: skip
    return document
