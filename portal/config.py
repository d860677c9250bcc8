"""Settings for the portal, read from ``PORTAL_*`` environment variables (and an optional ``.env``).

Every setting has one place: the ``SETTINGS`` table below, which the README mirrors.

It fails closed: with ``PORTAL_ENV`` unset the production rules apply (``make run`` and
``make test`` set their environment themselves). In production a missing, short (< 32
characters), development or published test secret, the built-in test IdP, a base URL that is not
HTTPS, or no Redis for the rate limits stops the process before it serves a single request.
"""

from __future__ import annotations

import math
import os
import zlib
from collections import Counter
from dataclasses import dataclass
from ipaddress import ip_network
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import load_dotenv

from portal.domain.regions import REGION_NAMES

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"

DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"  # noqa: S105
DEVELOPMENT_CPR_KEY = "development-only-cpr-key-do-not-use-in-production"
# The test IdP's client secrets are in this repository, so they are no secret anywhere.
TEST_IDP_SECRETS = {
    "citizen": "test-idp-secret-citizen",
    "caseworker": "test-idp-secret-caseworker",
}
PUBLISHED_SECRETS = {DEVELOPMENT_SECRET, DEVELOPMENT_CPR_KEY, *TEST_IDP_SECRETS.values()}
MIN_SECRET_LENGTH = 32

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
    Setting(
        "PORTAL_ENV",
        "production",
        "development, test or production; unset means production (make run and make test set it)",
    ),
    Setting("PORTAL_DATABASE_URL", None, "SQLAlchemy URL; default: SQLite file instance/portal.db"),
    Setting("PORTAL_SECRET_KEY", None, "signs CSRF tokens; required in production"),
    Setting("PORTAL_CPR_HASH_KEY", None, "HMAC key for CPR numbers; required in production"),
    Setting(
        "PORTAL_BASE_URL",
        None,
        "public address (https in production); default: http://localhost:<PORTAL_PORT>",
    ),
    Setting(
        "PORTAL_OIDC_ISSUER",
        None,
        "citizen OpenID Provider (issuer URL); default: the test IdP, "
        "http://localhost:<PORTAL_TESTIDP_PORT>",
    ),
    Setting("PORTAL_OIDC_CLIENT_ID", "portal-citizen", "client id registered at the citizen OP"),
    Setting(
        "PORTAL_OIDC_CLIENT_SECRET",
        None,
        "secret at the citizen OP (test IdP's outside production)",
    ),
    Setting(
        "PORTAL_OIDC_CLAIMS_PROFILE", "signaturgruppen", "signaturgruppen, criipto or nemlogin"
    ),
    Setting("PORTAL_OIDC_SCOPES", None, "scopes to ask for; default depends on the claims profile"),
    Setting("PORTAL_OIDC_MAX_AGE", None, "seconds; demand a recent login"),
    Setting(
        "PORTAL_CASEWORKER_OIDC_ISSUER",
        None,
        "caseworker OpenID Provider (MitID Erhverv); default: the test IdP's, "
        "http://localhost:<PORTAL_TESTIDP_PORT>/erhverv",
    ),
    Setting("PORTAL_CASEWORKER_OIDC_CLIENT_ID", "portal-caseworker", "client id there"),
    Setting("PORTAL_CASEWORKER_OIDC_CLIENT_SECRET", None, "secret there (likewise)"),
    Setting("PORTAL_CASEWORKER_OIDC_SCOPES", "openid nemlogin", "scopes to ask for there"),
    Setting("PORTAL_CASEWORKER_OIDC_MAX_AGE", None, "seconds; demand a recent login"),
    Setting("PORTAL_SERVICE_GOAL_ACKNOWLEDGE_DAYS", "2", "working days to acknowledge a concern"),
    Setting("PORTAL_SERVICE_GOAL_MEETING_DAYS", "10", "working days to book the meeting"),
    Setting(
        "PORTAL_COMMENT_PERIOD_DAYS",
        "7",
        "days the citizen has to comment on the advice before the decision (partshøring)",
    ),
    Setting(
        "PORTAL_TIMES_ANSWER_DAYS",
        "3",
        "days the citizen has to pick an offered meeting time before the caseworker is told",
    ),
    Setting("PORTAL_DOCUMENT_MAX_FILES", "5", "files a citizen may attach to one concern"),
    Setting("PORTAL_DOCUMENT_MAX_MB", "10", "the largest file a citizen may attach (MB)"),
    Setting("PORTAL_DELEGATION_DEFAULT_DAYS", "365", "a fuldmagt given in the portal: default"),
    Setting("PORTAL_DELEGATION_MAX_DAYS", "1095", "... and the longest it may run (days)"),
    Setting("PORTAL_TESTIDP_ENABLED", None, "1 = run the test IdP (not in production)"),
    Setting("PORTAL_TESTIDP_PORT", "8001", "port of the built-in test IdP under make run"),
    Setting("PORTAL_PORT", "8000", "port of the portal under make run"),
    Setting("PORTAL_HTTP_TIMEOUT", "5", "timeout (s) of every outgoing call"),
    Setting(
        "PORTAL_MAX_REQUEST_KB",
        "1024",
        "the largest request body (KB) but a form with files (PORTAL_DOCUMENT_*) and the API's "
        "case import (16 MB)",
    ),
    Setting(
        "PORTAL_CSRF_TOKEN_SECONDS",
        None,
        "how long a form's CSRF token holds; unset = as long as the login session",
    ),
    Setting(
        "PORTAL_REDIS_URL", None, "Redis for rate limits (required in production); unset = memory"
    ),
    Setting(
        "PORTAL_PAGE_CACHE_SECONDS",
        "300",
        "a citizen's own pages and the caseworker's queue are kept this long in Redis, "
        "forgotten at any change; 0 = never",
    ),
    Setting(
        "PORTAL_TRUSTED_PROXIES",
        "0",
        "proxies in front (load balancer): X-Forwarded-For hops to trust",
    ),
    Setting(
        "PORTAL_LIMIT_LOGIN",
        "20 per minute; 200 per hour",
        "login starts and callbacks per client IP",
    ),
    Setting(
        "PORTAL_LIMIT_API_FAILURES",
        "10 per minute",
        "failed API authentications per token (per client IP without one)",
    ),
    Setting("PORTAL_LIMIT_WRITES", "30 per minute", "form posts that write, per session, per form"),
    Setting(
        "PORTAL_RETENTION_CONCERN_DAYS",
        "365",
        "a concern is deleted this many days after its forløb ended (flask retention run)",
    ),
    Setting("PORTAL_RETENTION_ACCESS_LOG_DAYS", "183", "access-log entries are kept this long"),
    Setting("PORTAL_RETENTION_OUTBOX_DAYS", "30", "sent or failed e-mails are kept this long"),
    Setting(
        "PORTAL_METRICS_NETWORKS",
        "127.0.0.1/32,::1/128",
        "networks that may read /metrics (comma-separated)",
    ),
    Setting("PORTAL_METRICS_TOKEN", None, "or a bearer token for /metrics (32+ characters)"),
    Setting(
        "PORTAL_HELP_PHONE",
        None,
        "the portal's help line, for a person it cannot place with a municipality; required in "
        "production",
    ),
    Setting("PORTAL_HELP_HOURS", None, 'when the help line answers ("Hverdage kl. 9–15")'),
    Setting(
        "PORTAL_WAS_URL",
        None,
        "the accessibility statement made in WAS-Tool (https://was.digst.dk/…): /was and the "
        "footer lead there; required in production",
    ),
    Setting(
        "PORTAL_DPO_EMAIL",
        None,
        "the data protection officer's e-mail, on the privacy page; required in production",
    ),
    Setting(
        "PORTAL_REGION_CVRS",
        None,
        "regions whose sundhedskoordinatorer log in (MitID Erhverv) and give their advice in the "
        "portal, as region=CVR, comma-separated (nordjylland=29190941); a region not listed "
        "gives its advice orally, and the caseworker records it",
    ),
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


