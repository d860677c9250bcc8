"""What tests share: settings, the live servers, logging in through the test IdP, and the data
a test starts from (a sent concern, the answers of every step).

Tests import these from here, never from another test module; fixtures live in conftest.py.
"Today" is Danish (docs/architecture.md §9): the suite passes at 23:30 and 00:30 UTC.
"""

from __future__ import annotations

import os
import re
import threading
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select, text
from werkzeug.serving import make_server

from portal.domain.casework import add_working_days, danish_holidays
from portal.domain.concerns import ConcernAction as A
from portal.domain.danish import today_in_denmark
from portal.domain.identity import hash_cpr
from portal.domain.principal import Actor, Principal
from portal.models import Citizen, Concern, Offer
from portal.services import api_clients, casework_steps, concern_steps, concerns, decisions
from tests.pages import assert_good_page, text_of

PORTAL_BASE = "http://localhost"
CPR_KEY = "test-cpr-key-0123456789abcdef0123456789"
CLIENT_SECRET = "test-client-secret"
WORK_CLIENT_SECRET = "test-work-client-secret"
TODAY = today_in_denmark()


def database_url_for(tmp_path_factory: pytest.TempPathFactory, name: str) -> str:
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp(name) / 'portal.db'}"
    schema = f"portal_{name}_{os.getpid()}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def drop_schema(url: str) -> None:
    match = re.search(r"search_path%3D(\w+)", url)
    if match:
        admin = create_engine(os.environ["PORTAL_TEST_DATABASE_URL"])
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{match.group(1)}" CASCADE'))
        admin.dispose()


class LiveServer:
    """A WSGI app served over real HTTP on 127.0.0.1 in a background thread."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()


class CheckedClient(FlaskClient):
    """A test client that checks the quality of every HTML page it receives."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if (
            response.mimetype == "text/html"
            and response.status_code != 302
            and "Content-Encoding" not in response.headers
        ):
            assert_good_page(response.get_data(as_text=True))
        return response


def portal_settings(
    database_url: str, idp_url: str, work_idp_url: str, base_url: str = PORTAL_BASE
) -> dict:
    return {
        "PORTAL_ENV": "test",
        "TESTING": True,
        "DATABASE_URL": database_url,
        "BASE_URL": base_url,
        "CPR_HASH_KEY": CPR_KEY,
        "HTTP_TIMEOUT": 2.0,
        "OIDC": {
            "citizen": {
                "issuer": idp_url,
                "client_id": "portal-citizen",
                "client_secret": CLIENT_SECRET,
                "claims_profile": "signaturgruppen",
                "scopes": "openid mitid ssn",
                "max_age": None,
            },
            "caseworker": {
                "issuer": work_idp_url,
                "client_id": "portal-caseworker",
                "client_secret": WORK_CLIENT_SECRET,
                "claims_profile": "mitid_erhverv",
                "scopes": "openid nemlogin",
                "max_age": None,
            },
        },
        "SERVICE_GOALS": {"acknowledge_days": 2, "meeting_days": 10},
        "COMMENT_PERIOD_DAYS": 7,
        # The suite logs in hundreds of times from 127.0.0.1; the limits have tests of their own.
        "LIMITS": {
            "login": "10000/minute",
            "api_failures": "10000/minute",
            "writes": "10000/minute",
        },
        "DELEGATION_DAYS": {"default": 365, "max": 1095},
    }


def idp_login_url(client: FlaskClient, path: str = "/login") -> str:
    response = client.get(path)
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


def pick_persona(authorize_url: str, persona: str = "mette", action: str | None = None) -> str:
    """What a browser does at the IdP: open the picker, choose; returns the callback URL."""
    http = requests.Session()
    page = http.get(authorize_url, timeout=5)
    assert page.status_code == 200, page.text[:500]
    request_id = re.search(r'name="request_id" value="([^"]+)"', page.text).group(1)
    form = {"request_id": request_id}
    form.update({"action": action} if action else {"persona": persona})
    answer = http.post(
        f"{authorize_url.split('/authorize')[0]}/authorize",
        data=form,
        allow_redirects=False,
        timeout=15,
    )
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


def callback_path(callback_url: str) -> str:
    parts = urlsplit(callback_url)
    return f"{parts.path}?{parts.query}"


def login(client: FlaskClient, persona: str = "mette"):
    callback = pick_persona(idp_login_url(client), persona)
    return client.get(callback_path(callback))


def caseworker_login(client: FlaskClient, persona: str = "lone"):
    """Log in at the MitID Erhverv test issuer; returns the portal's answer to the callback."""
    callback = pick_persona(idp_login_url(client, "/sagsbehandler/login"), persona)
    return client.get(callback_path(callback))


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def csrf_token(response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True)).group(1)


# -- data a test starts from ------------------------------------------------------------------
COMPLETE = {
    "worries": ["hours"],
    "worry_text": "For mange timer.",
    "health_text": "Ryg.",
    "doctor_knows": "yes",
    "helps": ["fewer_hours"],
    "meeting_form": "phone",
    "phone": "20304050",
}


