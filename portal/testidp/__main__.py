"""Run the test IdP on its own: ``python -m portal.testidp`` (``make run`` does it for you)."""

from __future__ import annotations

from urllib.parse import urlsplit

from werkzeug.serving import run_simple

from portal import config
from portal.citizen import today_in_denmark
from portal.services.demo_data import personas
from portal.testidp import create_app, default_clients


def main() -> None:
    settings = config.load()
    issuer = settings["OIDC"]["citizen"]["issuer"]
    app = create_app(
        issuer=issuer,
        clients=default_clients(settings["BASE_URL"]),
        personas=personas(today_in_denmark()),
        environment=settings["PORTAL_ENV"],
    )
    host = urlsplit(issuer).hostname or "localhost"
    run_simple(host, settings["TESTIDP_PORT"], app, threaded=True)


if __name__ == "__main__":
    main()