def _networks(text: str | None) -> tuple:
    try:
        return tuple(ip_network(part.strip()) for part in (text or "").split(",") if part.strip())
    except ValueError:
        raise ConfigError(
            f"PORTAL_METRICS_NETWORKS must be networks like 10.0.0.0/8, not {text!r}."
        ) from None


# A secret must look random, not only be long: 32 times "a" is 32 characters and no secret.
# The estimate below is lower than the true entropy of a short random secret: secrets.token_hex
# (16), 128 bits, measured 88.7 at the lowest in 400,000 draws, and 100 refused about one in a
# thousand (CI met one). 80 keeps a margin below every random kind and still refuses the
# patterned ones, which the distinct-character and repetition checks catch first.
MIN_SECRET_BITS = 80
MIN_SECRET_DISTINCT = 10


def estimated_bits(value: str) -> float:
    """What the characters of a secret can carry at most: its length times the Shannon entropy
    of their distribution (0 for "aaaa…", about 5.5 a character for secrets.token_urlsafe)."""
    counts = Counter(value)
    return -sum(n * math.log2(n / len(value)) for n in counts.values())


def _repeats(value: str) -> bool:
    """Whether the value repeats itself ("Password123Password123…"): it compresses to well
    under its length (zlib adds 8 bytes of its own; a random hex secret keeps 3/4 of it)."""
    return len(zlib.compress(value.encode(), 9)) - 8 < 0.7 * len(value)


