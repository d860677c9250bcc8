"""The container's health check: ``python -m portal.healthcheck [--ready]`` (Containerfile,
compose.yaml).

Exits 0 when the portal in this container answers ``/health`` (the process lives) or, with
``--ready``, ``/ready`` (it can serve: database, migrations, Redis) with 200; else 1. The
request names the portal's own host (``PORTAL_BASE_URL``): production refuses any other
``Host`` (docs/architecture.md §5), and so would refuse a check sent to 127.0.0.1.
"""

from __future__ import annotations

import http.client
import os
import sys
from urllib.parse import urlsplit


def check(path: str, port: int, host: str, timeout: float = 2) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": host})
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def main(arguments: list[str]) -> int:
    path = "/ready" if "--ready" in arguments else "/health"
    port = int(os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").rsplit(":", 1)[1])
    host = urlsplit(os.environ.get("PORTAL_BASE_URL", "")).netloc or f"127.0.0.1:{port}"
    return 0 if check(path, port, host) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
