"""Production refuses to start with unsafe settings (docs/architecture.md §8); elsewhere the
settings fill in what a developer's machine needs."""

from __future__ import annotations

import pytest

from portal.config import DEVELOPMENT_SECRET, ConfigError, load

SAFE_PRODUCTION = {
    "PORTAL_ENV": "production",
    # As the README's command makes them (secrets.token_urlsafe(48)), written out here.
    "PORTAL_SECRET_KEY": "fT2vQ8mZ1xK9pL4rW7nB3cJ6hY0sD5gA8eU2iO1tR4wE6qN9",
    "PORTAL_CPR_HASH_KEY": "Zk3Mv8Qx1Nt6Ry4Ub9Wc2Pe7Ls5Hd0Gj3Af8Ki1Oq6Tn4Ym2",
    "PORTAL_BASE_URL": "https://ressourceforloeb.nordby.example",
    "PORTAL_OIDC_ISSUER": "https://broker.example",
    "PORTAL_OIDC_CLIENT_SECRET": "from-the-broker-Vw7Xq2Lm9Kp4Zr1Ty6Nb3Hc8Jd5Gf0Sa",
    "PORTAL_CASEWORKER_OIDC_ISSUER": "https://erhverv-broker.example",
    "PORTAL_CASEWORKER_OIDC_CLIENT_SECRET": "other-broker-Pq4Rs8Tu2Vw6Xy0Za3Bc7De1Fg5Hi9Jk",
    "PORTAL_REDIS_URL": "redis://redis.internal:6379/0",
    "PORTAL_HELP_PHONE": "70 11 22 33",
    "PORTAL_WAS_URL": "https://www.was.digst.dk/ressourceforloeb-nordby-example",
    "PORTAL_DPO_EMAIL": "dpo@nordby.example",
}


def test_a_safe_production_configuration_loads():
    settings = load(dict(SAFE_PRODUCTION))
    assert settings["TESTIDP_ENABLED"] is False
    assert settings["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"PORTAL_SECRET_KEY": ""}, "PORTAL_SECRET_KEY is missing"),
        ({"PORTAL_SECRET_KEY": DEVELOPMENT_SECRET}, "development default"),
        ({"PORTAL_SECRET_KEY": "short"}, "at least 32"),
        ({"PORTAL_CPR_HASH_KEY": ""}, "PORTAL_CPR_HASH_KEY is missing"),
        ({"PORTAL_CPR_HASH_KEY": "a"}, "PORTAL_CPR_HASH_KEY must be at least 32"),
        ({"PORTAL_OIDC_CLIENT_SECRET": "test-idp-secret-citizen"}, "published secret"),
        ({"PORTAL_CASEWORKER_OIDC_CLIENT_SECRET": "test-idp-secret-caseworker"}, "published"),
        ({"PORTAL_OIDC_CLIENT_SECRET": "short"}, "PORTAL_OIDC_CLIENT_SECRET must be at least"),
        # Issue 23: long is not random.
        ({"PORTAL_SECRET_KEY": "a" * 32}, "PORTAL_SECRET_KEY does not look random"),
        ({"PORTAL_SECRET_KEY": "x" * 48}, "does not look random"),
        ({"PORTAL_CPR_HASH_KEY": "abc" * 16}, "PORTAL_CPR_HASH_KEY does not look random"),
        ({"PORTAL_SECRET_KEY": "Password123" * 4}, "does not look random"),
        ({"PORTAL_METRICS_TOKEN": "m" * 40}, "PORTAL_METRICS_TOKEN does not look random"),
        ({"PORTAL_REDIS_URL": ""}, "PORTAL_REDIS_URL is missing"),
        # Issue 25: what the pages tell people is never invented in production.
        ({"PORTAL_HELP_PHONE": ""}, "PORTAL_HELP_PHONE is missing"),
        ({"PORTAL_WAS_URL": ""}, "PORTAL_WAS_URL is missing"),
        ({"PORTAL_WAS_URL": "http://was.example"}, "PORTAL_WAS_URL must start with https"),
        ({"PORTAL_DPO_EMAIL": ""}, "PORTAL_DPO_EMAIL is missing"),
        ({"PORTAL_TESTIDP_ENABLED": "1"}, "test IdP must not run"),
        ({"PORTAL_BASE_URL": "http://ressourceforloeb.nordby.example"}, "https://"),
        ({"PORTAL_OIDC_ISSUER": "http://broker.example"}, "PORTAL_OIDC_ISSUER"),
        ({"PORTAL_OIDC_CLIENT_SECRET": ""}, "PORTAL_OIDC_CLIENT_SECRET"),
        ({"PORTAL_CASEWORKER_OIDC_ISSUER": "http://localhost:8001/erhverv"}, "CASEWORKER_OIDC"),
        ({"PORTAL_CASEWORKER_OIDC_CLIENT_SECRET": ""}, "PORTAL_CASEWORKER_OIDC_CLIENT_SECRET"),
    ],
)
def test_production_refuses_unsafe_settings(change, complaint):
    with pytest.raises(ConfigError, match=complaint):
        load({**SAFE_PRODUCTION, **change})