def _secret_problems(name: str, value: str | None) -> list[str]:
    if not value:
        return [f"{name} is missing."]
    if value in PUBLISHED_SECRETS:
        return [f"{name} is a development default or the test IdP's published secret."]
    if len(value) < MIN_SECRET_LENGTH:
        return [f"{name} must be at least {MIN_SECRET_LENGTH} characters."]
    if (
        len(set(value)) < MIN_SECRET_DISTINCT
        or _repeats(value)
        or estimated_bits(value) < MIN_SECRET_BITS
    ):
        return [
            f"{name} does not look random (a repeated pattern or too few different characters). "
            'Make one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'
        ]
    return []


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
    problems = _production_problems(raw, testidp_enabled) if production else []
    if problems and not environ.get("PORTAL_ENV"):
        # Most often a developer's `flask --app wsgi …` outside make: say the one thing to do.
        raise ConfigError(
            f"PORTAL_ENV is not set, so the production rules apply and {len(problems)} "
            "setting(s) fail them: on a developer's machine set PORTAL_ENV=development "
            "(make does); in production set PORTAL_ENV=production to see which "
            "(docs/operations.md §2)."
        )
    if problems:
        raise ConfigError("The portal will not start:\n- " + "\n- ".join(problems))
    if not production:
        raw |= _local_addresses(raw)
    profile = raw["PORTAL_OIDC_CLAIMS_PROFILE"]
    if profile not in CLAIMS_PROFILES:
        raise ConfigError(
            f"PORTAL_OIDC_CLAIMS_PROFILE must be one of {', '.join(CLAIMS_PROFILES)}, "
            f"not {profile!r}."
        )
    return _settings(raw, env, testidp_enabled, profile)


def _local_addresses(raw: dict) -> dict[str, str]:
    """Outside production, the addresses not given follow the ports: ``PORTAL_PORT`` alone moves
    the portal and the address the login returns to, ``PORTAL_TESTIDP_PORT`` alone the test
    IdP and both its issuers."""
    idp = f"http://localhost:{_number(raw, 'PORTAL_TESTIDP_PORT')}"
    derived = {
        "PORTAL_BASE_URL": f"http://localhost:{_number(raw, 'PORTAL_PORT')}",
        "PORTAL_OIDC_ISSUER": idp,
        "PORTAL_CASEWORKER_OIDC_ISSUER": f"{idp}/erhverv",
    }
    return {name: value for name, value in derived.items() if not raw[name]}


def _production_problems(raw: dict, testidp_enabled: bool) -> list[str]:
    """Everything that makes production unsafe: secrets, the test IdP, http, no Redis."""
    problems: list[str] = []
    for name in (
        "PORTAL_SECRET_KEY",
        "PORTAL_CPR_HASH_KEY",
        "PORTAL_OIDC_CLIENT_SECRET",
        "PORTAL_CASEWORKER_OIDC_CLIENT_SECRET",
    ):
        problems += _secret_problems(name, raw[name])
    if testidp_enabled:
        problems.append("The built-in test IdP must not run in production.")
    for name in ("PORTAL_BASE_URL", "PORTAL_OIDC_ISSUER", "PORTAL_CASEWORKER_OIDC_ISSUER"):
        if not raw[name]:
            problems.append(f"{name} is missing.")
        elif urlsplit(raw[name]).scheme != "https":
            problems.append(f"{name} must start with https:// in production.")
    if raw["PORTAL_METRICS_TOKEN"]:
        problems += _secret_problems("PORTAL_METRICS_TOKEN", raw["PORTAL_METRICS_TOKEN"])
    if not raw["PORTAL_REDIS_URL"]:
        problems.append(
            "PORTAL_REDIS_URL is missing: the rate limits must be shared by every instance."
        )
    for name in CONTACT_SETTINGS:
        if not raw[name]:
            problems.append(f"{name} is missing: people are told whom to call and where.")
    if raw["PORTAL_WAS_URL"] and urlsplit(raw["PORTAL_WAS_URL"]).scheme != "https":
        problems.append("PORTAL_WAS_URL must start with https://.")
    return problems


