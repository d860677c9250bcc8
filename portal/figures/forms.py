"""The choice on "Tal om retten": a period of whole months that are over and, if wanted, one kind
of offer (portal.domain.figures says why). A GET form (it changes nothing, and the address can be
bookmarked or shared), so it carries no CSRF token."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField
from wtforms.validators import StopValidation

from portal.domain.figures import (
    Period,
    PeriodProblem,
    last_twelve_months,
    month_or_day,
    period_problem,
)
from portal.domain.vocabulary import OFFER_KIND_NAMES
from portal.forms import PortalForm, TextField, required

PERIOD_PROBLEMS = {
    PeriodProblem.REVERSED: _l("Den sidste måned skal ligge efter den første måned."),
    PeriodProblem.TOO_LONG: _l("Vælg en periode på højst 5 år."),
    PeriodProblem.NOT_OVER: _l(
        "Vælg måneder, der er slut. Tallene for en måned kommer, når den er slut."
    ),
    PeriodProblem.TOO_EARLY: _l(
        "Ressourceforløb findes fra januar 2013. Vælg en første måned fra 2013-01."
    ),
    PeriodProblem.NOT_WHOLE_MONTHS: _l("Vælg hele måneder, fx 2026-01."),
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _printable(value):
    """What a person can type: control characters (a NUL from a crafted link) are dropped, so
    the day is shown again as typed without them, and then refused as not a day."""
    return _CONTROL.sub("", value)[:40] if isinstance(value, str) else value


class _Month(TextField):
    """A month written as 2026-01 (what a month field sends, and what a person can type)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("filters", [_printable])
        super().__init__(label, validators, **kwargs)

    def pre_validate(self, form) -> None:
        super().pre_validate(form)
        if (self.data or "").strip() and month_or_day(self.data) is None:
            raise StopValidation(_l("Skriv måneden sådan: 2026-01."))


def _kinds() -> list[SelectChoice]:
    return [
        SelectChoice("", _l("Alle slags")),
        *(SelectChoice(k, _l(text)) for k, text in OFFER_KIND_NAMES.items()),
    ]


class PeriodForm(PortalForm):
    class Meta:
        csrf = False

    first = _Month(name="fra", validators=[required(_l("Skriv den første måned."))])
    last = _Month(name="til", validators=[required(_l("Skriv den sidste måned."))])
    kind = SelectField(name="slags", choices=_kinds(), validate_choice=False, default="")

    @classmethod
    def for_today(cls, args, today: date) -> PeriodForm:
        """The form from the query string, with the last twelve months where nothing is asked."""
        default = last_twelve_months(today)
        return cls(
            formdata=args or None,
            data={
                "first": default.first.strftime("%Y-%m"),
                "last": default.last.strftime("%Y-%m"),
                "kind": "",
            },
        )

    def validate_kind(self, field) -> None:
        if field.data not in OFFER_KIND_NAMES and field.data not in ("", None):
            raise StopValidation(_l("Vælg fra listen."))

    def check(self, today: date) -> bool:
        """Valid, and a period the rules allow (``portal.domain.figures.period_problem``)."""
        if not self.validate():
            return False
        period = self.period()
        problem = period_problem(period.first, period.last, today)
        if problem is None:
            return True
        on_first = problem is PeriodProblem.TOO_EARLY
        field = self.first if on_first else self.last
        field.errors = [*field.errors, PERIOD_PROBLEMS[problem]]
        return False

    def period(self) -> Period:
        return Period(month_or_day(self.first.data), month_or_day(self.last.data, end=True))

    @property
    def offer_kind(self) -> str | None:
        return self.kind.data or None
