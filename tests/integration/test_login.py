"""Citizen login through the live test IdP: the happy path, sessions, logout, and every refusal."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select, update

from portal.auth.sessions import COOKIE_NAME, token_hash
from portal.db import utcnow
from portal.models import LoginSession
from tests.factories import (
    callback_path,
    csrf_token,
    idp_login_url,
    login,
    pick_persona,
    query_of,
)


def session_cookie(client) -> str | None:
    cookie = client.get_cookie(COOKIE_NAME)
    return cookie.value if cookie else None


def test_citizen_logs_in_and_sees_their_forloeb(client, demo):
    response = login(client, "mette")
    assert response.status_code == 302
    assert response.headers["Location"] == "/mit-forloeb"

    page = client.get("/mit-forloeb").get_data(as_text=True)
    assert "Hej Mette Testesen." in page
    assert "Virksomhedspraktik i en planteskole" in page
    assert "Lone Madsen" in page and 'href="tel:70102041"' in page
    assert "Slutter efter planen" in page
    assert "Log af" in page
    assert demo["mette"].cpr not in page


def test_login_asks_for_code_flow_with_pkce_state_and_nonce(client):
    params = query_of(idp_login_url(client))
    assert params["response_type"] == "code"
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) >= 43
    assert params["state"] and params["nonce"]
    assert params["scope"] == "openid mitid ssn"


def test_session_cookie_is_a_random_id_rotated_at_login(client, db, demo):
    idp_login_url(client)
    before = session_cookie(client)
    assert before
    login_response = login(client, "mette")
    after = session_cookie(client)
    assert after and after != before
    set_cookie = login_response.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie

    rows = db.scalars(select(LoginSession)).all()
    assert token_hash(after) in {r.token_hash for r in rows}
    assert token_hash(before) not in {r.token_hash for r in rows}
    stored = next(r for r in rows if r.token_hash == token_hash(after))
    assert stored.audience == "citizen"
    assert demo["mette"].cpr not in str(stored.data)


def test_the_old_session_id_is_useless_after_login(app, client, demo):
    idp_login_url(client)
    before = session_cookie(client)
    login(client, "mette")
    thief = app.test_client()
    thief.set_cookie(COOKIE_NAME, before)
    assert thief.get("/mit-forloeb").status_code == 302


def test_logout_ends_the_session_here_and_at_the_idp(app, client, idp, demo):
    login(client, "mette")
    stolen = session_cookie(client)
    token = csrf_token(client.get("/mit-forloeb"))
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    target = response.headers["Location"]
    assert target.startswith(f"{idp.url}/end_session?")
    params = query_of(target)
    assert params["post_logout_redirect_uri"] == "http://localhost/logget-af"
    assert params["client_id"] == "portal-citizen"
    assert "id_token_hint" not in params, "no ID token (CPR number, name) in a URL"
    for value in params.values():
        assert demo["mette"].cpr not in value and "Mette" not in value
    back = requests.get(target, allow_redirects=False, timeout=5)
    assert back.status_code == 302, "the test IdP ends its session and sends the citizen back"
    assert back.headers["Location"].split("?")[0] == "http://localhost/logget-af"

    thief = app.test_client()
    thief.set_cookie(COOKIE_NAME, stolen)
    assert thief.get("/mit-forloeb").headers["Location"].startswith("/?next=")

    logged_out = client.get("/logget-af").get_data(as_text=True)
    assert "Du er logget af" in logged_out


def test_person_without_a_forloeb_gets_a_kind_page(client, demo):
    login(client, "peter")
    page = client.get("/mit-forloeb").get_data(as_text=True)
    assert "Vi kan ikke finde et ressourceforløb" in page
    assert "Hej Peter Uden-Forløb." in page
    # A way forward without a municipality to name: the portal's help line, with its hours,
    # marked as an example outside production, and where to find one's own municipality.
    assert "Portalens hjælp" in page and 'href="tel:70000000"' in page
    assert "Åbent: Hverdage kl. 9–15 (eksempel)" in page
    assert 'href="https://www.borger.dk/kommune"' in page


def test_user_abort_gives_a_friendly_page_with_try_again(client):
    callback = pick_persona(idp_login_url(client), action="cancel")
    assert query_of(callback)["error"] == "access_denied"
    response = client.get(callback_path(callback))
    page = response.get_data(as_text=True)
    assert "Du afbrød log ind" in page
    assert 'href="/login">Prøv igen' in page


REFUSALS = [
    ("wrong_iss", 400, "Vi kunne ikke logge dig ind"),
    ("wrong_iss_param", 400, "Vi kunne ikke logge dig ind"),
    ("no_iss_param", 400, "Vi kunne ikke logge dig ind"),
    ("wrong_aud", 400, "Vi kunne ikke logge dig ind"),
    ("foreign_aud_our_azp", 400, "Vi kunne ikke logge dig ind"),
    ("expired", 400, "Vi kunne ikke logge dig ind"),
    ("bad_signature", 400, "Vi kunne ikke logge dig ind"),
    ("alg_none", 400, "Vi kunne ikke logge dig ind"),
    ("unknown_kid", 400, "Vi kunne ikke logge dig ind"),
    ("wrong_nonce", 400, "Vi kunne ikke logge dig ind"),
    ("userinfo_sub_mismatch", 400, "Vi kunne ikke logge dig ind"),
    ("no_id_token", 400, "Vi kunne ikke logge dig ind"),
    ("low_loa", 403, "Du skal logge ind med MitID på et højere niveau"),
    ("token_server_error", 503, "MitID svarer ikke lige nu"),
    ("slow_token", 503, "MitID svarer ikke lige nu"),
]


@pytest.mark.parametrize(("switch", "status", "heading"), REFUSALS)
def test_misbehaving_provider_is_refused(client, idp, demo, caplog, switch, status, heading):
    idp.provider.misbehave(switch)
    caplog.set_level(logging.INFO)
    response = login(client, "mette")
    assert response.status_code == status
    assert heading in response.get_data(as_text=True)
    assert client.get("/mit-forloeb").status_code == 302, "must not be logged in"
    log_text = caplog.text
    assert demo["mette"].cpr not in log_text
    assert "Mette" not in log_text
    assert "eyJ" not in log_text, "no token in the log"


def test_replayed_callback_is_refused(client, demo):
    callback = callback_path(pick_persona(idp_login_url(client), "mette"))
    assert client.get(callback).status_code == 302
    replay = client.get(callback)
    assert replay.status_code == 400
    assert "Dit log ind er udløbet" in replay.get_data(as_text=True)


def test_replayed_code_in_a_new_session_is_refused(app, client, demo):
    callback = callback_path(pick_persona(idp_login_url(client), "mette"))
    assert client.get(callback).status_code == 302
    attacker = app.test_client()
    assert attacker.get(callback).status_code == 400
    assert attacker.get("/mit-forloeb").status_code == 302


@pytest.mark.parametrize("style", ["nemlogin_loa", "claims_only_in_userinfo"])
def test_other_brokers_ways_of_saying_it_are_understood(client, idp, demo, style):
    idp.provider.misbehave(style)
    assert login(client, "mette").headers["Location"] == "/mit-forloeb"
    assert "Hej Mette Testesen." in client.get("/mit-forloeb").get_data(as_text=True)


def test_login_survives_a_key_rotation_at_the_idp(client, idp, demo):
    login(client, "mette")
    idp.provider.rotate_keys()
    other = client.application.test_client()
    assert login(other, "ali").headers["Location"] == "/mit-forloeb"


def test_max_age_refuses_an_old_authentication(app, client, idp, demo, monkeypatch):
    monkeypatch.setitem(app.config["OIDC"]["citizen"], "max_age", 300)
    assert query_of(idp_login_url(client))["max_age"] == "300"
    idp.provider.misbehave("old_auth_time")
    assert login(client, "mette").status_code == 400


def test_next_page_after_login_is_kept_but_never_offsite(client, demo):
    callback = pick_persona(idp_login_url(client, "/login?next=/mit-forloeb%3Fx%3D1"), "mette")
    assert client.get(callback_path(callback)).headers["Location"] == "/mit-forloeb?x=1"
    other = client.application.test_client()
    callback = pick_persona(idp_login_url(other, "/login?next=//evil.example/"), "mette")
    assert other.get(callback_path(callback)).headers["Location"] == "/mit-forloeb"


def test_idp_down_gives_a_clear_page_not_a_500(database_url):
    from portal import create_app
    from tests.factories import portal_settings

    down = create_app(portal_settings(database_url, "http://127.0.0.1:9", "http://127.0.0.1:9"))
    response = down.test_client().get("/login")
    assert response.status_code == 503
    assert "MitID svarer ikke lige nu" in response.get_data(as_text=True)


@pytest.mark.parametrize("column", ["idle_expires_at", "absolute_expires_at"])
def test_an_expired_session_logs_the_citizen_out(client, db, demo, column):
    login(client, "mette")
    db.execute(update(LoginSession).values({column: utcnow()}))
    db.commit()
    response = client.get("/mit-forloeb")
    assert response.headers["Location"] == "/logget-af?reason=timeout&next=/mit-forloeb"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Du var ikke aktiv i et stykke tid" in page
    assert db.scalar(select(LoginSession).where(LoginSession.audience == "citizen")) is None


def test_page_tells_the_browser_when_the_session_ends(client, demo):
    login(client, "mette")
    page = client.get("/mit-forloeb").get_data(as_text=True)
    seconds = int(re.search(r'data-session-seconds-left="(\d+)"', page).group(1))
    assert 14 * 60 < seconds <= 15 * 60
    assert "Bliv logget ind" in page


def test_bliv_logget_ind_extends_the_session(client, db, demo):
    login(client, "mette")
    token = csrf_token(client.get("/mit-forloeb"))
    db.execute(
        update(LoginSession).values(
            idle_expires_at=utcnow() + timedelta(minutes=1),
            last_seen_at=utcnow() - timedelta(minutes=14),
        )
    )
    db.commit()
    answer = client.post(
        "/session/extend", data={"csrf_token": token}, headers={"Accept": "application/json"}
    )
    assert answer.status_code == 200
    assert answer.get_json()["seconds_left"] > 14 * 60
    row = db.scalar(select(LoginSession).where(LoginSession.audience == "citizen"))
    db.refresh(row)
    assert row.idle_expires_at > utcnow() + timedelta(minutes=14)


def test_a_provider_that_sends_no_name_still_lets_the_citizen_in(client, idp, demo, monkeypatch):
    monkeypatch.setitem(client.application.config["OIDC"]["citizen"], "scopes", "openid ssn")
    assert login(client, "mette").headers["Location"] == "/mit-forloeb"
    page = client.get("/mit-forloeb").get_data(as_text=True)
    assert "Hej Mette Testesen." in page, "the name from the case system is used"
    assert "Logget ind som </span>Mette Testesen" in page