# What the pages tell people, never invented in production: outside it a missing one is a demo
# value, which every page that shows it marks "(eksempel)".
CONTACT_SETTINGS = ("PORTAL_HELP_PHONE", "PORTAL_WAS_URL", "PORTAL_DPO_EMAIL")
DEMO_CONTACTS = {
    "PORTAL_HELP_PHONE": "70 00 00 00",
    "PORTAL_HELP_HOURS": "Hverdage kl. 9–15",
    "PORTAL_WAS_URL": "/tilgaengelighed",
    "PORTAL_DPO_EMAIL": "dpo@kommune.example",
}


def _contacts(raw: dict, production: bool) -> dict:
    """Whom to call and where to read more; ``demo`` names the values that are examples."""
    keys = {
        "help_phone": "PORTAL_HELP_PHONE",
        "help_hours": "PORTAL_HELP_HOURS",
        "was_url": "PORTAL_WAS_URL",
        "dpo_email": "PORTAL_DPO_EMAIL",
    }
    given = {key: raw[name] or "" for key, name in keys.items()}
    demo = frozenset(() if production else (key for key in keys if not given[key]))
    return {
        **{key: given[key] or DEMO_CONTACTS[keys[key]] for key in demo},
        **{key: given[key] for key in keys if key not in demo},
        "demo": demo,
    }


# The demo's regions (the demo municipalities are in Nordjylland and Hovedstaden), with made-up
# CVR numbers like the demo municipalities': only outside production, and only when unset.
DEMO_REGION_CVRS = "nordjylland=33333333,hovedstaden=44444444"


def _region_cvrs(raw: dict, production: bool) -> dict[str, str]:
    """CVR number → region code, for the regions whose coordinators log in to the portal."""
    given = raw["PORTAL_REGION_CVRS"]
    text = given if given is not None else ("" if production else DEMO_REGION_CVRS)
    found: dict[str, str] = {}
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        code, _, cvr = part.partition("=")
        code, cvr = code.strip(), cvr.strip()
        if code not in REGION_NAMES or not (len(cvr) == 8 and cvr.isdigit()) or cvr in found:
            raise ConfigError(
                f"PORTAL_REGION_CVRS: {part!r} is not region=CVR (a region code of "
                f"{', '.join(sorted(REGION_NAMES))} and 8 digits, each CVR once)."
            )
        found[cvr] = code
    return found