def principal(db, persona) -> Principal:
    citizen = db.scalar(select(Citizen).where(Citizen.cpr_hash == hash_cpr(persona.cpr, CPR_KEY)))
    return Principal("citizen", persona.subject, persona.name, citizen.id)


def offer(db, external_id) -> Offer:
    return db.scalar(select(Offer).where(Offer.external_id == external_id))


def concern_row(about: Offer, status: str, at: datetime, by=("citizen", "citizen:x"), **fields):
    """A concern written straight to the table, about an offer (its forløb loaded), made at
    ``at`` — for a test that needs many, or ones from the past, without walking the services."""
    return Concern(
        citizen_id=about.forloeb.citizen_id,
        offer_id=about.id,
        municipality_id=about.forloeb.municipality_id,
        status=status,
        answers={},
        right_applies=True,
        created_by_role=by[0],
        created_by_ref=by[1],
        created_at=at,
        updated_at=at,
        **fields,
    )


def sent(db, demo, persona="mette", external_id="demo-offer-mette-1"):
    who = principal(db, demo[persona])
    draft = concerns.start(db, who, offer(db, external_id).id, TODAY)
    concerns.save_step(db, draft, 5, COMPLETE)
    return who, concerns.submit(db, who, draft)


CASEWORKER = Actor("caseworker", "caseworker:demo-cw-nordby-1")


def meeting_plan(**changes) -> concern_steps.MeetingPlan:
    """A meeting a week ahead, in person, with a coordinator from the region's clinical unit."""
    values = {
        "starts_at": datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=7),
        "form": "in_person",
        "place": "Jobcentret, Torvet 1",
        "video_url": "",
        "coordinator": "Dr. Anne Berg",
        "clinical_unit": "Klinisk funktion, Region Nordjylland",
    }
    return concern_steps.MeetingPlan(**(values | changes))


def meeting_has_passed(db, concern) -> None:
    """Time passes: the booked meeting's start is now an hour ago (as on the day after)."""
    meeting = concern_steps.current_meeting(concern)
    meeting.starts_at = datetime.now(UTC) - timedelta(hours=1)
    db.commit()


def decision_input(decision: str = "adapted", **fields) -> decisions.DecisionInput:
    """A decision as a caseworker writes it: facts, assessment, and for an adapted offer a
    written change (``plan=`` gives a changed plan instead), for a replaced one what replaces
    it. Decided at once: the citizen said at the meeting she will not comment."""
    values = {
        "decision": decision,
        "facts": "Borgeren får ondt efter 3 timer. Sundhedskoordinatoren råder til 8 timer.",
        "assessment": "Du kan bedst tåle 8 timer om ugen.",
        "change_text": "8 timer om ugen." if decision == "adapted" else "",
        "replacement": "Et kursus i stedet." if decision == "replaced" else "",
        "early_reason": "Borgeren sagde på mødet, at hun ikke vil kommentere.",
    }
    return decisions.DecisionInput(**(values | fields))


def walk(db, concern, until: str, actor: Actor = CASEWORKER, decision: str = "adapted"):
    """Take a sent concern through the caseworker's steps as far as ``until`` (a status)."""
    steps = [
        ("acknowledged", lambda: concern_steps.transition(db, actor, concern, A.ACKNOWLEDGE)),
        ("meeting_booked", lambda: casework_steps.book_meeting(db, actor, concern, meeting_plan())),
        (
            "meeting_held",
            lambda: (
                meeting_has_passed(db, concern),
                casework_steps.record_meeting(
                    db, actor, concern, True, datetime.now(UTC), ["citizen", "coordinator"]
                ),
            ),
        ),
        (
            "advice_given",
            lambda: casework_steps.record_advice(db, actor, concern, "Færre timer.", TODAY, 7),
        ),
        (
            "decided",
            lambda: decisions.decide(db, actor, concern, decision_input(decision), TODAY),
        ),
        ("closed", lambda: concern_steps.transition(db, actor, concern, A.CLOSE)),
    ]
    for status, step in steps:
        step()
        if status == until:
            return concern
    raise ValueError(until)


STEPS = {
    1: {"offer_started": "no"},
    2: {
        "worries": ["hours", "fatigue"],
        "worry_text": "Jeg bliver meget træt <b>efter</b> 3 timer.",
    },
    3: {
        "health_text": "Jeg har en kronisk sygdom.",
        "doctor_knows": "yes",
    },
    4: {"helps": ["fewer_hours"], "helps_text": ""},
    5: {
        "meeting_form": "video",
        "unavailable": "",
        "companion": "Sofie",
        "interpreter": "",
        "phone": "20 30 40 50",
        "email": "mette@example.dk",
    },
}


def offer_id(db, external_id="demo-offer-mette-1") -> int:
    return db.scalar(select(Offer.id).where(Offer.external_id == external_id))


def start(client, db, external_id="demo-offer-mette-1") -> str:
    page = client.get(f"/tilbud/{offer_id(db, external_id)}/bekymret")
    response = client.post(
        "/bekymringer/ny",
        data={"csrf_token": csrf_token(page), "offer_id": offer_id(db, external_id)},
    )
    assert response.status_code == 302
    return response.headers["Location"]


