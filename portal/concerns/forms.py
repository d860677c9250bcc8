"""The steps of the concern form: one topic per page (docs/architecture.md §6), each field with its
own
Danish message, text limits named in the message, typed text kept on errors.

Answers are stored as plain values (choice keys and text); the summary and the caseworker's view
turn the keys back into words with ``portal.domain.vocabulary.ANSWER_CHOICES``.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, MultipleFileField
from wtforms.validators import ValidationError

from portal.domain.danish import C_, N_
from portal.domain.vocabulary import ANSWER_CHOICES
from portal.forms import (
    Checkboxes,
    PortalForm,
    Radios,
    TextAreaField,
    TextField,
    VersionedForm,
    at_most,
    required,
)
from portal.i18n import lazy_to_the_reader as _lc

WORRY_TEXT_LIMIT = 2000
HEALTH_TEXT_LIMIT = 1000
OTHER_TEXT_LIMIT = 500
SHORT_TEXT_LIMIT = 300


class StepForm(PortalForm):
    """A step of the concern form. ``for_concern`` drops the questions that do not belong to this
    concern: without the right there is no coordinator, so no question about the doctor."""

    without_the_right: tuple[str, ...] = ()

    @classmethod
    def for_concern(cls, concern, **kwargs) -> StepForm:
        form = cls(**kwargs)
        if not concern.right_applies:
            for name in cls.without_the_right:
                delattr(form, name)
        return form


class StartedForm(StepForm):
    offer_started = Radios(
        ANSWER_CHOICES["offer_started"],
        validators=[required(_l("Vælg, om tilbuddet er startet."))],
    )


class WorriesForm(StepForm):
    worries = Checkboxes(ANSWER_CHOICES["worries"])
    worry_text = TextAreaField(validators=[at_most(WORRY_TEXT_LIMIT)])

    def validate_worries(self, field):
        if not field.data and not (self.worry_text.data or "").strip():
            raise ValidationError(
                _lc("Vælg mindst én ting, du er bekymret for, eller skriv med dine egne ord.")
            )


class HealthForm(StepForm):
    """Only what the coordinator needs (GDPR art. 9: data minimisation); the citizen may leave it
    for the meeting. Consent to contact the doctor is not asked here: it is separate and given
    by the citizen themself on the concern's page (docs/domain.md §3)."""

    without_the_right = ("doctor_knows",)

    health_text = TextAreaField(validators=[at_most(HEALTH_TEXT_LIMIT)])
    tell_later = BooleanField()
    # A doctor's note or a photo of a letter; read and checked by portal.concerns.attachments.
    files = MultipleFileField()
    doctor_knows = Radios(
        ANSWER_CHOICES["doctor_knows"],
        validators=[required(_lc("Vælg, om din egen læge kender til det."))],
    )

    def validate_health_text(self, field):
        if not self.tell_later.data and not (field.data or "").strip():
            raise ValidationError(
                _lc(
                    "Skriv, hvad der er vigtigt at vide om dit helbred. Eller vælg, at du hellere "
                    "vil fortælle det, når I taler sammen."
                )
            )


class HelpsForm(StepForm):
    helps = Checkboxes(ANSWER_CHOICES["helps"])
    helps_text = TextAreaField(validators=[at_most(OTHER_TEXT_LIMIT)])


PHONE = re.compile(r"\+?[0-9 ]{8,16}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class MeetingForm(StepForm):
    meeting_form = Radios(
        ANSWER_CHOICES["meeting_form"],
        validators=[required(_lc("Vælg, hvordan du vil holde samtalen."))],
    )
    unavailable = TextAreaField(validators=[at_most(SHORT_TEXT_LIMIT)])
    companion = TextField(validators=[at_most(100)])
    interpreter = TextField(validators=[at_most(50)])
    phone = TextField(validators=[required(_lc("Skriv dit telefonnummer."))])
    email = TextField(validators=[at_most(200)])

    def validate_phone(self, field):
        if not PHONE.fullmatch(field.data.strip()):
            raise ValidationError(_l("Skriv telefonnummeret med 8 cifre, fx 12 34 56 78."))

    def validate_email(self, field):
        if field.data and not EMAIL.fullmatch(field.data.strip()):
            raise ValidationError(_l("Skriv en e-mailadresse som navn@eksempel.dk."))


def chosen_files(field) -> list:
    """The files a person actually chose (a browser sends an empty part for none)."""
    return [f for f in (field.data or []) if getattr(f, "filename", "")]


class InformationForm(VersionedForm):
    """'Tilføj noget': more information for a sent concern (the answers stay as they were)."""

    information = TextAreaField(validators=[at_most(OTHER_TEXT_LIMIT)])
    files = MultipleFileField()

    def validate_information(self, field):
        if not (field.data or "").strip() and not chosen_files(self.files):
            raise ValidationError(_l("Skriv det, du vil tilføje, eller vælg en fil."))


class CommentForm(VersionedForm):
    """The citizen's comment on the coordinator's advice before the decision (partshøring)."""

    comment = TextAreaField(
        validators=[
            required(_l("Skriv, hvad du mener om rådgivningen.")),
            at_most(WORRY_TEXT_LIMIT),
        ]
    )


class ChooseTimeForm(PortalForm):
    """One of the times the caseworker offered; the view checks it is one of them."""

    time = TextField(validators=[required(_lc("Vælg den tid, der passer dig."))])


class DeclineTimesForm(PortalForm):
    """None of the offered times fit: why, so the next times can fit better."""

    reason = TextAreaField(
        validators=[
            required(_lc("Skriv, hvorfor ingen af tiderne passer, fx hvornår du kan.")),
            at_most(OTHER_TEXT_LIMIT),
        ]
    )


CONSENT_ANSWERS = {
    "yes": N_("Ja, sundhedskoordinatoren må læse det og kontakte min læge"),
    "no": N_("Nej, det vil jeg ikke"),
}


class ConsentForm(VersionedForm):
    """A specific, informed consent, or a no: the citizen answers themself (GDPR art. 4(11), 7),
    and a yes names the doctor it concerns."""

    answer = Radios(CONSENT_ANSWERS, validators=[required(_l("Vælg ja eller nej."))])
    doctor = TextField(validators=[at_most(200)])

    def validate_doctor(self, field):
        if self.answer.data == "yes" and not (field.data or "").strip():
            raise ValidationError(_l("Skriv navnet på din læge eller dit lægehus."))


STEPS = (
    ("started", StartedForm, N_("Er tilbuddet startet?")),
    ("worries", WorriesForm, C_("Hvad er du bekymret for?")),
    ("health", HealthForm, C_("Dit helbred")),
    ("helps", HelpsForm, N_("Hvad kunne hjælpe?")),
    ("meeting", MeetingForm, N_("Samtalen")),
)
