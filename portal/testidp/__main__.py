"""Run the test IdP on its own: ``python -m portal.testidp`` (``make run`` does it for you).

One process serves both test issuers: MitID for citizens and, under ``/erhverv``, MitID Erhverv
for caseworkers.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import time
from urllib.parse import urlsplit

from werkzeug.serving import run_simple

from portal import config
from portal.domain.danish import today_in_denmark
from portal.services.demo_data import personas, work_personas
from portal.testidp import create_combined_app, default_clients, default_work_clients


def _exit_with_parent(parent: int) -> None:
    """Under ``make run``, stop when the portal process is gone, however it ended."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__)
    arguments.add_argument("--parent", type=int, help="stop when this process ends")
    parent = arguments.parse_args().parent
    if parent:
        threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        settings = config.load()
    except config.ConfigError as refusal:
        sys.exit(str(refusal))
    issuer = settings["OIDC"]["citizen"]["issuer"]
    app = create_combined_app(
        issuer,
        citizen=(default_clients(settings["BASE_URL"]), personas(today_in_denmark())),
        work=(default_work_clients(settings["BASE_URL"]), work_personas()),
        environment=settings["PORTAL_ENV"],
    )
    host = urlsplit(issuer).hostname or "localhost"
    with contextlib.suppress(KeyboardInterrupt):
        run_simple(host, settings["TESTIDP_PORT"], app, threaded=True)


if __name__ == "__main__":
    main()
