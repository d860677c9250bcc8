"""The caseworker's action forms: each says what the citizen will read, and carries the version
of the concern the caseworker saw, so that two people acting at once cannot overwrite each other.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from portal.domain.casework import (
    MAX_PROPOSED_TIMES,
    MeetingTimeProblem,
    ProposalProblem,
    danish_holidays,
    meeting_time_problem,
    proposal_problem,
)
from portal.domain.danish import DANISH_TIME
from portal.domain.decisions import Plan
from portal.domain.vocabulary import (
    DECISIONS,
    DELIVERY_CHANNELS,
    MEETING_FORMS,
    MEETING_NOT_HELD_REASONS,
    MEETING_PARTICIPANTS,
    WORKING_WEEKDAYS,
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


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def _clock(text: str | None) -> time | None:
    try:
        return time.fromisoformat((text or "").strip().replace(".", ":"))
    except ValueError:
        return None


def _local_time(day_text: str | None, clock_text: str | None) -> datetime | None:
    """A date and a clock time as the caseworker typed them, as an aware Danish time."""
    day, clock = _day(day_text), _clock(clock_text)
    if day is None or clock is None:
        return None
    return datetime.combine(day, clock.replace(second=0, microsecond=0), DANISH_TIME)


def _time_problem(day_text: str, clock_text: str) -> tuple[str, object] | None:
    """Which field ("day" or "time") and the message, for a date and time that cannot be a
    meeting; None when it can."""
    if _day(day_text) is None:
        return "day", _l("Skriv datoen sådan: 2026-12-07.")
    if _clock(clock_text) is None:
        return "time", _l("Skriv klokkeslættet sådan: 10:00.")
    problem = meeting_time_problem(
        _local_time(day_text, clock_text), datetime.now(DANISH_TIME), danish_holidays()
    )
    return ("time", MEETING_PROBLEMS[problem]) if problem is not None else None


class MeetingDetailsForm(ActionForm):
    """How, where and with whom the meeting is: the same for a booking and for offered times."""

    form = Radios(MEETING_FORMS, validators=[required(_l("Vælg, hvordan mødet holdes."))])
    place = TextField(validators=[at_most(300)])
    coordinator = TextField(
        validators=[required(_l("Skriv sundhedskoordinatorens navn.")), at_most(200)]
    )
    clinical_unit = TextField(
        validators=[required(_l("Skriv regionens kliniske funktion.")), at_most(200)]
    )
    message = _optional_text()

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


class MeetingForm(MeetingDetailsForm):
    day = TextField(validators=[required(_l("Skriv datoen for mødet."))])
    starts_at = TextField(validators=[required(_l("Skriv klokkeslættet for mødet."))])

    def meeting_at(self) -> datetime | None:
        """The meeting as an aware Danish time, or None when the fields do not make one."""
        return _local_time(self.day.data, self.starts_at.data)

    def validate_day(self, field):
        if _day(field.data) is None:
            raise ValidationError(_l("Skriv datoen sådan: 2026-12-07."))

    def validate_starts_at(self, field):
        problem = _time_problem(self.day.data or "", field.data or "")
        if problem is not None and problem[0] == "time":
            raise ValidationError(problem[1])


class ProposalForm(MeetingDetailsForm):
    """2-5 times the citizen may pick from, each a time a meeting could be booked at."""

    day_1, time_1 = TextField(), TextField()
    day_2, time_2 = TextField(), TextField()
    day_3, time_3 = TextField(), TextField()
    day_4, time_4 = TextField(), TextField()
    day_5, time_5 = TextField(), TextField()
    SLOTS = range(1, MAX_PROPOSED_TIMES + 1)

    def filled(self) -> list[int]:
        return [
            n
            for n in self.SLOTS
            if (self[f"day_{n}"].data or "").strip() or (self[f"time_{n}"].data or "").strip()
        ]

    def times(self) -> list[datetime]:
        return [_local_time(self[f"day_{n}"].data, self[f"time_{n}"].data) for n in self.filled()]

    def validate(self, extra_validators=None) -> bool:
        fine = super().validate(extra_validators)
        filled = self.filled()
        for n in filled:
            problem = _time_problem(self[f"day_{n}"].data or "", self[f"time_{n}"].data or "")
            if problem is not None:
                self[f"{problem[0]}_{n}"].errors.append(problem[1])
                fine = False
        if fine:
            problem = proposal_problem(self.times())
            if problem is ProposalProblem.TOO_FEW:
                self.day_2.errors.append(_l("Foreslå mindst to tider, så borgeren kan vælge."))
                fine = False
            elif problem is ProposalProblem.TWICE:
                self.day_1.errors.append(_l("Den samme tid står to gange."))
                fine = False
        return fine


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
    """The sundhedskoordinator writes their own advice (issue 26)."""

    advice = TextAreaField(
        validators=[
            required(_l("Skriv dit råd til borgeren og kommunen.")),
            at_most(TEXT_LIMIT),
        ]
    )


class OralAdviceForm(ActionForm):
    """The advice given orally by a coordinator whose region is not on the portal, as the
    caseworker records it: what was said, and who said it."""

    advice = TextAreaField(
        validators=[
            required(_l("Skriv sundhedskoordinatorens rådgivning.")),
            at_most(TEXT_LIMIT),
        ]
    )
    given_by = TextField(
        validators=[
            required(_l("Skriv navnet på den sundhedskoordinator, der gav rådet.")),
            at_most(200),
        ]
    )


def _hours(text: str | None) -> Decimal | None:
    try:
        return Decimal((text or "").strip().replace(",", "."))
    except InvalidOperation:
        return None


MAX_HOURS_PER_WEEK = 37


class DecisionForm(ActionForm):
    """The municipality's decision: what happens to the offer, and what it rests on — the facts
    and the assessment as two fields (forvaltningsloven § 24). For an adapted offer the plan
    fields start as the offer is planned now; what the caseworker changes is the change."""

    decision = Radios(DECISIONS, validators=[required(_l("Vælg kommunens beslutning."))])
    facts = TextAreaField(
        validators=[
            required(_l("Skriv de fakta i sagen, som beslutningen bygger på.")),
            at_most(TEXT_LIMIT),
        ]
    )
    assessment = TextAreaField(
        validators=[
            required(_l("Skriv kommunens vurdering: hvorfor beslutningen er den rigtige.")),
            at_most(TEXT_LIMIT),
        ]
    )
    start_date = TextField()
    end_date = TextField()
    weekdays = Checkboxes(WORKING_WEEKDAYS)
    day_starts_at = TextField()
    day_ends_at = TextField()
    hours_per_week = TextField(validators=[at_most(10)])
    place = TextField(validators=[at_most(200)])
    address = TextField(validators=[at_most(300)])
    changes = _optional_text()
    replacement = _optional_text()
    early_reason = _optional_text()

    def adapting(self) -> bool:
        return self.decision.data == "adapted"

    def fill_from(self, plan: Plan) -> None:
        """Start the plan fields from the offer as planned now."""
        self.start_date.data = plan.start_date.isoformat()
        self.end_date.data = plan.end_date.isoformat() if plan.end_date else ""
        self.weekdays.data = [day for day in plan.weekdays.split(",") if day]
        self.day_starts_at.data = plan.day_starts_at.strftime("%H:%M") if plan.day_starts_at else ""
        self.day_ends_at.data = plan.day_ends_at.strftime("%H:%M") if plan.day_ends_at else ""
        hours = plan.hours_per_week
        self.hours_per_week.data = format(hours.normalize(), "f") if hours is not None else ""
        self.place.data, self.address.data = plan.place, plan.address

    def plan(self, before: Plan) -> Plan | None:
        """The adapted plan as typed (valid only after ``validate``); None unless adapting."""
        if not self.adapting():
            return None
        return replace(
            before,
            start_date=_day(self.start_date.data),
            end_date=_day(self.end_date.data),
            weekdays=",".join(day for day in WORKING_WEEKDAYS if day in (self.weekdays.data or [])),
            day_starts_at=_clock(self.day_starts_at.data),
            day_ends_at=_clock(self.day_ends_at.data),
            hours_per_week=_hours(self.hours_per_week.data),
            place=(self.place.data or "").strip(),
            address=(self.address.data or "").strip(),
        )

    def validate_start_date(self, field):
        if self.adapting() and _day(field.data) is None:
            raise ValidationError(_l("Skriv startdatoen sådan: 2027-01-04."))

    def validate_end_date(self, field):
        if self.adapting() and (field.data or "").strip() and _day(field.data) is None:
            raise ValidationError(
                _l("Skriv slutdatoen sådan: 2027-06-30. Eller lad feltet stå tomt.")
            )

    def validate_day_starts_at(self, field):
        self._clock_or_empty(field)

    def validate_day_ends_at(self, field):
        self._clock_or_empty(field)

    def _clock_or_empty(self, field):
        if self.adapting() and (field.data or "").strip() and _clock(field.data) is None:
            raise ValidationError(
                _l("Skriv klokkeslættet sådan: 09:00. Eller lad feltet stå tomt.")
            )

    def validate_hours_per_week(self, field):
        text = (field.data or "").strip()
        if not self.adapting() or not text:
            return
        hours = _hours(text)
        if hours is None or not 0 < hours <= MAX_HOURS_PER_WEEK or hours * 2 % 1:
            raise ValidationError(
                _l("Skriv timer om ugen som et tal fra 0,5 til 37, fx 8 eller 7,5.")
            )


class DeliveryForm(ActionForm):
    """How and when the decision reached the citizen: the complaint deadline counts from then."""

    channel = Radios(
        DELIVERY_CHANNELS,
        validators=[required(_l("Vælg, hvordan borgeren fik afgørelsen."))],
    )
    received_on = TextField(validators=[required(_l("Skriv den dag, borgeren fik afgørelsen."))])

    def received(self) -> date | None:
        return _day(self.received_on.data)

    def validate_received_on(self, field):
        if _day(field.data) is None:
            raise ValidationError(_l("Skriv datoen sådan: 2026-12-07."))


class MessageForm(ActionForm):
    text = TextAreaField(
        validators=[required(_l("Skriv beskeden til borgeren.")), at_most(TEXT_LIMIT)]
    )


class CloseForm(ActionForm):
    message = _optional_text()
