""" "Tal om retten" (issue 17): how the § 113, stk. 3 right is used in the manager's own
municipality, for a period and perhaps one kind of offer — charts that need no JavaScript, the
same numbers as tables, and a CSV file. Only the manager role (MitID Erhverv, scoped to the
municipality's CVR number) opens it; every view is logged, about no citizen.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.principal import requires
from portal.db import get_session
from portal.domain.danish import today_in_denmark
from portal.domain.figures import Shown
from portal.domain.vocabulary import DECISIONS, OFFER_KIND_NAMES
from portal.figures.forms import PeriodForm
from portal.services import casework, figures

bp = Blueprint("figures", __name__, url_prefix="/kommune")

STAGE_NAMES = {
    "acknowledged": _l("Kvitteret"),
    "meeting_booked": _l("Møde aftalt"),
    "meeting_held": _l("Møde holdt"),
    "decided": _l("Afgørelse"),
}
# The decision's own words (one term per thing): "Tilbuddet bliver ændret", …
OUTCOME_NAMES = {outcome: _l(text) for outcome, text in DECISIONS.items()}
COUNT_NAMES = {
    "offer_citizens": _l("Borgere med et beskæftigelsesrettet tilbud"),
    "saw_guidance": _l("… som har set vejledningen om retten"),
    "started": _l("Bekymringer startet"),
    "started_not_sent": _l("… som ikke er sendt"),
    "sent": _l("Bekymringer sendt"),
    "sent_by_relative": _l("… sendt af en pårørende"),
    "withdrawn": _l("Bekymringer trukket tilbage"),
    "meeting_held": _l("Møder holdt"),
    "decided": _l("Afgørelser"),
}


USABILITY_NAMES = {"easy_yes": _l("Ja"), "easy_no": _l("Nej")}


def _found(form: PeriodForm):
    """The manager's municipality's figures; a region's manager's, the region's (issue 26)."""
    db = get_session()
    chosen = (
        figures.region_areas(db, today_in_denmark(), current_user.region)
        if current_user.region
        else None
    )
    return figures.figures(
        db,
        form.period(),
        casework.service_goals(current_app.config["SERVICE_GOALS"]),
        municipality_id=current_user.municipality_id,
        offer_kind=form.offer_kind,
        chosen=chosen,
    ).municipalities[0]


def _page(form: PeriodForm, found, status: int = 200):
    return render_template(
        "figures/index.html",
        form=form,
        found=found,
        stage_names=STAGE_NAMES,
        kind_names=OFFER_KIND_NAMES,
        charts=_charts(found) if found else None,
        below_five=_below_five(found) if found else None,
    ), status


def _counted(what: str):
    """The form as asked, and the figures for it — the look logged as ``what`` — or None when
    the choice is not a period that can be counted (the form then says why)."""
    today = today_in_denmark()
    form = PeriodForm.for_today(request.args, today)
    if not form.check(today):
        return form, None
    found = _found(form)
    figures.note_view(get_session(), current_user, what)
    return form, found


@bp.get("/tal-om-retten")
@requires("manager")
def index():
    form, found = _counted("figures.view")
    return _page(form, found, 200 if found else 400)


@bp.get("/tal-om-retten.csv")
@requires("manager")
def csv_file():
    form, found = _counted("figures.csv")
    if found is None:
        return _page(form, None, 400)
    out = io.StringIO()
    # Semicolons and a byte-order mark: what a Danish spreadsheet opens without asking.
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([gettext("Tal"), gettext("Værdi"), gettext("Fra"), gettext("Til")])
    period = form.period()
    for label, value in rows(found):
        cells = [label, value, period.first.isoformat(), period.last.isoformat()]
        writer.writerow([spreadsheet_safe(str(cell)) for cell in cells])
    filename = f"tal-om-retten-{found.code}-{form.period().first}-{form.period().last}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# What a spreadsheet would read as a formula when it starts a cell (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Text as given, but never run as a formula by the spreadsheet that opens the file: a
    leading apostrophe makes it plain text. Every cell of every CSV goes through here."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _below_five(found) -> int:
    """How many of the counts on the page are "< 5", for the note."""
    cells = [found.cell(name) for name, _label in labels_of(found)]
    return sum(1 for cell in [*cells, *found.usability.values()] if cell.shown is Shown.BELOW_FIVE)


def shown(cell) -> str:
    """A count as the CSV shows it: "< 5", or the published number (0, or rounded to 5)."""
    return "< 5" if cell.shown is Shown.BELOW_FIVE else str(cell.published)


# Which counts each chart (and its table) shows, in order.
CHARTS = {
    "guidance": ("offer_citizens", "saw_guidance"),
    "use": (
        "started",
        "started_not_sent",
        "sent",
        "sent_by_relative",
        "withdrawn",
        "meeting_held",
        "decided",
    ),
    "outcome": tuple(f"outcome_{o}" for o in figures.OUTCOMES),
}


def _charts(found) -> dict[str, list[tuple[str, object]]]:
    """Per chart: (label, cell) for each of its counts; "kind" has the kinds counted, "easy" the
    answers to "Var det let at bruge?"."""
    labels = dict(labels_of(found))
    shown = {**CHARTS, "kind": tuple(f"kind_{k}" for k in found.kinds)}
    return {
        **{
            chart: [(labels[name], found.cell(name)) for name in names]
            for chart, names in shown.items()
        },
        "easy": [(USABILITY_NAMES[name], cell) for name, cell in found.usability.items()],
    }


def labels_of(found) -> list[tuple[str, str]]:
    """Every count on the page with its label, in the page's order."""
    names = {
        **COUNT_NAMES,
        **{f"outcome_{o}": text for o, text in OUTCOME_NAMES.items()},
        **{f"kind_{k}": gettext(OFFER_KIND_NAMES[k]) for k in found.kinds},
    }
    return [(name, names[name]) for name in figures.published_counts(found.kinds)]


def rows(found) -> list[tuple[str, str]]:
    """Every figure on the page, labelled as there, for the CSV."""
    out = [(str(text), shown(found.cell(name))) for name, text in labels_of(found)]
    out += [
        (gettext("Var det let at bruge? %(answer)s", answer=USABILITY_NAMES[name]), shown(cell))
        for name, cell in found.usability.items()
    ]
    for stage in figures.STAGES:
        spread = found.durations[stage]
        name = str(STAGE_NAMES[stage])
        out.append((gettext("%(step)s: antal", step=name), shown(found.cell(f"time_{stage}_n"))))
        out.append((gettext("%(step)s: median, arbejdsdage", step=name), _days(spread.median)))
        out.append((gettext("%(step)s: 9 af 10, arbejdsdage", step=name), _days(spread.p90)))
    return out


def _days(value) -> str:
    return gettext("for få") if value is None else f"{value:g}".replace(".", ",")
