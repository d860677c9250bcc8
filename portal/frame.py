"""The frame every portal page shares — the head, the language switch, the header, a relative's
banner, the footer and the session-time dialog — drawn once per kind of page and filled in for
each request.

Measured (docs/architecture.md §10), the frame was about a quarter of a drawn page, and it
depends on little. What it depends on is split in two:

- the **kind** (``FrameKind``): the language, the application's root, whether someone is logged
  in and where their home page is, a relative's scope, and the municipality's name, phone,
  e-mail and opening hours (public facts, no personal data). ``layouts/frame.html`` is drawn
  once per kind and kept in this process, with a marker where each hole goes;
- the **holes** (``Holes``): the page's title and description, the CSP nonce, the CSRF token,
  the name of who is logged in, this page's link in each language and as the way back, the
  seconds the session has left, and whom a relative acts for. Each is escaped as the template
  escapes a value, so a frame filled in is the frame the template draws with the same values.

``tests/integration/test_frame.py`` holds the two to be the same, kind by kind and with hostile
values, and checks that the frame's templates use nothing else that varies between requests.
When templates reload (development), a frame is drawn for each page and not kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from threading import Lock

from flask import Flask, current_app, request, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from portal import i18n
from portal.auth.principal import home_endpoint
from portal.domain.danish import N_
from portal.routing import this_page
from portal.security import csp_nonce
from portal.templating import header_municipality, in_language, session_seconds_left

TEMPLATE = "layouts/frame.html"
DEFAULT_DESCRIPTION = N_(
    "Se dit ressourceforløb og dine tilbud, og sig det til kommunen, hvis et tilbud ikke passer "
    "til dit helbred."
)
# Never in a template's own text: a hole's name sits between two of them in a drawing.
MARK = "\x00"
CONTENT = "content"
# 98 municipalities × 2 languages × the kinds of login, with room to spare.
KEPT_KINDS = 2048


@dataclass(frozen=True)
class MunicipalityContact:
    """What the header and footer show of a municipality."""

    name: str
    phone: str
    email: str
    opening_hours: str | None


@dataclass(frozen=True)
class FrameKind:
    """Everything the frame's look depends on except its holes: one drawing per value."""

    language: str
    script_root: str
    logged_in: bool
    home_url: str
    acting_scope: str | None
    municipality: MunicipalityContact | None


@dataclass(frozen=True)
class Holes:
    """The values filled in for each request (when the frame is drawn: their markers)."""

    title: str
    description: str
    nonce: str
    csrf: str
    user_name: str
    language_links: tuple[tuple[str, str], ...]
    back_to: str
    seconds_left: str
    acting_for_name: str
    acting_for_first_name: str


@dataclass(frozen=True)
class Frame:
    """The page's frame, filled in: what comes before the page's content and after it."""

    top: Markup
    bottom: Markup


@dataclass(frozen=True)
class Drawing:
    """A kind's frame with its holes: text, hole name, text, …, text; and the holes it has."""

    top: tuple[str, ...]
    bottom: tuple[str, ...]
    holes: frozenset[str]


def draw(kind: FrameKind, holes: Holes, content: str) -> str:
    """The frame as the template draws it with these values, ``content`` inside it."""
    return current_app.jinja_env.get_template(TEMPLATE).render(
        kind=kind, holes=holes, content=content
    )


def drawing(kind: FrameKind) -> Drawing:
    """The kind's frame drawn with a marker for each hole and for the page's content."""
    top, bottom = draw(kind, _markers(), _marker(CONTENT)).split(_marker(CONTENT))
    top_parts, bottom_parts = tuple(top.split(MARK)), tuple(bottom.split(MARK))
    holes = frozenset(top_parts[1::2]) | frozenset(bottom_parts[1::2])
    return Drawing(top_parts, bottom_parts, holes)


def by_name(holes: Holes) -> dict[str, object]:
    """The holes' values by the name a drawing gives each hole: each language's link is a hole
    of its own."""
    values = {field.name: getattr(holes, field.name) for field in fields(Holes)}
    for code, link in values.pop("language_links"):
        values[_link_hole(code)] = link
    return values


