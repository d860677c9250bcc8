"""The caseworker's action forms: each says what the citizen will read, and carries the version
of the concern the caseworker saw, so that two people acting at once cannot overwrite each other.
"""

from __future__ import annotations

from datetime import date, datetime, time
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from portal.domain.casework import MeetingTimeProblem, danish_holidays, meeting_time_problem
from portal.domain.danish import DANISH_TIME
from portal.domain.vocabulary import (
    DECISIONS,
    MEETING_FORMS,
    MEETING_NOT_HELD_REASONS,
    MEETING_PARTICIPANTS,
)
from portal.forms import (
    Checkboxes,
    Radios,
    TextAreaField,
    TextField,
    VersionedForm,
    at_most,
    required,
)

TEXT_LIMIT = 2000
MEETING_PROBLEMS = {
    MeetingTimeProblem.PAST: _l("Mødet skal ligge efter nu."),
    MeetingTimeProblem.TOO_FAR: _l("Mødet skal ligge inden for et år."),
    MeetingTimeProblem.NOT_WORKING_DAY: _l(
        "Vælg en hverdag. Mødet kan ikke ligge i en weekend eller på en helligdag."
    ),
    MeetingTimeProblem.OUTSIDE_HOURS: _l("Vælg et tidspunkt mellem kl. 7 og kl. 19."),
}


def _optional_text() -> TextAreaField:
    return TextAreaField(validators=[at_most(TEXT_LIMIT)])


def is_https_link(text: str) -> bool:
    """A video link a phone can open safely: https, with a host, nothing else."""
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname) and " " not in text.strip()


class ActionForm(VersionedForm):
    """Several of these share a page, so each has a prefix; CSRFProtect checks every POST
    globally (the page's one ``csrf_token`` field), so the forms need no token of their own."""

    class Meta:
        csrf = False


class AcknowledgeForm(ActionForm):
    message = _optional_text()


class MeetingForm(ActionForm):
    day = TextField(validators=[required(_l("Skriv datoen for mødet."))])
    starts_at = TextField(validators=[required(_l("Skriv klokkeslættet for mødet."))])
    form = Radios(MEETING_FORMS, validators=[required(_l("Vælg, hvordan mødet holdes."))])
    place = TextField(validators=[at_most(300)])
    coordinator = TextField(
        validators=[required(_l("Skriv sundhedskoordinatorens navn.")), at_most(200)]
    )
    clinical_unit = TextField(
        validators=[required(_l("Skriv regionens kliniske funktion.")), at_most(200)]
    )
    message = _optional_text()

    def meeting_at(self) -> datetime | None:
        """The meeting as an aware Danish time, or None when the fields do not make one."""
        try:
            day = date.fromisoformat((self.day.data or "").strip())
            clock = time.fromisoformat((self.starts_at.data or "").strip().replace(".", ":"))
        except ValueError:
            return None
        return datetime.combine(day, clock.replace(second=0, microsecond=0), DANISH_TIME)

    def validate_day(self, field):
        try:
            date.fromisoformat(field.data.strip())
        except ValueError:
            raise ValidationError(_l("Skriv datoen sådan: 2026-12-07.")) from None

    def validate_starts_at(self, field):
        try:
            time.fromisoformat(field.data.strip().replace(".", ":"))
        except ValueError:
            raise ValidationError(_l("Skriv klokkeslættet sådan: 10:00.")) from None
        moment = self.meeting_at()
        if moment is not None:
            problem = meeting_time_problem(moment, datetime.now(DANISH_TIME), danish_holidays())
            if problem is not None:
                raise ValidationError(MEETING_PROBLEMS[problem])

    def validate_place(self, field):
        text = (field.data or "").strip()
        if self.form.data == "in_person" and not text:
            raise ValidationError(_l("Skriv, hvor mødet holdes."))
        if self.form.data == "video" and not is_https_link(text):
            raise ValidationError(_l("Skriv linket til videomødet. Det skal starte med https://."))

    def place_and_link(self) -> tuple[str, str]:
        """Where the meeting is (an address, or who calls), and the video link if it is one."""
        text = (self.place.data or "").strip()
        return ("", text) if self.form.data == "video" else (text, "")


class MeetingHeldForm(ActionForm):
    participants = Checkboxes(
        MEETING_PARTICIPANTS, validators=[required(_l("Vælg, hvem der var med til mødet."))]
    )
    note = _optional_text()


class MeetingNotHeldForm(ActionForm):
    reason = Radios(
        MEETING_NOT_HELD_REASONS, validators=[required(_l("Vælg, hvorfor mødet ikke blev holdt."))]
    )
    note = _optional_text()


class AdviceForm(ActionForm):
    advice = TextAreaField(
        validators=[
            required(_l("Skriv sundhedskoordinatorens rådgivning.")),
            at_most(TEXT_LIMIT),
        ]
    )


class DecisionForm(ActionForm):
    decision = Radios(DECISIONS, validators=[required(_l("Vælg kommunens beslutning."))])
    reason = TextAreaField(
        validators=[
            required(_l("Skriv begrundelsen for beslutningen i et enkelt sprog.")),
            at_most(TEXT_LIMIT),
        ]
    )
    changes = _optional_text()
    early_reason = _optional_text()


class MessageForm(ActionForm):
    text = TextAreaField(
        validators=[required(_l("Skriv beskeden til borgeren.")), at_most(TEXT_LIMIT)]
    )


class CloseForm(ActionForm):
    message = _optional_text()