def _settings(raw: dict, env: str, testidp_enabled: bool, profile: str) -> dict[str, object]:
    production = env == "production"
    base_url = (raw["PORTAL_BASE_URL"] or "").rstrip("/")
    database_url = raw["PORTAL_DATABASE_URL"] or f"sqlite:///{INSTANCE_DIR / 'portal.db'}"
    return {
        "PORTAL_ENV": env,
        "TESTING": env == "test",
        "SECRET_KEY": raw["PORTAL_SECRET_KEY"] or DEVELOPMENT_SECRET,
        "CPR_HASH_KEY": raw["PORTAL_CPR_HASH_KEY"] or DEVELOPMENT_CPR_KEY,
        "DATABASE_URL": database_url,
        "BASE_URL": base_url,
        "PREFERRED_URL_SCHEME": urlsplit(base_url).scheme or "http",
        # In production a request for any other host is refused (400) before a view runs, so
        # no Host header can leak into a link or a redirect.
        "TRUSTED_HOSTS": [urlsplit(base_url).hostname] if production else None,
        "SESSION_COOKIE_SECURE": production or urlsplit(base_url).scheme == "https",
        "TESTIDP_ENABLED": testidp_enabled,
        "TESTIDP_PORT": _number(raw, "PORTAL_TESTIDP_PORT"),
        "PORT": _number(raw, "PORTAL_PORT"),
        "HTTP_TIMEOUT": _number(raw, "PORTAL_HTTP_TIMEOUT", float),
        "MAX_CONTENT_LENGTH": _number(raw, "PORTAL_MAX_REQUEST_KB") * 1024,
        # Unset, a form's token lives as long as the login session it belongs to, which ends
        # after 15 or 30 idle minutes: a citizen who pauses mid-form does not lose the form.
        "WTF_CSRF_TIME_LIMIT": (
            _number(raw, "PORTAL_CSRF_TOKEN_SECONDS") if raw["PORTAL_CSRF_TOKEN_SECONDS"] else None
        ),
        "REDIS_URL": raw["PORTAL_REDIS_URL"],
        "PAGE_CACHE_SECONDS": _number(raw, "PORTAL_PAGE_CACHE_SECONDS"),
        "RETENTION": {
            "concern_days": _number(raw, "PORTAL_RETENTION_CONCERN_DAYS"),
            "access_log_days": _number(raw, "PORTAL_RETENTION_ACCESS_LOG_DAYS"),
            "outbox_days": _number(raw, "PORTAL_RETENTION_OUTBOX_DAYS"),
        },
        "METRICS_NETWORKS": _networks(raw["PORTAL_METRICS_NETWORKS"]),
        "METRICS_TOKEN": raw["PORTAL_METRICS_TOKEN"],
        "TRUSTED_PROXIES": _number(raw, "PORTAL_TRUSTED_PROXIES"),
        "LIMITS": {
            "login": raw["PORTAL_LIMIT_LOGIN"],
            "api_failures": raw["PORTAL_LIMIT_API_FAILURES"],
            "writes": raw["PORTAL_LIMIT_WRITES"],
        },
        "DELEGATION_DAYS": {
            "default": _number(raw, "PORTAL_DELEGATION_DEFAULT_DAYS"),
            "max": _number(raw, "PORTAL_DELEGATION_MAX_DAYS"),
        },
        "COMMENT_PERIOD_DAYS": _number(raw, "PORTAL_COMMENT_PERIOD_DAYS"),
        "TIMES_ANSWER_DAYS": _number(raw, "PORTAL_TIMES_ANSWER_DAYS"),
        "DOCUMENTS": {
            "max_files": _number(raw, "PORTAL_DOCUMENT_MAX_FILES"),
            "max_bytes": _number(raw, "PORTAL_DOCUMENT_MAX_MB") * 1024 * 1024,
        },
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
        "OIDC": _oidc(raw, profile),
        "CONTACTS": _contacts(raw, production),
        "REGION_CVRS": _region_cvrs(raw, production),
    }


def _oidc(raw: dict, profile: str) -> dict:
    """The two OpenID Providers: the citizens' (MitID through a broker) and the caseworkers'
    (MitID Erhverv). Outside production the test IdP's published secrets are the default."""

    def max_age(name: str) -> int | None:
        return _number(raw, name) if raw[name] else None

    return {
        "citizen": {
            "issuer": (raw["PORTAL_OIDC_ISSUER"] or "").rstrip("/"),
            "client_id": raw["PORTAL_OIDC_CLIENT_ID"],
            "client_secret": raw["PORTAL_OIDC_CLIENT_SECRET"] or TEST_IDP_SECRETS["citizen"],
            "claims_profile": profile,
            "scopes": raw["PORTAL_OIDC_SCOPES"] or DEFAULT_SCOPES[profile],
            "max_age": max_age("PORTAL_OIDC_MAX_AGE"),
        },
        "caseworker": {
            "issuer": (raw["PORTAL_CASEWORKER_OIDC_ISSUER"] or "").rstrip("/"),
            "client_id": raw["PORTAL_CASEWORKER_OIDC_CLIENT_ID"],
            "client_secret": raw["PORTAL_CASEWORKER_OIDC_CLIENT_SECRET"]
            or TEST_IDP_SECRETS["caseworker"],
            "claims_profile": "mitid_erhverv",
            "scopes": raw["PORTAL_CASEWORKER_OIDC_SCOPES"],
            "max_age": max_age("PORTAL_CASEWORKER_OIDC_MAX_AGE"),
        },
    }
