"""`make lighthouse`: Lighthouse (mobile, its default simulated slow 4G) on the start page, a
rules page and a citizen's logged-in front page of a fresh `make run`, against the goal of 100
in all four categories (docs/architecture.md §10).

Starts the portal and the test IdP on a throw-away SQLite database with the demo data, logs in
as Mette through the test IdP (the session cookie goes to Lighthouse as a header), runs
Lighthouse from npm (`npx lighthouse@12`, with Debian's chromium; nothing is downloaded but the
npm package) and prints the four scores, the layout shift and the paints per page. Exits 1 when
a score is below 100. Reports go to build/lighthouse-*.json.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
PORT, IDP_PORT = 8610, 8611
BASE = f"http://localhost:{PORT}"
PAGES = {"start page": "/", "a rules page": "/dine-rettigheder/", "front page": "/mit-forloeb"}
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")


def _environment(database: Path) -> dict:
    return {
        **os.environ,
        "PORTAL_ENV": "development",
        "PORTAL_DATABASE_URL": f"sqlite:///{database}",
        "PORTAL_BASE_URL": BASE,
        "PORTAL_PORT": str(PORT),
        "PORTAL_OIDC_ISSUER": f"http://localhost:{IDP_PORT}",
        "PORTAL_CASEWORKER_OIDC_ISSUER": f"http://localhost:{IDP_PORT}/erhverv",
        "PORTAL_TESTIDP_PORT": str(IDP_PORT),
    }


def _flask(env: dict, *args: str) -> None:
    subprocess.run(  # noqa: S603 - our own command line
        [str(Path(sys.executable).with_name("flask")), "--app", "wsgi", *args],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip


def _cookie() -> str:
    """Mette's session, logged in the browser's way through the test IdP."""
    http = requests.Session()
    picker = http.get(f"{BASE}/login", timeout=10)
    request_id = re.search(r'name="request_id" value="([^"]+)"', picker.text).group(1)
    answer = http.post(
        picker.url.split("?")[0], data={"request_id": request_id, "persona": "mette"}, timeout=10
    )
    answer.raise_for_status()
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies if "portal" in c.name)


def _lighthouse(name: str, path: str, headers: Path | None) -> dict:
    out = ROOT / "build" / f"lighthouse-{re.sub(r'[^a-z]+', '-', name)}.json"
    command = [
        "npx", "-y", "lighthouse@12", f"{BASE}{path}", "--quiet", "--output=json",
        f"--output-path={out}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]  # fmt: skip
    if headers is not None:
        command.append(f"--extra-headers={headers}")
    ran = subprocess.run(  # noqa: S603
        command, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True
    )
    if ran.returncode != 0:  # say why, not only that it failed
        raise SystemExit(f"{name}: Lighthouse failed ({ran.returncode}):\n{ran.stderr[-2000:]}")
    report = json.loads(out.read_text(encoding="utf-8"))
    if not report["finalDisplayedUrl"].endswith(path):
        raise SystemExit(f"{name}: Lighthouse ended on {report['finalDisplayedUrl']}")
    return report


def main() -> None:
    if not shutil.which("npx"):
        raise SystemExit("npx is missing: apt-get install -y npm")
    (ROOT / "build").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        env = _environment(Path(scratch) / "portal.db")
        _flask(env, "db", "upgrade")
        _flask(env, "seed-demo")
        server = subprocess.Popen(
            [sys.executable, "-m", "portal.devserver"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            for _ in range(100):
                try:
                    requests.get(f"{BASE}/health", timeout=1)
                    break
                except requests.RequestException:
                    time.sleep(0.2)
            else:
                raise SystemExit(f"the portal did not start on {BASE}")
            headers = Path(scratch) / "headers.json"
            headers.write_text(json.dumps({"Cookie": _cookie()}), encoding="utf-8")
            reports = {
                name: _lighthouse(name, path, headers if name == "front page" else None)
                for name, path in PAGES.items()
            }
        finally:
            server.terminate()
            server.wait(timeout=20)
    below = False
    print(f"{'Page':14} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5}  CLS    FCP    LCP")
    for name, report in reports.items():
        scores = [round(report["categories"][c]["score"] * 100) for c in
                  ("performance", "accessibility", "best-practices", "seo")]  # fmt: skip
        below |= min(scores) < 100
        audits = report["audits"]
        print(
            f"{name:14} " + " ".join(f"{s:5}" for s in scores) + "  "
            f"{audits['cumulative-layout-shift']['displayValue']:6} "
            f"{audits['first-contentful-paint']['displayValue']:6} "
            f"{audits['largest-contentful-paint']['displayValue']}"
        )
    print(f"(Lighthouse {reports['start page']['lighthouseVersion']}; reports in build/)")
    sys.exit(1 if below else 0)


if __name__ == "__main__":
    main()
