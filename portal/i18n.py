"""Languages, dates and numbers: Danish is the source language, English is the translation.

Pages of a citizen's case address the citizen ("din læge"). A relative acting under a fuldmagt
reads them written to a helper ("Jens' læge"): each such text is marked ``_c`` in templates and
has a second translation in the message context ``hjælper`` (in translations/da and /en), where
``{they}`` is the citizen's first name and ``{their}`` its genitive ("Jens'"). (Braces, not
``%(they)s``: a helper's text adds them to the text's own placeholders, which pybabel's check
would refuse.) One mechanism, no copied templates.

The locale comes from ``?lang=`` (the language switch, which keeps the current page) and is then
remembered in a small ``lang`` cookie that holds nothing else. Dates are shown in
Europe/Copenhagen in long form ("mandag den 2. marts 2026").
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.dates import format_timedelta
from babel.numbers import format_decimal as babel_format_decimal
from flask import Flask, g, has_request_context, request
from flask_babel import (
    Babel,
    LazyString,
    format_decimal,
    get_locale,
    get_translations,
)
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup
from werkzeug.wrappers import Response

from portal.config import PROJECT_ROOT
from portal.domain.danish import DANISH_TIME

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}
LANG_COOKIE = "lang"
TIMEZONE = "Europe/Copenhagen"

LONG_DATE = {"da": "EEEE 'den' d. MMMM y", "en": "EEEE d MMMM y"}
SHORT_DATE = {"da": "d. MMMM y", "en": "d MMMM y"}
TIME = {"da": "'kl.' HH.mm", "en": "HH:mm"}


def select_locale() -> str:
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        g.chosen_language = chosen
        return chosen
    remembered = request.cookies.get(LANG_COOKIE)
    if remembered in LANGUAGES:
        return remembered
    return DEFAULT_LANGUAGE


def current_language() -> str:
    if has_request_context():
        if "language" not in g:
            g.language = str(get_locale() or DEFAULT_LANGUAGE)
        return g.language
    return str(get_locale() or DEFAULT_LANGUAGE)


def translations():
    """This request's catalog, looked up once: a page asks for hundreds of texts, and
    Flask-Babel finds the catalog anew (locale, domain, cache) for every one."""
    if not has_request_context():
        return get_translations()
    store = g._get_current_object()
    found = getattr(store, "translations", None)
    if found is None:
        found = store.translations = get_translations()
    return found


@pass_eval_context
def page_text(context: EvalContext, text: str, **values) -> str:
    """A template's ``_()`` and ``{% trans %}``: Jinja's newstyle gettext, said in one call.

    Jinja's own ``_`` goes through three ``Context.call``s for each text (the alias, the
    newstyle wrapper, the lookup), and a page of the queue asks for four hundred texts: a
    tenth of its template's time (docs/architecture.md §10). The meaning is Jinja's: the text is
    always a format string (``%%`` is a percent sign), and with autoescape on it is markup whose
    values are escaped."""
    said = translations().ugettext(text)
    if context.autoescape:
        said = Markup(said)  # noqa: S704 - the portal's own catalog text, as in Jinja
    return said % values


HELPER_CONTEXT = "hjælper"


def genitive(name: str, language: str) -> str:
    """Jens → "Jens'", Mette → "Mettes" in Danish; "Jens's", "Mette's" in English."""
    if language == "da":
        return name + ("'" if name[-1:].lower() in ("s", "x", "z") else "s")
    return name + "'s"


def for_reader(text: str, helping: str | None = None, **values) -> Markup:
    """``text`` as the reader should read it: to the citizen, or — when ``helping`` names the
    citizen a relative acts for — to the helper, about the citizen. Values are escaped, as
    Jinja's own ``_()`` does."""
    catalog = translations()
    template = catalog.upgettext(HELPER_CONTEXT, text) if helping else text
    if template == text:
        # Not a helper's text (a choice such as "Video" that reads the same to both): the
        # ordinary translation. Every text marked _c/C_ has its helper's version (a test says).
        template = catalog.ugettext(text)
    # The template is the portal's own catalog text (as in Jinja's newstyle gettext); the values
    # are escaped by Markup's % operator.
    safe = Markup(template)  # noqa: S704
    said = safe % values if values else safe
    if helping:
        # The name is the citizen's, from the case system: marked so (data-source="case").
        first = helping.split()[0] if helping.split() else helping
        said = said.replace("{they}", _name(first)).replace(
            "{their}", _name(genitive(first, current_language()))
        )
    return said


def _name(name: str) -> Markup:
    return Markup('<span data-source="case">%s</span>') % name