def hole_names() -> frozenset[str]:
    """Every hole a frame can have."""
    return frozenset(by_name(_markers()))


def _marker(name: str) -> Markup:
    return Markup(f"{MARK}{name}{MARK}")  # noqa: S704 - a name of ours, never a value


def _link_hole(code: str) -> str:
    return f"link_{code}"


def _markers() -> Holes:
    values: dict = {field.name: _marker(field.name) for field in fields(Holes)}
    values["language_links"] = tuple((code, _marker(_link_hole(code))) for code in i18n.LANGUAGES)
    return Holes(**values)


class KeptDrawings:
    """This process's drawings, one per kind, at most ``KEPT_KINDS`` (the oldest go first)."""

    def __init__(self) -> None:
        self._drawings: dict[FrameKind, Drawing] = {}
        self._lock = Lock()

    def get(self, kind: FrameKind) -> Drawing:
        found = self._drawings.get(kind)
        if found is None:
            found = drawing(kind)
            if not current_app.jinja_env.auto_reload:
                with self._lock:
                    if len(self._drawings) >= KEPT_KINDS:
                        del self._drawings[next(iter(self._drawings))]
                    self._drawings[kind] = found
        return found

    def __len__(self) -> int:
        return len(self._drawings)


def page_frame(title: str, description: str | None) -> Frame:
    """This request's frame (``layouts/base.html``), with the page's title and description."""
    drawn = current_app.extensions["portal_frames"].get(this_kind())
    return fill(drawn, {name: FINDERS[name](title, description) for name in drawn.holes})


def fill(drawn: Drawing, values: Mapping[str, object]) -> Frame:
    """The drawing with each hole's value escaped as the template escapes a value."""
    escaped = {name: str(escape(value)) for name, value in values.items()}
    return Frame(_filled(drawn.top, escaped), _filled(drawn.bottom, escaped))


def this_kind() -> FrameKind:
    user = current_user if current_user.is_authenticated else None
    found = header_municipality()
    return FrameKind(
        language=i18n.current_language(),
        script_root=request.script_root,
        logged_in=user is not None,
        home_url=url_for(home_endpoint(user) if user else "public.start"),
        acting_scope=str(user.acting_scope) if user and user.is_delegate else None,
        municipality=(
            MunicipalityContact(found.name, found.phone, found.email, found.opening_hours)
            if found
            else None
        ),
    )


def _filled(parts: tuple[str, ...], values: dict[str, str]) -> Markup:
    filled = list(parts)
    for i in range(1, len(filled), 2):
        filled[i] = values[filled[i]]
    # The drawing is the template's output, and every value was escaped by fill.
    return Markup("".join(filled))  # noqa: S704


def _description(description: str | None) -> str:
    if description is not None:
        return description
    return Markup(gettext(DEFAULT_DESCRIPTION))  # noqa: S704 - the catalog's text, as _() gives it


# How each hole's value is found, from the page's title and description and the request. Only
# the holes the kind's frame has are asked for: a page without a login signs no CSRF token.
FINDERS: dict[str, Callable[[str, str | None], object]] = {
    "title": lambda title, _: title,
    "description": lambda _, description: _description(description),
    "nonce": lambda *_: csp_nonce(),
    "csrf": lambda *_: generate_csrf(),
    "user_name": lambda *_: current_user.name,
    "back_to": lambda *_: this_page(),
    "seconds_left": lambda *_: session_seconds_left(),
    "acting_for_name": lambda *_: current_user.acting_for_name,
    "acting_for_first_name": lambda *_: current_user.acting_for_name.split()[0],
    **{_link_hole(code): (lambda *_, code=code: in_language(code)) for code in i18n.LANGUAGES},
}


def init_app(app: Flask) -> None:
    app.extensions["portal_frames"] = KeptDrawings()
    app.jinja_env.globals["page_frame"] = page_frame