def post_step(client, url, answers):
    token = csrf_token(client.get(url))
    return client.post(url, data={"csrf_token": token, **answers})


def fill_all(client, db, external_id="demo-offer-mette-1") -> int:
    url = start(client, db, external_id)
    concern_id = int(re.search(r"/bekymringer/(\d+)/", url).group(1))
    for number, answers in STEPS.items():
        response = post_step(client, f"/bekymringer/{concern_id}/trin/{number}", answers)
        assert response.status_code == 302, (number, text_of(response)[:500])
    return concern_id


def reset_to_demo(app, cpr_key: str, today) -> None:
    """Empty every table and seed the demo personas again (a browser journey's own data)."""
    from portal import db as database
    from portal.models.base import Base
    from portal.services.demo_seed import seed_demo

    with app.app_context(), database.new_session() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(table.delete())
        session.commit()
        seed_demo(session, cpr_key, today)


def forloeb_ends_in(db, forloeb_id: str, days: int) -> None:
    """Set the scene: the forløb's planned end is ``days`` from today. Jens's demo forløb ends on
    a fixed day (a 5-year forløb from 2021), so a test that needs it running — or ending just
    before his course — says so, whatever day the suite runs on."""
    from portal.models import Forloeb

    forloeb = db.scalar(select(Forloeb).where(Forloeb.external_id == forloeb_id))
    forloeb.planned_end_date = TODAY + timedelta(days=days)
    db.commit()


def choose(client, name: str):
    """On the choice page, act for the person with this name; returns the answer."""
    page = client.get("/vaelg")
    match = re.search(
        rf'name="for" value="(\d+)">\s*<button[^>]*><span>På vegne af {name}</span></button>',
        page.get_data(as_text=True),
    )
    assert match, page.get_data(as_text=True)[:3000]
    return client.post("/vaelg", data={"for": match.group(1), "csrf_token": csrf_token(page)})


def as_relative_for(app, name: str):
    client = app.test_client()
    answer = login(client, "sofie")
    assert answer.headers["Location"] == "/vaelg", "a relative chooses first"
    assert choose(client, name).status_code == 302
    return client


# -- clients in a role, and the caseworker's forms ------------------------------------------
def as_caseworker(app, persona: str = "lone"):
    client = app.test_client()
    answer = caseworker_login(client, persona)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    return client


def as_citizen(app, persona: str = "mette"):
    client = app.test_client()
    assert login(client, persona).status_code == 302
    return client


class _FormValues(HTMLParser):
    """What a browser would send of one form's fields as the page shows them: text inputs'
    values, checked boxes and radios, and text areas (the fields starting with ``prefix``)."""

    def __init__(self, prefix: str):
        super().__init__()
        self.prefix, self.values, self._area = prefix, {}, None

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        name = found.get("name") or ""
        if not name.startswith(self.prefix):
            return
        if tag == "textarea":
            self._area = name
            self.values[name] = ""
        elif tag == "input" and found.get("type") in ("checkbox", "radio"):
            if "checked" in found:
                self.values.setdefault(name, []).append(found.get("value", ""))
        elif tag == "input":
            self.values[name] = found.get("value", "")

    def handle_data(self, data):
        if self._area is not None:
            self.values[self._area] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._area = None


def form_values(html: str, prefix: str) -> dict:
    parser = _FormValues(prefix)
    parser.feed(html)
    return parser.values


def post_action(
    client,
    concern_id: int,
    slug: str,
    fields: dict,
    version: int | None = None,
    desk: str = "/sagsbehandler",
):
    """Send the caseworker's form (or, with ``desk="/sundhedskoordinator"``, the coordinator's)
    as a browser would: what the page shows, with ``fields`` typed over it."""
    page = client.get(f"{desk}/bekymringer/{concern_id}")
    data = form_values(page.get_data(as_text=True), f"{slug}-")
    data |= {f"{slug}-{name}": value for name, value in fields.items()}
    data["csrf_token"] = csrf_token(page)
    if version is not None:
        data[f"{slug}-version"] = str(version)
    return client.post(f"{desk}/bekymringer/{concern_id}/{slug}", data=data)


COORDINATOR_DESK = "/sundhedskoordinator"


def meeting_fields(**changes) -> dict:
    day = add_working_days(TODAY, 5, danish_holidays())
    return {
        "day": day.isoformat(),
        "starts_at": "10:00",
        "form": "in_person",
        "place": "Jobcentret, Torvet 1",
        "coordinator": "Dr. Anne Berg",
        "clinical_unit": "Klinisk Funktion, Region Nord",
        "message": "",
        **changes,
    }


def feed_url(client) -> str:
    page = client.get("/kalender").get_data(as_text=True)
    return re.search(
        r'id="feed-url" type="text" readonly value="http://localhost([^"]+)"', page
    ).group(1)


def api_token(db, municipality: str = "901", scopes: str = "import,export") -> str:
    """A case system's API client for the municipality (which must exist); returns its token."""
    _client, token = api_clients.add(
        db, municipality, f"Sagssystem {municipality}", scopes, datetime.now(UTC)
    )
    return token


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
