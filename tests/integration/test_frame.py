"""The frame every page shares (portal.frame), drawn once per kind and filled in per request, is
exactly the frame the template draws with the same values — and never one person's frame for
another."""

from __future__ import annotations

import re
from itertools import product

import pytest
from jinja2 import meta
from markupsafe import Markup, escape

from portal import frame, i18n
from tests.factories import choose, login

HOSTILE = "<script>alert('x')</script> & \"Ø\""
MUNICIPALITIES = [
    None,
    frame.MunicipalityContact("Nordby Kommune", "70 10 20 30", "post@nordby.dk", "8-15"),
    frame.MunicipalityContact(HOSTILE, HOSTILE, HOSTILE, None),
]
# Names of template globals whose value differs between requests of one kind. The frame gets
# these as holes or in its kind; its templates may not ask for them.
PER_REQUEST = {
    "current_user",
    "csrf_token",
    "csp_nonce",
    "this_page",
    "in_language",
    "acting_for",
    "may_act",
    "helps_others",
    "header_municipality",
    "session_seconds_left",
    "request",
    "session",
    "g",
}


def kinds() -> list[frame.FrameKind]:
    logins = [(False, "/", None), (True, "/mit-forloeb", None), (True, "/mit-forloeb", "act")]
    logins += [(True, "/mit-forloeb", "see"), (True, "/sagsbehandler/", None)]
    return [
        frame.FrameKind(language, "", logged_in, home, scope, municipality)
        for language, (logged_in, home, scope), municipality in product(
            i18n.LANGUAGES, logins, MUNICIPALITIES
        )
    ]


def hostile_holes(description) -> frame.Holes:
    return frame.Holes(
        title=HOSTILE,
        description=description,
        nonce="n0nce-_",
        csrf="Ijk1.abc-_",
        user_name=HOSTILE,
        language_links=tuple((code, f'/x?a="1"&b=<2>&lang={code}') for code in i18n.LANGUAGES),
        back_to="/tilbud?q=%22&x=<y>",
        seconds_left="1799",
        acting_for_name="Jens <b>Test</b>hansen",
        acting_for_first_name="Jens",
    )


@pytest.mark.parametrize(
    "description",
    [HOSTILE, Markup("Kommunens <em>egen</em> tekst"), ""],
    ids=["typed", "markup", "empty"],
)
def test_a_filled_frame_is_the_frame_the_template_draws(app, description):
    holes = hostile_holes(description)
    content = Markup("<p>Sidens indhold</p>")
    for kind in kinds():
        with app.test_request_context(f"/?lang={kind.language}"):
            filled = frame.fill(frame.drawing(kind), frame.by_name(holes))
            drawn = frame.draw(kind, holes, content)
        assert filled.top + content + filled.bottom == drawn, kind


def test_every_hole_is_in_some_frame_and_every_marker_is_a_hole(app):
    found: set[str] = set()
    for kind in kinds():
        with app.test_request_context(f"/?lang={kind.language}"):
            drawn = frame.drawing(kind)
        found |= drawn.holes
        for text in (*drawn.top[::2], *drawn.bottom[::2]):
            assert frame.MARK not in text
    assert found == frame.hole_names()
    assert set(frame.FINDERS) == frame.hole_names(), "each hole has one way to be found"


def test_values_are_escaped_once(app):
    kind = frame.FrameKind("da", "", True, "/mit-forloeb", None, MUNICIPALITIES[2])
    with app.test_request_context("/"):
        filled = frame.fill(frame.drawing(kind), frame.by_name(hostile_holes(None)))
    assert "<script>" not in filled.top
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;Ø&#34;" in filled.top
    assert "&amp;lt;" not in filled.top + filled.bottom
    assert 'value="/tilbud?q=%22&amp;x=&lt;y&gt;"' in filled.bottom


def _templates_of(env, name: str, seen: set[str]) -> None:
    if name in seen:
        return
    seen.add(name)
    source = env.loader.get_source(env, name)[0]
    for referenced in meta.find_referenced_templates(env.parse(source)):
        _templates_of(env, referenced, seen)