def test_random_secrets_of_every_common_kind_pass():
    import secrets

    for make in (lambda: secrets.token_urlsafe(48), lambda: secrets.token_hex(16),
                 lambda: secrets.token_hex(32), lambda: secrets.token_urlsafe(24)):  # fmt: skip
        for _ in range(100):
            load({**SAFE_PRODUCTION, "PORTAL_SECRET_KEY": make()})


def test_without_portal_env_the_production_rules_apply():
    """Fail closed: forgetting PORTAL_ENV never runs on the published development secrets."""
    unset = {k: v for k, v in SAFE_PRODUCTION.items() if k != "PORTAL_ENV"}
    assert load(unset)["PORTAL_ENV"] == "production"
    with pytest.raises(ConfigError, match="PORTAL_SECRET_KEY is missing"):
        load({"PORTAL_ENV": "production"})


def test_without_portal_env_one_line_says_what_to_set():
    """Issue 24: `flask --app wsgi …` outside make used to end in a 40-line traceback."""
    with pytest.raises(ConfigError) as refusal:
        load({})
    message = str(refusal.value)
    assert "\n" not in message
    assert "PORTAL_ENV is not set" in message and "PORTAL_ENV=development" in message


@pytest.mark.parametrize(
    ("given", "portal", "citizen_issuer", "caseworker_issuer"),
    [
        ({}, "http://localhost:8000", "http://localhost:8001", "http://localhost:8001/erhverv"),
        ({"PORTAL_PORT": "8100"}, "http://localhost:8100", "http://localhost:8001", None),
        (
            {"PORTAL_TESTIDP_PORT": "8101"},
            "http://localhost:8000",
            "http://localhost:8101",
            "http://localhost:8101/erhverv",
        ),
        (
            {"PORTAL_PORT": "8100", "PORTAL_BASE_URL": "http://127.0.0.1:9000"},
            "http://127.0.0.1:9000",
            "http://localhost:8001",
            None,
        ),
    ],
)
def test_outside_production_the_addresses_follow_the_ports(
    given, portal, citizen_issuer, caseworker_issuer
):
    """Issue 24: PORTAL_PORT alone left the login returning to 8000; the test IdP's port alone
    meant it never started (make run starts it only where the issuer points)."""
    settings = load({"PORTAL_ENV": "development", **given})
    assert settings["BASE_URL"] == portal
    assert settings["OIDC"]["citizen"]["issuer"] == citizen_issuer
    assert settings["OIDC"]["caseworker"]["issuer"] == (
        caseworker_issuer or f"{citizen_issuer}/erhverv"
    )


def test_production_derives_no_address():
    for name in ("PORTAL_BASE_URL", "PORTAL_OIDC_ISSUER", "PORTAL_CASEWORKER_OIDC_ISSUER"):
        with pytest.raises(ConfigError, match=f"{name} is missing"):
            load({**SAFE_PRODUCTION, name: ""})


