"""The citizen's own pages. Thin views: the service decides what the citizen may see."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template
from flask_login import current_user

from portal.auth.principal import requires
from portal.db import get_session
from portal.i18n import TIMEZONE
from portal.services import citizens

bp = Blueprint("citizen", __name__)


def today_in_denmark():
    return datetime.now(ZoneInfo(TIMEZONE)).date()


@bp.get("/mit-forloeb")
@requires("citizen")
def overview():
    today = today_in_denmark()
    data = citizens.overview(get_session(), current_user, today)
    if data.forloeb is None:
        return render_template("citizen/no_forloeb.html", overview=data)
    return render_template("citizen/overview.html", overview=data, today=today)
