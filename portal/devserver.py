"""``make run``: the portal and the test IdP side by side; Ctrl-C stops both.

The test IdP runs as its own process and the portal reaches it only over HTTP, as it would a
production broker. If ``PORTAL_OIDC_ISSUER`` points elsewhere, only the portal is started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import requests
from werkzeug.serving import run_simple

from portal import config, create_app
from portal.domain.danish import today_in_denmark
from portal.services.demo_data import personas, work_personas


def _wait_for(url: str, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).ok:
                return True
        except requests.RequestException:
            time.sleep(0.2)
    return False


def _deliver_outbox(app) -> None:
    """What cron does in production: deliver the e-mail outbox (to the log without SMTP)."""
    from portal import db as database
    from portal.services.outbox import deliver_due, transport_from_config

    while True:
        time.sleep(15)
        with app.app_context(), database.new_session() as db:
            deliver_due(
                db, transport_from_config(app.config), database.utcnow(), app.config["BASE_URL"]
            )


def _stop_on_sigterm(_signum, _frame) -> None:
    raise KeyboardInterrupt  # so that `finally` stops the test IdP too


def main() -> None:
    # Ctrl-C works even when started from a shell that ignores SIGINT for background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        settings = config.load()
    except config.ConfigError as refusal:
        sys.exit(str(refusal))
    issuer = settings["OIDC"]["citizen"]["issuer"]
    parts = urlsplit(issuer)
    run_idp = (
        settings["TESTIDP_ENABLED"]
        and parts.hostname in {"localhost", "127.0.0.1"}
        and parts.port == settings["TESTIDP_PORT"]
    )
    idp = None
    if run_idp:
        idp = subprocess.Popen(  # noqa: S603 - our own module, no user input
            [sys.executable, "-m", "portal.testidp", "--parent", str(os.getpid())]
        )
        if not _wait_for(f"{issuer}/.well-known/openid-configuration"):
            idp.terminate()
            sys.exit("The test IdP did not start; see the messages above.")
    try:
        app = create_app()
        base = settings["BASE_URL"]
        print(f"\nPortal: {base}", flush=True)
        if run_idp:
            print(f"Test IdP: {issuer} (a test login, not MitID)\nTest persons:")
            for persona in personas(today_in_denmark()):
                print(f"  - {persona.name}: {persona.description}")
            print(
                f"Caseworkers, managers and sundhedskoordinatorer: {base}/sagsbehandler/ "
                f"(test MitID Erhverv; managers land on {base}/kommune/tal-om-retten, "
                f"coordinators on {base}/sundhedskoordinator/bekymringer)"
            )
            for worker in work_personas():
                print(f"  - {worker.name}: {worker.description}")
        else:
            print(f"OpenID Provider: {issuer}")
        print("Stop with Ctrl-C.\n", flush=True)
        threading.Thread(target=_deliver_outbox, args=(app,), daemon=True).start()
        host = urlsplit(base).hostname or "localhost"
        run_simple(host, settings["PORT"], app, threaded=True)
    except KeyboardInterrupt:
        pass
    finally:
        if idp is not None:
            idp.terminate()
            idp.wait(timeout=10)


if __name__ == "__main__":
    main()
