"""'Dine rettigheder': the rules in plain Danish, readable by anyone, logged in or not."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from portal.auth.principal import public
from portal.domain.danish import today_in_denmark
from portal.rules.pages import BY_SLUG, CHECKED, GLOSSARY, PAGES

bp = Blueprint("rules", __name__, url_prefix="/dine-rettigheder")


@bp.get("/")
@public
def index():
    return render_template("rules/index.html", pages=PAGES)


@bp.get("/ord-og-begreber")
@public
def glossary():
    return render_template("rules/glossary.html", glossary=GLOSSARY, checked=CHECKED)


@bp.get("/<slug>")
@public
def page(slug: str):
    rules_page = BY_SLUG.get(slug)
    if rules_page is None:
        abort(404)
    related = [BY_SLUG[s] for s in rules_page.related]
    today = today_in_denmark()
    return render_template(
        "rules/page.html",
        page=rules_page,
        sections=rules_page.sections_on(today),
        applies_from=rules_page.applies_from(today),
        related=related,
    )
