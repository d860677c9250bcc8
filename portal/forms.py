"""What every form shares: WTForms' own validators with Danish messages, text fields that refuse
control characters, choices that live on the field, and where an error summary links to.

Modelled on govuk-frontend-wtf: the design-system macros (``templates/components/forms.html``)
iterate the field itself, and each field knows the id its error-summary link points at
(``error_target``) — the first option of a group of radios or checkboxes, else the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

from babel import support
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, SelectMultipleField, StringField
from wtforms import TextAreaField as _TextAreaField
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, Length, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from portal.i18n import current_language, lazy_to_the_reader

# C0 and C1 control characters (NUL included). Line breaks are allowed in multi-line text only.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile(r"[\r\n]")


def required(message) -> DataRequired:
    """The field must have a value; ``message`` says what to write or choose."""
    return DataRequired(message=message)


def at_most(maximum: int) -> Length:
    """At most ``maximum`` characters. WTForms sets ``field.flags.maxlength`` from it, so the page
    states the same number the check uses."""
    return Length(
        max=maximum, message=_l("Du kan højst skrive %(max)d tegn. Du har skrevet %(length)d.")
    )


def _normalise_line_breaks(value):
    """Browsers send CR LF; a lone CR is a line break too (and never reaches a calendar file)."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return value


class _Text:
    """Text a person typed: refused with a Danish message when it holds control characters."""

    multiline = False

    @property
    def error_target(self) -> str:
        return self.id

    def pre_validate(self, form) -> None:
        value = self.data or ""
        if _CONTROL.search(value) or (not self.multiline and _LINE_BREAK.search(value)):
            raise StopValidation(
                _l("Teksten har tegn, som vi ikke kan gemme. Skriv den igen uden dem.")
            )


class TextField(_Text, StringField):
    """One line of text."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("filters", [_normalise_line_breaks])
        super().__init__(label, validators, **kwargs)


class TextAreaField(_Text, _TextAreaField):
    """Several lines of text; line breaks are kept."""

    multiline = True

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("filters", [_normalise_line_breaks])
        super().__init__(label, validators, **kwargs)


def _choices(words: Mapping[str, str]) -> list[SelectChoice]:
    # Read by the citizen or by a relative for them: "Jeg får ondt" is "Jens får ondt" to Sofie.
    return [SelectChoice(value, lazy_to_the_reader(text)) for value, text in words.items()]


class _Choice:
    """Choices come from a vocabulary (code → Danish text) and live on the field."""

    @property
    def error_target(self) -> str:
        return f"{self.id}-0"

    def _known(self) -> set[str]:
        return {choice.value for choice in self.choices}

    def _unknown_choice(self) -> StopValidation:
        """A value that is not one of the choices (only a crafted request sends one) gets the
        same instruction as no choice at all, or "Vælg fra listen." if none is required."""
        for validator in self.validators:
            if isinstance(validator, DataRequired) and validator.message:
                return StopValidation(validator.message)
        return StopValidation(_l("Vælg fra listen."))


class Radios(_Choice, RadioField):
    """One choice. A missing choice is the ``required`` validator's to report."""

    def __init__(self, words: Mapping[str, str], validators=None, **kwargs):
        super().__init__(choices=_choices(words), validators=validators, **kwargs)

    def pre_validate(self, form) -> None:
        if self.data not in (None, "") and self.data not in self._known():
            raise self._unknown_choice()


class Checkboxes(_Choice, SelectMultipleField):
    """Any number of choices, shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, words: Mapping[str, str], validators=None, **kwargs):
        super().__init__(choices=_choices(words), validators=validators, **kwargs)

    def pre_validate(self, form) -> None:
        if any(value not in self._known() for value in self.data or []):
            raise self._unknown_choice()


@cache
def _wtforms_messages(language: str) -> support.NullTranslations:
    """WTForms' own messages in a language, found on disk once per process. Flask-WTF looks the
    catalog up again on every request that builds a form — a dozen file-system look-ups, a
    thirtieth of a drawn concern page (py-spy, issue 27)."""
    return support.Translations.load(messages_path(), [language], domain="wtforms")


class PortalForm(FlaskForm):
    """Every form of the portal: Flask-WTF's, with WTForms' messages looked up once per
    language."""

    class Meta:
        def get_translations(self, form):
            return _wtforms_messages(current_language())


class VersionedForm(PortalForm):
    """A form that changes a record carries the version of the record the person saw, so two
    people (or two tabs) acting at once cannot overwrite each other (optimistic locking)."""

    version = HiddenField()

    def seen_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None
