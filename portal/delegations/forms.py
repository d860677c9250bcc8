"""The citizen's form for giving a relative a fuldmagt in the portal."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from portal.domain.danish import N_
from portal.domain.identity import normalise_cpr
from portal.forms import PortalForm, Radios, TextField, at_most, required


class GrantForm(PortalForm):
    cpr = TextField(validators=[required(_l("Skriv CPR-nummeret på din pårørende."))])
    name = TextField(validators=[required(_l("Skriv navnet på din pårørende.")), at_most(200)])
    scope = Radios(
        {
            "see": N_("Se dit forløb, dine tilbud og dine bekymringer"),
            "act": N_("Se og handle: også sende og trække bekymringer tilbage"),
        },
        validators=[required(_l("Vælg, hvad din pårørende må."))],
    )
    ends_on = TextField(validators=[required(_l("Skriv, hvornår fuldmagten slutter."))])

    def validate_cpr(self, field):
        if normalise_cpr(field.data or "") is None:
            raise ValidationError(_l("Skriv CPR-nummeret med 10 cifre, fx 010190-1234."))

    def ends_on_date(self) -> date | None:
        try:
            return date.fromisoformat((self.ends_on.data or "").strip())
        except ValueError:
            return None

    def validate_ends_on(self, field):
        if self.ends_on_date() is None:
            raise ValidationError(_l("Skriv datoen sådan: 2027-06-30."))