def _danish(value: date | datetime) -> date | datetime:
    """A moment as the Danish wall clock shows it (a naive one is taken to be UTC)."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.astimezone(DANISH_TIME)
    return value


# Babel parses the pattern and looks up the locale's names at every call; a page of the
# caseworker's queue shows a hundred dates, and the same days come back on every page.
@lru_cache(maxsize=8192)
def _date_text(day: date, pattern: str, language: str) -> str:
    return babel_format_date(day, pattern, locale=language)


@lru_cache(maxsize=2048)
def _time_text(clock: time, pattern: str, language: str) -> str:
    return babel_format_time(clock, pattern, locale=language)


def long_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    day = _danish(value)
    day = day.date() if isinstance(day, datetime) else day
    return _date_text(day, LONG_DATE[current_language()], current_language())


def short_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    day = _danish(value)
    day = day.date() if isinstance(day, datetime) else day
    return _date_text(day, SHORT_DATE[current_language()], current_language())


MONTH_YEAR = {"da": "MMMM y", "en": "MMMM y"}


def month_year(value: date | None) -> str:
    """'januar 2026' / 'January 2026'."""
    if value is None:
        return ""
    return _date_text(value, MONTH_YEAR[current_language()], current_language())


def time_of_day(value: datetime | None) -> str:
    if value is None:
        return ""
    clock = _danish(value).time().replace(second=0, microsecond=0, tzinfo=None)
    return _time_text(clock, TIME[current_language()], current_language())


def meeting_time(value: str | None) -> str:
    """An ISO date(-time) from the timeline as 'mandag den 7. december 2026 kl. 10.00'.

    A time without a zone is Danish local time (that is how a caseworker books it)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if "T" not in value:
        return long_date(moment.date())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=DANISH_TIME)
    return f"{long_date(moment)} {time_of_day(moment)}"


@lru_cache(maxsize=4096)
def _number_text(value, language: str) -> str:
    return babel_format_decimal(value, format="#,##0.#", locale=language)


def number(value) -> str:
    """12 → '12', 7.5 → '7,5' in Danish and '7.5' in English. Cached, like the dates: "Tal om
    retten" writes a few hundred numbers, mostly the same small ones."""
    return _number_text(value, current_language())


def file_size(size: int) -> str:
    """340 → '1 kB', 1_250_000 → '1,2 MB' (what a phone's file list shows)."""
    if size < 1024 * 1024:
        return f"{format_decimal(max(1, round(size / 1024)), format='#,##0')} kB"
    return f"{format_decimal(size / (1024 * 1024), format='#,##0.#')} MB"


def relative_days(days: int) -> str:
    """'om 3 dage' / 'in 3 days', 'for 2 uger siden' / '2 weeks ago'."""
    return format_timedelta(
        timedelta(days=days), add_direction=True, threshold=1.5, locale=current_language()
    )


def duration_days(days: int) -> str:
    """'3 måneder' / '3 months' without direction."""
    return format_timedelta(timedelta(days=days), threshold=1.5, locale=current_language())


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TIMEZONE)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(PROJECT_ROOT / "translations")
    Babel(app, locale_selector=select_locale)
    # Jinja's extension needs a gettext to install the others (ngettext, pgettext, …); the
    # template's own _() and gettext() are then page_text, the same meaning in one call.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(_=page_text, gettext=page_text)

    @app.after_request
    def _remember_language(response: Response) -> Response:
        chosen = g.get("chosen_language")
        if chosen and request.cookies.get(LANG_COOKIE) != chosen:
            response.set_cookie(
                LANG_COOKIE,
                chosen,
                max_age=365 * 24 * 3600,
                httponly=True,
                samesite="Lax",
                secure=bool(app.config.get("SESSION_COOKIE_SECURE")),
            )
        return response


def _helping() -> str | None:
    """Whom the reader helps (a relative acting for a citizen), once per request: a page asks
    for forty texts, and each look at ``current_user`` goes through Flask-Login's proxy."""
    if not has_request_context():
        return None
    store = g._get_current_object()
    if not hasattr(store, "helping"):
        user = current_user
        store.helping = user.acting_for_name if user.is_authenticated and user.is_delegate else None
    return store.helping


def to_the_reader(text: str, **values) -> Markup:
    """A text of the citizen's case: to the citizen, or to a relative acting for them."""
    return for_reader(text, _helping(), **values)


def lazy_to_the_reader(text: str) -> LazyString:
    """``to_the_reader`` when shown (form messages are made before anyone logs in)."""
    return LazyString(lambda: str(to_the_reader(text)))
