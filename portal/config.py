"""Settings for the portal, read from ``PORTAL_*`` environment variables (and an optional ``.env``).

Every setting has one place: the ``SETTINGS`` table below, which the README mirrors. Production
fails fast: a missing or default secret, the built-in test IdP, or a base URL that is not HTTPS
stops the process before it serves a single request.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"

DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"  # noqa: S105
DEVELOPMENT_CPR_KEY = "development-only-cpr-key-do-not-use-in-production"

ENVIRONMENTS = ("development", "test", "production")
CLAIMS_PROFILES = ("signaturgruppen", "criipto", "nemlogin")


class ConfigError(RuntimeError):
    """The settings are unsafe or incomplete; the message says which and how to fix it."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("PORTAL_ENV", "development", "development, test or production"),
    Setting("PORTAL_DATABASE_URL", None, "SQLAlchemy URL; default: SQLite file instance/portal.db"),
    Setting("PORTAL_SECRET_KEY", None, "signs CSRF tokens; required in production"),
    Setting("PORTAL_CPR_HASH_KEY", None, "HMAC key for CPR numbers; required in production"),
    Setting("PORTAL_BASE_URL", "http://localhost:8000", "public address (https in production)"),
    Setting("PORTAL_OIDC_ISSUER", "http://localhost:8001", "citizen OpenID Provider (issuer URL)"),
    Setting("PORTAL_OIDC_CLIENT_ID", "portal-citizen", "client id registered at the citizen OP"),
    Setting("PORTAL_OIDC_CLIENT_SECRET", "test-idp-secret-citizen", "secret at the citizen OP"),
    Setting(
        "PORTAL_OIDC_CLAIMS_PROFILE", "signaturgruppen", "signaturgruppen, criipto or nemlogin"
    ),
    Setting("PORTAL_OIDC_SCOPES", None, "scopes to ask for; default depends on the claims profile"),
    Setting("PORTAL_OIDC_MAX_AGE", None, "seconds; demand a recent login"),
    Setting(
        "PORTAL_CASEWORKER_OIDC_ISSUER",
        "http://localhost:8001/erhverv",
        "caseworker OpenID Provider (MitID Erhverv)",
    ),
    Setting("PORTAL_CASEWORKER_OIDC_CLIENT_ID", "portal-caseworker", "client id there"),
    Setting("PORTAL_CASEWORKER_OIDC_CLIENT_SECRET", "test-idp-secret-caseworker", "secret there"),
    Setting("PORTAL_CASEWORKER_OIDC_SCOPES", "openid nemlogin", "scopes to ask for there"),
    Setting("PORTAL_CASEWORKER_OIDC_MAX_AGE", None, "seconds; demand a recent login"),
    Setting("PORTAL_SERVICE_GOAL_ACKNOWLEDGE_DAYS", "2", "working days to acknowledge a concern"),
    Setting("PORTAL_SERVICE_GOAL_MEETING_DAYS", "10", "working days to book the meeting"),
    Setting(
        "PORTAL_COMMENT_PERIOD_DAYS",
        "7",
        "days the citizen has to comment on the advice before the decision (partshøring)",
    ),
    Setting("PORTAL_DELEGATION_DEFAULT_DAYS", "365", "a fuldmagt given in the portal: default"),
    Setting("PORTAL_DELEGATION_MAX_DAYS", "1095", "... and the longest it may run (days)"),
    Setting("PORTAL_EXPORT_TOKEN", None, "bearer token of the concern export API; unset = off"),
    Setting("PORTAL_TESTIDP_ENABLED", None, "1 = run the test IdP (not in production)"),
    Setting("PORTAL_TESTIDP_PORT", "8001", "port of the built-in test IdP under make run"),
    Setting("PORTAL_PORT", "8000", "port of the portal under make run"),
    Setting("PORTAL_HTTP_TIMEOUT", "5", "timeout (s) of every outgoing call"),
    Setting("PORTAL_IMPORT_TOKEN", None, "bearer token of the case-import API; unset = off"),
    Setting("PORTAL_SMTP_HOST", None, "mail server for notices; unset = e-mails go to the log"),
    Setting("PORTAL_SMTP_PORT", "587", "mail server port"),
    Setting("PORTAL_SMTP_USER", None, "mail server user (optional)"),
    Setting("PORTAL_SMTP_PASSWORD", None, "mail server password (optional)"),
    Setting("PORTAL_SMTP_FROM", "noreply@localhost", "sender address of notices"),
    Setting("PORTAL_SMTP_STARTTLS", "1", "1 = STARTTLS before login"),
)

