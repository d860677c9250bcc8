"""The citizen's form for giving a relative a fuldmagt in the portal."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import ValidationError

from portal.concerns.forms import limit, required
from portal.domain.identity import normalise_cpr
from portal.i18n import N_

SCOPE_NAMES = {"see": N_("Se"), "act": N_("Se og handle")}


class GrantForm(FlaskForm):
    cpr = StringField(validators=[required(_l("Skriv CPR-nummeret på din pårørende."))])
    name = StringField(validators=[required(_l("Skriv navnet på din pårørende.")), limit(200)])
    scope = RadioField(
        choices=list(SCOPE_NAMES),
        validate_choice=False,
        validators=[required(_l("Vælg, hvad din pårørende må."))],
    )
    ends_on = StringField(validators=[required(_l("Skriv, hvornår fuldmagten slutter."))])

    def validate_cpr(self, field):
        if normalise_cpr(field.data or "") is None:
            raise ValidationError(_l("Skriv CPR-nummeret med 10 cifre, fx 010190-1234."))

    def validate_scope(self, field):
        if field.data not in SCOPE_NAMES:
            raise ValidationError(_l("Vælg, hvad din pårørende må."))

    def ends_on_date(self) -> date | None:
        try:
            return date.fromisoformat((self.ends_on.data or "").strip())
        except ValueError:
            return None

    def validate_ends_on(self, field):
        if self.ends_on_date() is None:
            raise ValidationError(_l("Skriv datoen sådan: 2027-06-30."))