def test_the_frame_asks_for_nothing_else_that_varies_between_requests(app):
    env = app.jinja_env
    templates: set[str] = set()
    _templates_of(env, frame.TEMPLATE, templates)
    assert "components/header.html" in templates and "components/footer.html" in templates
    for name in templates:
        source = env.loader.get_source(env, name)[0]
        used = meta.find_undeclared_variables(env.parse(source))
        assert not used & PER_REQUEST, f"{name} asks for {used & PER_REQUEST}"
        # An import with context would hand a macro the page's own values.
        assert not re.search(r"with\s+context|{%-?\s*include", source), name


def _header_name(page: str) -> str:
    return re.search(r'<p class="user"><span class="sr-only">[^<]*</span>([^<]*)</p>', page)[1]


def test_two_citizens_share_a_drawing_and_each_sees_their_own_name_and_token(app, demo):
    def front_page(persona: str) -> str:  # Mette and Ali both live in Nordby Kommune
        client = app.test_client()
        login(client, persona)
        return client.get("/mit-forloeb").get_data(as_text=True)

    kept, app.extensions["portal_frames"] = app.extensions["portal_frames"], frame.KeptDrawings()
    try:
        pages = [front_page("mette")]
        assert len(app.extensions["portal_frames"]) == 1, "the first citizen's frame is kept"
        pages.append(front_page("ali"))
        assert len(app.extensions["portal_frames"]) == 1, "and the second citizen's page uses it"
    finally:
        app.extensions["portal_frames"] = kept
    assert [_header_name(page) for page in pages] == ["Mette Testesen", "Ali Prøvesen"]
    tokens = [set(re.findall(r'name="csrf_token" value="([^"]+)"', page)) for page in pages]
    assert all(len(found) == 1 for found in tokens) and tokens[0] != tokens[1]
    nonces = [re.search(r'<script [^>]*nonce="([^"]+)"', page)[1] for page in pages]
    assert nonces[0] != nonces[1]


def test_the_frame_follows_the_municipality_the_language_and_the_page(app, demo, db):
    from portal.models import Municipality

    client = app.test_client()
    login(client, "mette")
    page = client.get("/tilbud?side=2").get_data(as_text=True)
    assert 'href="/tilbud?side=2&amp;lang=en"' in page
    assert 'name="next" value="/tilbud?side=2"' in page
    nordby = db.query(Municipality).filter_by(name="Nordby Kommune").one()
    nordby.phone = "99 88 77 66"
    db.commit()
    page = client.get("/mit-forloeb?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page and "99 88 77 66" in page and "70 10 20 30" not in page
    assert "Log out" in page


def test_a_relative_sees_whom_they_act_for_and_the_citizen_does_not(app, demo):
    sofie = app.test_client()
    login(sofie, "sofie")
    choose(sofie, "Jens Testhansen")
    page = sofie.get("/mit-forloeb").get_data(as_text=True)
    assert "Du handler på vegne af Jens Testhansen." in page
    assert "Teksterne handler om Jens." in page
    assert _header_name(page) == "Sofie Testhansen"
    jens = app.test_client()
    login(jens, "jens")
    page = jens.get("/mit-forloeb").get_data(as_text=True)
    assert "Du handler på vegne af" not in page and _header_name(page) == "Jens Testhansen"


def test_a_page_without_a_login_has_no_token_user_or_session_time(app, demo):
    page = app.test_client().get("/").get_data(as_text=True)
    assert "csrf_token" not in page and 'class="user"' not in page
    assert "data-session-seconds-left" not in page and "session-timeout" not in page
    assert str(escape(i18n.LANGUAGE_NAMES["en"])) in page


def test_while_templates_reload_no_drawing_is_kept(app, demo):
    kept, app.extensions["portal_frames"] = app.extensions["portal_frames"], frame.KeptDrawings()
    try:
        app.jinja_env.auto_reload = True
        reloading = app.test_client().get("/dine-rettigheder/")
        assert reloading.status_code == 200 and len(app.extensions["portal_frames"]) == 0
        app.jinja_env.auto_reload = False
        assert app.test_client().get("/dine-rettigheder/").status_code == 200
        assert len(app.extensions["portal_frames"]) == 1
    finally:
        app.jinja_env.auto_reload = False
        app.extensions["portal_frames"] = kept
