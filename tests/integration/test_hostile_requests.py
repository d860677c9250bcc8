"""No 5xx for anything a person or a broker can send (ground rule 5): every route of the URL map,
with hostile values for each path parameter and a set of hostile query parameters, as anonymous,
citizen, relative, caseworker and manager; and every form that writes, with hostile fields."""

from __future__ import annotations

import base64
import re
from urllib.parse import urlsplit

import pytest

from tests.factories import as_caseworker, as_citizen, as_relative_for, csrf_token, sent, walk

PATH_VALUES = [
    "0",
    "-1",
    "2147483648",
    "99999999999999999999",
    "007",
    "١٢",
    "²",
    "1e400",
    "abc",
    "%00",
    "..%2F..%2Fetc%2Fpasswd",
    "x" * 3000,
]
DEEP = base64.urlsafe_b64encode(b"[" * 5000).decode()
QUERIES = [
    {"endpoint": "x", "_method": "POST", "_external": "1", "_anchor": "x", "_scheme": "javascript"},
    {"lang": "xx", "next": "//evil.example/", "reason": "timeout\r\nSet-Cookie: x=1"},
    {"efter": "1e400", "status": "<script>", "scope": "\x00", "right": "maybe", "ref": "B-١٢"},
    {"efter": DEEP, "udfoert": "kvitter", "later": "1", "deleted": "1", "renewed": "1"},
    {"after": DEEP, "changed_since": "0001-01-01T00:00+01:00", "limit": "1e3", "v": "\x00"},
    {"code": "x", "state": "y", "iss": "https://evil.example", "error": "x\r\nFAKE LINE"},
    {"fra": "\x00", "til": "9" * 3000, "slags": "<script>", "from": "1e400", "to": "٢٠٢٦-01-01"},
    {"fra": "0001-01-01", "til": "9999-12-31", "offer_kind": "\x00", "slags": ["mentor", "x"]},
]
FORM = {
    "offer_id": "99999999999999999999",
    "for": "²",
    "version": "1e400",
    "text": "a\x00b",
    "comment": "\x00" * 10,
    "later": "1",
    "holder_name": "Sofie\x00",
    "holder_cpr": "٠١٠١٩٠١١١١",
    "ends_on": "99999-99-99",
    "scope": "everything",
    "answer": "yes",
    "doctor": "Lægehuset",
    "next": "//evil.example",
    "return_to": "summary",
    "worries": ["\x00", "x" * 5000],
    "kvitter-version": "-1",
    "moede-day": "0000-00-00",
    "moede-starts_at": "25:61",
    "moede-form": "video",
    "moede-place": "javascript:alert(1)",
    "beslutning-decision": "adapted",
    "beslutning-facts": "x\x00",
    "beslutning-assessment": "x" * 5000,
    "beslutning-start_date": "99999-99-99",
    "beslutning-end_date": "0001-01-01",
    "beslutning-weekdays": ["XX", "MO"],
    "beslutning-day_starts_at": "25:00",
    "beslutning-day_ends_at": "00:00",
    "beslutning-hours_per_week": "1e400",
    "afgoerelse-sendt-channel": "pigeon",
    "afgoerelse-sendt-received_on": "0000-00-00",
}


def clients(app, who: str):
    if who == "anonymous":
        return app.test_client()
    if who == "citizen":
        return as_citizen(app, "mette")
    if who == "relative":
        return as_relative_for(app, "Jens Testhansen")
    if who == "manager":
        return as_caseworker(app, "karim")  # a caseworker and a manager
    return as_caseworker(app, "lone")


def urls(app):
    """Every GET route: with hostile path values, and with benign ones and hostile queries."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        benign = rule.build({arg: "1" for arg in rule.arguments}, append_unknown=False)[1]
        for query in QUERIES:
            yield rule.endpoint, benign, query
        for value in PATH_VALUES if rule.arguments else ():
            path = rule.rule
            for arg in rule.arguments:
                path = re.sub(rf"<(?:[^:>]+:)?{arg}>", value, path)
            yield rule.endpoint, path, {}


@pytest.mark.parametrize("who", ["anonymous", "citizen", "relative", "caseworker", "manager"])
def test_no_get_route_answers_5xx_to_hostile_values(app, db, demo, who):
    client = clients(app, who)
    failures = []
    for endpoint, path, query in urls(app):
        response = client.get(path, query_string=query)
        if response.status_code >= 500:
            failures.append((endpoint, path[:80], query, response.status_code))
        body = response.get_data(as_text=True)
        target = urlsplit(response.headers.get("Location", ""))
        assert "evil" not in target.netloc and target.scheme in ("", "http", "https"), endpoint
        if response.mimetype == "text/html":
            assert 'href="//evil.example' not in body and "javascript:" not in body, endpoint
    assert not failures, failures


@pytest.mark.parametrize("who", ["citizen", "relative", "caseworker"])
def test_no_form_answers_5xx_to_hostile_fields(app, db, demo, who):
    client = clients(app, who)
    page = client.get("/sagsbehandler/bekymringer" if who == "caseworker" else "/mit-forloeb")
    token = csrf_token(page)
    failures = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint.startswith("api."):
            continue
        if rule.endpoint == "auth.logout":
            continue  # would end this client's session for the routes after it
        path = rule.build({arg: "1" for arg in rule.arguments}, append_unknown=False)[1]
        response = client.post(path, data={**FORM, "csrf_token": token})
        if response.status_code >= 500:
            failures.append((rule.endpoint, response.status_code))
    assert not failures, failures


@pytest.mark.parametrize("until", ["acknowledged", "advice_given", "decided"])
def test_no_caseworker_action_answers_5xx_to_hostile_fields_on_a_real_concern(app, db, demo, until):
    from portal.casework import ACTIONS

    _mette, concern = sent(db, demo)
    walk(db, concern, until)
    client = clients(app, "caseworker")
    page = client.get(f"/sagsbehandler/bekymringer/{concern.id}")
    token = csrf_token(page)
    failures = []
    for slug in ACTIONS:
        for decision in ("adapted", "replaced", "stopped", "kept", "x"):
            data = {**FORM, "csrf_token": token, f"{slug}-version": str(concern.version)}
            data["beslutning-decision"] = decision
            answer = client.post(f"/sagsbehandler/bekymringer/{concern.id}/{slug}", data=data)
            if answer.status_code >= 500:
                failures.append((slug, decision, answer.status_code))
    assert not failures, failures


def test_a_foreign_host_never_reaches_a_link(app, db, demo):
    client = as_citizen(app, "mette")
    page = client.get(
        "/mit-forloeb?_external=1", headers={"Host": "evil.example", "X-Forwarded-Host": "evil"}
    ).get_data(as_text=True)
    assert "evil" not in page
