"""The caseworker's action forms: each says what the citizen will read, and carries the version
of the concern the caseworker saw, so that two people acting at once cannot overwrite each other.
"""

from __future__ import annotations

from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import ValidationError

from portal.concerns.forms import limit, required
from portal.domain.casework import MeetingTimeProblem, danish_holidays, meeting_time_problem
from portal.i18n import DANISH_TIME, N_

TEXT_LIMIT = 2000

MEETING_FORMS = {
    "in_person": N_("Fremmøde"),
    "video": N_("Video"),
    "phone": N_("Telefon"),
}
DECISIONS = {
    "adapted": N_("Tilbuddet bliver ændret"),
    "kept": N_("Tilbuddet fortsætter som før"),
    "stopped": N_("Tilbuddet stopper"),
}
MEETING_PROBLEMS = {
    MeetingTimeProblem.PAST: _l("Mødet skal ligge efter nu."),
    MeetingTimeProblem.TOO_FAR: _l("Mødet skal ligge inden for et år."),
    MeetingTimeProblem.NOT_WORKING_DAY: _l(
        "Vælg en hverdag. Mødet kan ikke ligge i en weekend eller på en helligdag."
    ),
    MeetingTimeProblem.OUTSIDE_HOURS: _l("Vælg et tidspunkt mellem kl. 7 og kl. 19."),
}


def _optional_text() -> TextAreaField:
    return TextAreaField(validators=[limit(TEXT_LIMIT)])


class ActionForm(FlaskForm):
    """Several of these share a page, so each has a prefix; CSRFProtect checks every POST
    globally (the page's one ``csrf_token`` field), so the forms need no token of their own."""

    class Meta:
        csrf = False

    version = HiddenField()

    def seen_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class AcknowledgeForm(ActionForm):
    message = _optional_text()


class MeetingForm(ActionForm):
    day = StringField(validators=[required(_l("Skriv datoen for mødet."))])
    starts_at = StringField(validators=[required(_l("Skriv klokkeslættet for mødet."))])
    form = RadioField(
        choices=list(MEETING_FORMS),
        validate_choice=False,
        validators=[required(_l("Vælg, hvordan mødet holdes."))],
    )
    place = StringField(validators=[limit(300)])
    coordinator = StringField(
        validators=[required(_l("Skriv sundhedskoordinatorens navn.")), limit(200)]
    )
    clinical_unit = StringField(
        validators=[required(_l("Skriv regionens kliniske funktion.")), limit(200)]
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
            date.fromisoformat((field.data or "").strip())
        except ValueError:
            raise ValidationError(_l("Skriv datoen sådan: 2026-12-07.")) from None

    def validate_starts_at(self, field):
        try:
            time.fromisoformat((field.data or "").strip().replace(".", ":"))
        except ValueError:
            raise ValidationError(_l("Skriv klokkeslættet sådan: 10:00.")) from None
        moment = self.meeting_at()
        if moment is not None:
            problem = meeting_time_problem(moment, datetime.now(DANISH_TIME), danish_holidays())
            if problem is not None:
                raise ValidationError(MEETING_PROBLEMS[problem])

    def validate_form(self, field):
        if field.data not in MEETING_FORMS:
            raise ValidationError(_l("Vælg, hvordan mødet holdes."))

    def validate_place(self, field):
        if self.form.data == "in_person" and not (field.data or "").strip():
            raise ValidationError(_l("Skriv, hvor mødet holdes."))


class AdviceForm(ActionForm):
    advice = TextAreaField(
        validators=[
            required(_l("Skriv sundhedskoordinatorens rådgivning.")),
            limit(TEXT_LIMIT),
        ]
    )


class DecisionForm(ActionForm):
    decision = RadioField(
        choices=list(DECISIONS),
        validate_choice=False,
        validators=[required(_l("Vælg kommunens beslutning."))],
    )
    reason = TextAreaField(
        validators=[
            required(
                _l("Skriv, hvad der ændres, eller hvorfor tilbuddet fortsætter eller stopper.")
            ),
            limit(TEXT_LIMIT),
        ]
    )

    def validate_decision(self, field):
        if field.data not in DECISIONS:
            raise ValidationError(_l("Vælg kommunens beslutning."))


class MessageForm(ActionForm):
    text = TextAreaField(
        validators=[required(_l("Skriv beskeden til borgeren.")), limit(TEXT_LIMIT)]
    )


class CloseForm(ActionForm):
    message = _optional_text()