def test_the_request_size_and_the_form_token_lifetime_are_settings():
    development = {"PORTAL_ENV": "development"}
    assert load(development)["MAX_CONTENT_LENGTH"] == 1024 * 1024
    assert load(development)["WTF_CSRF_TIME_LIMIT"] is None, "as long as the login session"
    changed = load(
        development | {"PORTAL_MAX_REQUEST_KB": "64", "PORTAL_CSRF_TOKEN_SECONDS": "600"}
    )
    assert changed["MAX_CONTENT_LENGTH"] == 64 * 1024
    assert changed["WTF_CSRF_TIME_LIMIT"] == 600


def test_production_names_its_session_cookie_with_the_host_prefix():
    from flask import Flask

    from portal.auth.sessions import cookie_name

    app = Flask(__name__)
    app.config.update(load(dict(SAFE_PRODUCTION)))
    assert cookie_name(app) == "__Host-portal_session"
    app.config["PORTAL_ENV"] = "development"
    assert cookie_name(app) == "portal_session", "plain http on a developer's machine"


def test_development_defaults_run_the_test_idp_on_sqlite():
    settings = load({"PORTAL_ENV": "development"})
    assert settings["TESTIDP_ENABLED"] is True
    assert settings["DATABASE_URL"].startswith("sqlite:///")
    assert settings["OIDC"]["citizen"]["scopes"] == "openid mitid ssn"
    # Caseworkers log in through a client of their own at a separate issuer
    # (docs/architecture.md §3).
    assert settings["OIDC"]["caseworker"]["issuer"] != settings["OIDC"]["citizen"]["issuer"]
    assert settings["SERVICE_GOALS"] == {"acknowledge_days": 2, "meeting_days": 10}


def test_unknown_claims_profile_is_refused():
    with pytest.raises(ConfigError, match="PORTAL_OIDC_CLAIMS_PROFILE"):
        load({"PORTAL_ENV": "development", "PORTAL_OIDC_CLAIMS_PROFILE": "facebook"})


def test_test_idp_refuses_to_start_in_production():
    from portal.testidp import create_app

    with pytest.raises(ConfigError):
        create_app("https://idp.example", [], (), environment="production")


def test_a_setting_that_is_not_a_number_is_named():
    with pytest.raises(ConfigError, match="PORTAL_HTTP_TIMEOUT must be a number"):
        load({"PORTAL_ENV": "development", "PORTAL_HTTP_TIMEOUT": "soon"})


def test_the_readme_lists_every_setting_as_the_code_defines_it():
    """The README's settings table is made by `flask settings-table`; this keeps them equal."""
    from pathlib import Path

    from portal.config import settings_table

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert settings_table() in readme, "run `flask --app wsgi settings-table` and paste it"


def test_outside_production_a_missing_contact_is_an_example_and_says_so():
    contacts = load({"PORTAL_ENV": "development"})["CONTACTS"]
    assert contacts["help_phone"] and "help_phone" in contacts["demo"]
    given = load({"PORTAL_ENV": "development", "PORTAL_HELP_PHONE": "70 11 22 33"})["CONTACTS"]
    assert given["help_phone"] == "70 11 22 33" and "help_phone" not in given["demo"]
    production = load(dict(SAFE_PRODUCTION))["CONTACTS"]
    assert production["demo"] == frozenset() and production["dpo_email"] == "dpo@nordby.example"


def test_the_lowest_estimate_a_random_hex_secret_can_get_still_passes():
    """The 32 hex characters CI met ('691a…aca6', estimated 99.0 bits) and a worse draw (92.7
    bits): a random secret is never refused by the estimate (it was, one time in a thousand)."""
    for secret in ("691a3365716a964a61ab57a9a972aca6", "dad77121131bd01757677f0d10217177"):
        assert len(set(secret)) >= 10
        load({**SAFE_PRODUCTION, "PORTAL_SECRET_KEY": secret})
