"""The steps of the concern form: one topic per page (design.md §6), each field with its own
Danish message, text limits named in the message, typed text kept on errors.

Answers are stored as plain values (choice keys and text); the summary and the caseworker's
view turn the keys back into words with ``CHOICES``.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import ValidationError

from portal.i18n import N_

WORRY_TEXT_LIMIT = 2000
HEALTH_TEXT_LIMIT = 1000
OTHER_TEXT_LIMIT = 500
SHORT_TEXT_LIMIT = 300

CHOICES = {
    "offer_started": {"yes": N_("Ja, tilbuddet er startet"), "no": N_("Nej, ikke endnu")},
    "worries": {
        "physical": N_("Det er for hårdt for kroppen"),
        "hours": N_("Der er for mange timer"),
        "pain": N_("Jeg får ondt"),
        "fatigue": N_("Jeg bliver for træt"),
        "mental": N_("Det er for hårdt psykisk, fx angst eller stress"),
        "medicine": N_("Min medicin passer ikke med tilbuddet"),
        "transport": N_("Transporten er for svær"),
        "tasks": N_("Opgaverne eller stedet passer ikke til mig"),
        "other": N_("Andet"),
    },
    "doctor_knows": {"yes": N_("Ja"), "no": N_("Nej"), "unknown": N_("Ved ikke")},
    "may_contact_doctor": {"yes": N_("Ja, det må sundhedskoordinatoren gerne"), "no": N_("Nej")},
    "helps": {
        "fewer_hours": N_("Færre timer"),
        "other_tasks": N_("Andre opgaver"),
        "later_start": N_("At starte senere"),
        "other_place": N_("Et andet sted"),
        "breaks": N_("Flere pauser"),
        "other": N_("Andet"),
    },
    "meeting_form": {
        "in_person": N_("Et møde, hvor vi ses"),
        "video": N_("Video"),
        "phone": N_("Telefon"),
    },
}


class limit:
    """At most ``maximum`` characters. The limit is also a field flag (``field.flags.maxlength``),
    so the page states the same number the check uses."""

    def __init__(self, maximum: int):
        self.maximum = maximum
        self.field_flags = {"maxlength": maximum}

    def __call__(self, _form, field):
        length = len(field.data or "")
        if length > self.maximum:
            raise ValidationError(
                _l(
                    "Du kan højst skrive %(max)s tegn. Du har skrevet %(n)s.",
                    max=self.maximum,
                    n=length,
                )
            )


def required(message):
    def check(_form, field):
        data = field.data
        if data is None or (isinstance(data, str) and not data.strip()) or data == []:
            raise ValidationError(message)

    return check


def one_of(key: str, message):
    def check(_form, field):
        values = field.data if isinstance(field.data, list) else [field.data]
        if any(value not in CHOICES[key] for value in values if value):
            raise ValidationError(message)

    return check


def radios(key: str, missing_message) -> RadioField:
    """One choice from ``CHOICES[key]``; the message says what to choose when none is."""
    return RadioField(
        validate_choice=False,
        validators=[required(missing_message), one_of(key, _l("Vælg fra listen."))],
    )


def checkboxes(key: str) -> SelectMultipleField:
    """Any number of choices from ``CHOICES[key]``."""
    return SelectMultipleField(
        validate_choice=False, validators=[one_of(key, _l("Vælg fra listen."))]
    )


class StartedForm(FlaskForm):
    offer_started = radios("offer_started", _l("Vælg, om tilbuddet er startet."))


class WorriesForm(FlaskForm):
    worries = checkboxes("worries")
    worry_text = TextAreaField(validators=[limit(WORRY_TEXT_LIMIT)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.worries.data and not (self.worry_text.data or "").strip():
            self.worries.errors = [
                *self.worries.errors,
                _l("Vælg mindst én ting, du er bekymret for, eller skriv med dine egne ord."),
            ]
            return False
        return valid


class HealthForm(FlaskForm):
    health_text = TextAreaField(
        validators=[
            required(_l("Skriv, hvad der er vigtigt at vide om dit helbred.")),
            limit(HEALTH_TEXT_LIMIT),
        ]
    )
    doctor_knows = radios("doctor_knows", _l("Vælg, om din egen læge kender til det."))
    may_contact_doctor = radios(
        "may_contact_doctor", _l("Vælg, om sundhedskoordinatoren må kontakte din læge.")
    )


class HelpsForm(FlaskForm):
    helps = checkboxes("helps")
    helps_text = TextAreaField(validators=[limit(OTHER_TEXT_LIMIT)])


PHONE = re.compile(r"^\+?[0-9 ]{8,16}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class MeetingForm(FlaskForm):
    meeting_form = radios("meeting_form", _l("Vælg, hvordan du vil holde samtalen."))
    unavailable = TextAreaField(validators=[limit(SHORT_TEXT_LIMIT)])
    companion = StringField(validators=[limit(100)])
    interpreter = StringField(validators=[limit(50)])
    phone = StringField(validators=[required(_l("Skriv dit telefonnummer."))])
    email = StringField(validators=[limit(200)])

    def validate_phone(self, field):
        if field.data and not PHONE.match(field.data.strip()):
            raise ValidationError(_l("Skriv telefonnummeret med 8 cifre, fx 12 34 56 78."))

    def validate_email(self, field):
        if field.data and not EMAIL.match(field.data.strip()):
            raise ValidationError(_l("Skriv en e-mailadresse som navn@eksempel.dk."))


class InformationForm(FlaskForm):
    """'Tilføj noget': more information for a sent concern (the answers stay as they were)."""

    information = TextAreaField(
        validators=[required(_l("Skriv det, du vil tilføje.")), limit(OTHER_TEXT_LIMIT)]
    )


STEPS = (
    ("started", StartedForm, N_("Er tilbuddet startet?")),
    ("worries", WorriesForm, N_("Hvad er du bekymret for?")),
    ("health", HealthForm, N_("Dit helbred")),
    ("helps", HelpsForm, N_("Hvad kunne hjælpe?")),
    ("meeting", MeetingForm, N_("Samtalen")),
)