DEFAULT_SCOPES = {
    "signaturgruppen": "openid mitid ssn",
    "criipto": "openid ssn",
    "nemlogin": "openid",
}


def settings_table() -> str:
    """The README's table of settings, made from ``SETTINGS`` (``flask settings-table``)."""
    lines = ["| Variable | Default | What it does |", "|---|---|---|"]
    for setting in SETTINGS:
        default = f"`{setting.default}`" if setting.default is not None else "—"
        lines.append(f"| `{setting.name}` | {default} | {setting.help} |")
    return "\n".join(lines)


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _number(raw: dict[str, str | None], name: str, kind: type = int):
    try:
        return kind(raw[name])
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a number, not {raw[name]!r}.") from None


def load(environ: dict[str, str] | None = None) -> dict[str, object]:
    """Return the Flask config for the given environment (default ``os.environ`` plus ``.env``)."""
    if environ is None:
        load_dotenv(PROJECT_ROOT / ".env", override=False)
        environ = dict(os.environ)
    raw = {s.name: environ.get(s.name) or s.default for s in SETTINGS}

    env = raw["PORTAL_ENV"]
    if env not in ENVIRONMENTS:
        raise ConfigError(f"PORTAL_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}.")
    production = env == "production"

    testidp_enabled = (
        _truthy(raw["PORTAL_TESTIDP_ENABLED"])
        if raw["PORTAL_TESTIDP_ENABLED"] is not None
        else not production
    )
    base_url = (raw["PORTAL_BASE_URL"] or "").rstrip("/")

    problems: list[str] = []
    if production:
        if not raw["PORTAL_SECRET_KEY"] or raw["PORTAL_SECRET_KEY"] == DEVELOPMENT_SECRET:
            problems.append("PORTAL_SECRET_KEY is missing or is the development default.")
        elif len(raw["PORTAL_SECRET_KEY"]) < 32:
            problems.append("PORTAL_SECRET_KEY must be at least 32 characters.")
        if not raw["PORTAL_CPR_HASH_KEY"] or raw["PORTAL_CPR_HASH_KEY"] == DEVELOPMENT_CPR_KEY:
            problems.append("PORTAL_CPR_HASH_KEY is missing or is the development default.")
        if testidp_enabled:
            problems.append("The built-in test IdP must not run in production.")
        if urlsplit(base_url).scheme != "https":
            problems.append("PORTAL_BASE_URL must start with https:// in production.")
        if urlsplit(raw["PORTAL_OIDC_ISSUER"] or "").scheme != "https":
            problems.append("PORTAL_OIDC_ISSUER must start with https:// in production.")
        token = raw["PORTAL_IMPORT_TOKEN"]
        if token is not None and len(token) < 32:
            problems.append("PORTAL_IMPORT_TOKEN must be at least 32 characters.")
        if not environ.get("PORTAL_OIDC_CLIENT_SECRET"):
            problems.append("PORTAL_OIDC_CLIENT_SECRET is missing.")
        if urlsplit(raw["PORTAL_CASEWORKER_OIDC_ISSUER"] or "").scheme != "https":
            problems.append("PORTAL_CASEWORKER_OIDC_ISSUER must start with https:// in production.")
        if not environ.get("PORTAL_CASEWORKER_OIDC_CLIENT_SECRET"):
            problems.append("PORTAL_CASEWORKER_OIDC_CLIENT_SECRET is missing.")
        export_token = raw["PORTAL_EXPORT_TOKEN"]
        if export_token is not None and len(export_token) < 32:
            problems.append("PORTAL_EXPORT_TOKEN must be at least 32 characters.")
    if problems:
        raise ConfigError("The portal will not start:\n- " + "\n- ".join(problems))

    profile = raw["PORTAL_OIDC_CLAIMS_PROFILE"]
    if profile not in CLAIMS_PROFILES:
        raise ConfigError(
            f"PORTAL_OIDC_CLAIMS_PROFILE must be one of {', '.join(CLAIMS_PROFILES)}, "
            f"not {profile!r}."
        )

    database_url = raw["PORTAL_DATABASE_URL"] or f"sqlite:///{INSTANCE_DIR / 'portal.db'}"
    max_age = raw["PORTAL_OIDC_MAX_AGE"]
    caseworker_max_age = raw["PORTAL_CASEWORKER_OIDC_MAX_AGE"]
    return {
        "PORTAL_ENV": env,
        "TESTING": env == "test",
        "SECRET_KEY": raw["PORTAL_SECRET_KEY"] or DEVELOPMENT_SECRET,
        "CPR_HASH_KEY": raw["PORTAL_CPR_HASH_KEY"] or DEVELOPMENT_CPR_KEY,
        "DATABASE_URL": database_url,
        "BASE_URL": base_url,
        "PREFERRED_URL_SCHEME": urlsplit(base_url).scheme or "http",
        "SESSION_COOKIE_SECURE": production or urlsplit(base_url).scheme == "https",
        "TESTIDP_ENABLED": testidp_enabled,
        "TESTIDP_PORT": _number(raw, "PORTAL_TESTIDP_PORT"),
        "PORT": _number(raw, "PORTAL_PORT"),
        "HTTP_TIMEOUT": _number(raw, "PORTAL_HTTP_TIMEOUT", float),
        "IMPORT_TOKEN": raw["PORTAL_IMPORT_TOKEN"],
        "EXPORT_TOKEN": raw["PORTAL_EXPORT_TOKEN"],
        "DELEGATION_DAYS": {
            "default": _number(raw, "PORTAL_DELEGATION_DEFAULT_DAYS"),
            "max": _number(raw, "PORTAL_DELEGATION_MAX_DAYS"),
        },
        "COMMENT_PERIOD_DAYS": _number(raw, "PORTAL_COMMENT_PERIOD_DAYS"),
        "SERVICE_GOALS": {
            "acknowledge_days": _number(raw, "PORTAL_SERVICE_GOAL_ACKNOWLEDGE_DAYS"),
            "meeting_days": _number(raw, "PORTAL_SERVICE_GOAL_MEETING_DAYS"),
        },
        "SMTP": {
            "host": raw["PORTAL_SMTP_HOST"],
            "port": _number(raw, "PORTAL_SMTP_PORT"),
            "username": raw["PORTAL_SMTP_USER"],
            "password": raw["PORTAL_SMTP_PASSWORD"],
            "sender": raw["PORTAL_SMTP_FROM"],
            "starttls": _truthy(raw["PORTAL_SMTP_STARTTLS"]),
        },
        "OIDC": {
            "citizen": {
                "issuer": (raw["PORTAL_OIDC_ISSUER"] or "").rstrip("/"),
                "client_id": raw["PORTAL_OIDC_CLIENT_ID"],
                "client_secret": raw["PORTAL_OIDC_CLIENT_SECRET"],
                "claims_profile": profile,
                "scopes": raw["PORTAL_OIDC_SCOPES"] or DEFAULT_SCOPES[profile],
                "max_age": _number(raw, "PORTAL_OIDC_MAX_AGE") if max_age else None,
            },
            "caseworker": {
                "issuer": (raw["PORTAL_CASEWORKER_OIDC_ISSUER"] or "").rstrip("/"),
                "client_id": raw["PORTAL_CASEWORKER_OIDC_CLIENT_ID"],
                "client_secret": raw["PORTAL_CASEWORKER_OIDC_CLIENT_SECRET"],
                "claims_profile": "mitid_erhverv",
                "scopes": raw["PORTAL_CASEWORKER_OIDC_SCOPES"],
                "max_age": (
                    _number(raw, "PORTAL_CASEWORKER_OIDC_MAX_AGE") if caseworker_max_age else None
                ),
            },
        },
    }
