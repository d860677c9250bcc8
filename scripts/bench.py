"""`make bench`: the portal's speed, measured against a bare Flask app in the same run
(docs/architecture.md §10).

1. A fresh PostgreSQL database (BENCH_DATABASE_URL, default the local server's `bench`): the
   demo personas, then 30,000 citizens with 300,000 offers through the case import as an
   operator runs it — `flask import-cases`, six files of 5,000, a process each (timed: citizens
   per second without and with each process's start-up, which is timed apart) — and the same
   citizens again in one batch, then 20,000 concerns in every state through the services.
2. gunicorn with 2 sync workers for the portal (PostgreSQL, Redis for the limits and the kept
   pages) and, with the same settings, for `scripts/bench_hello.py`; the test IdP beside them;
   and the portal once more keeping no pages (PORTAL_PAGE_CACHE_SECONDS=0): the rows "drawn"
   are what a first look at a page costs (or the queue's after each change in the
   municipality), the others are repeat looks.
3. A citizen, a caseworker and a manager log in through the test IdP; wrk (16 connections, 2
   threads) drives each page for BENCH_SECONDS (default 15) after a short warm-up — "Tal om
   retten" with one connection: a manager's wait, not a crowd's.
   Each page is measured between two short looks at hello (BENCH_HELLO_SECONDS, default 5),
   and its ratio is to their mean: this machine's speed drifts within a run, and the same code
   measured 0.071 and 0.088 × a hello taken minutes before.
4. A table: req/s, p50/p95/p99, hello beside it and the ratio, and the import rate; then each
   page kept (a repeat look) beside drawn (a first look). The figures also go to build/bench.json;
   the targets (issues 15 and 27) are printed beside them.

BENCH_REUSE=1 measures the pages again on the data of the last run (after a change to the code).

Absolute numbers depend on the machine and on what else runs; the ratio to hello, measured
beside each page, is what to compare between runs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SERVER = os.environ.get("BENCH_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASE = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
)
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
CITIZENS = int(os.environ.get("BENCH_CITIZENS", "30000"))
OFFERS_PER_CITIZEN = 10
CONCERNS = int(os.environ.get("BENCH_CONCERNS", "20000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
HELLO_SECONDS = int(os.environ.get("BENCH_HELLO_SECONDS", "5"))
PORTAL_PORT, HELLO_PORT, IDP_PORT, DRAWING_PORT = 8600, 8601, 8602, 8603
KEY = "bench-cpr-key-" + "x" * 32
TODAY = date.today()
TARGETS = {
    "front page": 0.15,
    "offers list": 0.15,
    "concern page": 0.15,
    # Issue 27: a first look near a repeat look.
    "front page, drawn": 0.08,
    "offers list, drawn": 0.08,
    "concern page, drawn": 0.08,
}
ANSWERS = {
    "offer_started": "no",
    "worries": ["hours"],
    "worry_text": "For mange timer.",
    "health_text": "Ondt i ryggen.",
    "doctor_knows": "yes",
    "helps": ["fewer_hours"],
    "meeting_form": "phone",
    "phone": "20304050",
}
P95_TARGETS = {
    "front page": 100.0,
    "front page, drawn": 40.0,
    "queue, first page": 150.0,
    "queue, page 200": 150.0,
    "queue, first page, drawn": 100.0,
    "queue, page 200, drawn": 100.0,
    "figures, a whole year": 300.0,  # issue 17: every concern of the bench is in the last year
}


@dataclass
class Result:
    name: str
    requests_per_second: float
    p50: float
    p95: float
    p99: float
    errors: int = 0
    ratio: float = field(default=0.0)
    hello: float = field(default=0.0)  # hello's req/s right beside this page


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# -- 1. the data ------------------------------------------------------------------------------
def fresh_database(url: str = DATABASE) -> None:
    name = urlsplit(url.replace("+psycopg", "")).path.lstrip("/")
    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def cpr(i: int) -> str:
    """A valid fictitious CPR number for citizen i (ten ASCII digits, a real date)."""
    return f"{1 + i // 4000:02d}0185{i % 4000:04d}"


def batch(citizens: int) -> dict:
    start = date(2025, 6, 2)
    kinds = ["virksomhedspraktik", "mentor", "vejledning_opkvalificering", "health_effort"]
    return {
        "caseworkers": [
            {"id": f"bench-cw-{k}", "name": f"Sagsbehandler {k}", "municipality": "901"}
            for k in range(40)
        ],
        "citizens": [
            {
                "cpr": cpr(i),
                "name": f"Borger Nummer{i}",
                "municipality": "901",
                "fictitious": True,
                "forloeb": [
                    {
                        "id": f"bench-f-{i}",
                        "start": start.isoformat(),
                        "planned_end": (start + timedelta(days=3 * 365)).isoformat(),
                        "legal_basis": "Ressourceforløb efter LAB kapitel 19",
                        "goals": "At komme tættere på et job, 10 timer om ugen.",
                        "caseworker": f"bench-cw-{i % 40}",
                        "offers": [
                            {
                                "id": f"bench-o-{i}-{k}",
                                "kind": kinds[k % len(kinds)],
                                "title": f"Tilbud {k} for borger {i}",
                                "place": "Jobcentret",
                                "start": (TODAY + timedelta(days=20 + 30 * k)).isoformat(),
                                "end": (TODAY + timedelta(days=40 + 30 * k)).isoformat(),
                                "weekdays": ["MO", "WE"],
                                "day_starts_at": "09:00",
                                "day_ends_at": "12:00",
                                "hours_per_week": 6,
                                "purpose": "Du skal prøve, hvad du kan.",
                            }
                            for k in range(OFFERS_PER_CITIZEN)
                        ],
                    }
                ],
            }
            for i in range(citizens)
        ],
    }


def load_data() -> dict:
    from sqlalchemy import create_engine, select, update
    from sqlalchemy.orm import sessionmaker

    from portal import db as database
    from portal.domain.concerns import ConcernAction
    from portal.domain.identity import hash_cpr
    from portal.domain.principal import Actor, Principal
    from portal.models import Citizen, CoordinatorMeeting, Offer
    from portal.services import casework_steps, concern_steps, concerns, decisions
    from portal.services.case_import import import_batch
    from portal.services.demo_seed import seed_demo

    log("fresh database, migrations, demo personas")
    fresh_database()
    database.upgrade(DATABASE)
    engine = create_engine(DATABASE)
    db = sessionmaker(bind=engine, expire_on_commit=False)()
    seed_demo(db, KEY, TODAY)

    log(f"importing {CITIZENS:,} citizens with {CITIZENS * OFFERS_PER_CITIZEN:,} offers")
    data = batch(CITIZENS)
    cli = import_through_the_cli(data)
    began = time.perf_counter()
    again = import_batch(db, data, KEY).as_dict()
    repeat = CITIZENS / (time.perf_counter() - began)
    assert again["offers"]["unchanged"] == CITIZENS * OFFERS_PER_CITIZEN, "idempotent"
    log(f"the same {CITIZENS:,} again, in one batch: {repeat:,.0f} citizens/s")

    mette = Principal(
        "citizen",
        "bench-mette",
        "Mette Testesen",
        db.scalar(select(Citizen.id).where(Citizen.cpr_hash == hash_cpr("0101901111", KEY))),
    )
    mettes = concerns.start(
        db,
        mette,
        db.scalar(select(Offer.id).where(Offer.external_id == "demo-offer-mette-1")),
        TODAY,
    )
    concerns.save_step(db, mettes, 5, ANSWERS)
    concerns.submit(db, mette, mettes)

    log(f"{CONCERNS:,} concerns in every state, through the services")
    caseworker = Actor("caseworker", "caseworker:demo-cw-nordby-1")
    states = [
        "draft", "submitted", "acknowledged", "meeting_booked", "meeting_held",
        "advice_given", "decided", "closed", "withdrawn",
    ]  # fmt: skip
    ids = {row.cpr_hash: row.id for row in db.execute(select(Citizen.cpr_hash, Citizen.id))}
    first_offers = select(Offer.external_id, Offer.id).where(Offer.external_id.like("bench-o-%-0"))
    offer_ids = {row.external_id: row.id for row in db.execute(first_offers)}
    began = time.perf_counter()
    for n in range(min(CONCERNS, CITIZENS)):
        state = states[n % len(states)]
        who = Principal("citizen", f"bench-{n}", f"Borger Nummer{n}", ids[hash_cpr(cpr(n), KEY)])
        concern = concerns.start(db, who, offer_ids[f"bench-o-{n}-0"], TODAY)
        concerns.save_step(db, concern, 5, ANSWERS)
        if state == "draft":
            continue
        concerns.submit(db, who, concern)
        if state == "withdrawn":
            concerns.withdraw(db, who, concern)
            continue
        steps = states[2 : states.index(state) + 1]
        for step in steps:
            if step == "acknowledged":
                concern_steps.transition(db, caseworker, concern, ConcernAction.ACKNOWLEDGE)
            elif step == "meeting_booked":
                plan = concern_steps.MeetingPlan(
                    datetime.now(UTC) + timedelta(days=7), "phone", "", "", "Dr. Berg", "Nord"
                )
                casework_steps.book_meeting(db, caseworker, concern, plan)
            elif step == "meeting_held":
                db.execute(  # time passes: the meeting began an hour ago
                    update(CoordinatorMeeting)
                    .where(CoordinatorMeeting.concern_id == concern.id)
                    .values(starts_at=datetime.now(UTC) - timedelta(hours=1))
                )
                db.commit()
                db.refresh(concern)
                casework_steps.record_meeting(
                    db, caseworker, concern, True, datetime.now(UTC), ["citizen", "coordinator"]
                )
            elif step == "advice_given":
                casework_steps.record_advice(db, caseworker, concern, "Færre timer.", TODAY, 7)
            elif step == "decided":
                decided = decisions.DecisionInput(
                    "kept", "Mødet er holdt.", "Det passer.", early_reason="Ingen kommentar."
                )
                decisions.decide(db, caseworker, concern, decided, TODAY)
            elif step == "closed":
                concern_steps.transition(db, caseworker, concern, ConcernAction.CLOSE)
        if n and n % 2000 == 0:
            log(f"  {n:,} concerns ({n / (time.perf_counter() - began):,.0f}/s)")
    db.close()
    engine.dispose()
    # As autovacuum would by the time anyone looks: the planner needs to know the tables' size.
    with psycopg.connect(DATABASE.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    return {**cli, "reimport_citizens_per_second": repeat}


IMPORT_FILE_CITIZENS = 5000


def _timed(command: list[str], cwd: Path, env: dict) -> float:
    began = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)  # noqa: S603
    return time.perf_counter() - began


def import_files(data: dict) -> list[Path]:
    """The batch as the operator's files of 5,000 citizens (build/bench-import)."""
    folder = ROOT / "build" / "bench-import"
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for first in range(0, len(data["citizens"]), IMPORT_FILE_CITIZENS):
        part = {**data, "citizens": data["citizens"][first : first + IMPORT_FILE_CITIZENS]}
        path = folder / f"citizens-{first:06d}.json"
        path.write_text(json.dumps(part), encoding="utf-8")
        files.append(path)
    return files


def import_through_the_cli(data: dict) -> dict:
    """As an operator imports: `flask --app wsgi import-cases FILE`, one process per file of
    5,000 citizens (issue 27)."""
    rates = import_rates(import_files(data), len(data["citizens"]), ROOT, environment())
    log(
        f"import through the CLI, {rates['import_files']} files of {IMPORT_FILE_CITIZENS:,}: "
        f"{rates['import_citizens_per_second']:,.0f} citizens/s without start-up "
        f"({rates['import_process_startup_seconds']:.2f} s a process), "
        f"{rates['import_citizens_per_second_with_startup']:,.0f}/s with it"
    )
    return rates


def import_rates(files: list[Path], count: int, cwd: Path, env: dict) -> dict:
    """The files imported by the code in ``cwd``, a process each, into the database ``env``
    names. A process's start-up (Python, the app, its settings) is timed on its own with a
    command that does nothing else, and reported apart."""
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "wsgi"]
    startup = min(_timed([*flask, "settings-table"], cwd, env) for _ in range(3))
    seconds = [_timed([*flask, "import-cases", str(path)], cwd, env) for path in files]
    total = sum(seconds)
    return {
        "import_files": len(files),
        "import_process_startup_seconds": startup,
        "import_citizens_per_second": count / (total - startup * len(files)),
        "import_citizens_per_second_with_startup": count / total,
    }


# -- 2. the servers ---------------------------------------------------------------------------
def environment() -> dict:
    return {
        **os.environ,
        "PORTAL_ENV": "development",  # the test IdP is for development only
        "PORTAL_DATABASE_URL": DATABASE,
        "PORTAL_REDIS_URL": REDIS,
        "PORTAL_CPR_HASH_KEY": KEY,
        "PORTAL_SECRET_KEY": "bench-secret-" + "y" * 32,
        "PORTAL_BASE_URL": f"http://127.0.0.1:{PORTAL_PORT}",
        "PORTAL_OIDC_ISSUER": f"http://127.0.0.1:{IDP_PORT}",
        "PORTAL_CASEWORKER_OIDC_ISSUER": f"http://127.0.0.1:{IDP_PORT}/erhverv",
        "PORTAL_TESTIDP_PORT": str(IDP_PORT),
        # A benchmark logs in a few times, then sends thousands of requests from one address.
        "PORTAL_LIMIT_LOGIN": "1000 per minute",
        "PORTAL_LIMIT_WRITES": "100000 per minute",
    }


def gunicorn(app: str, port: int, cwd: Path = ROOT, **settings: str) -> subprocess.Popen:
    """``app`` under 2 sync workers; ``cwd``: the tree whose code it runs (``bench_pair.py``)."""
    return subprocess.Popen(  # noqa: S603 - our own command line
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app,
        ],
        cwd=cwd,
        env=environment() | settings,
        stderr=subprocess.DEVNULL,
    )


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not start")


def log_in(path: str, persona: str) -> requests.Session:
    """The browser's way: the portal sends us to the test IdP, we pick a person, come back."""
    http = requests.Session()
    picker = http.get(f"http://127.0.0.1:{PORTAL_PORT}{path}", timeout=10)
    request_id = re.search(r'name="request_id" value="([^"]+)"', picker.text).group(1)
    authorize = picker.url.split("?")[0]
    answer = http.post(authorize, data={"request_id": request_id, "persona": persona}, timeout=10)
    answer.raise_for_status()
    return http


def first_concern(cookie: str) -> str | None:
    """The address of the first concern the logged-in citizen has, if any."""
    page = requests.get(
        f"http://127.0.0.1:{PORTAL_PORT}/bekymringer/", headers={"Cookie": cookie}, timeout=10
    ).text
    found = re.search(r'href="(/bekymringer/\d+)"', page)
    return found.group(1) if found else None


def cookie_header(http: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies if c.domain in ("127.0.0.1", ""))


# -- 3. the load ------------------------------------------------------------------------------
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %.3f %.3f %.3f\\n",
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def wrk(
    name: str, url: str, cookie: str = "", connections: int = 16, seconds: int = SECONDS
) -> Result:
    script = ROOT / "build" / "bench.lua"
    script.parent.mkdir(exist_ok=True)
    script.write_text(WRK_SCRIPT)
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    threads = min(2, connections)
    base = ["wrk", f"-t{threads}", f"-c{connections}", "-s", str(script), *headers, url]
    subprocess.run([*base[:1], "-d2s", *base[1:]], capture_output=True, check=True)  # noqa: S603
    out = subprocess.run(  # noqa: S603
        [*base[:1], f"-d{seconds}s", *base[1:]], capture_output=True, text=True, check=True
    ).stdout
    numbers = re.search(r"BENCH (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)", out)
    total, micros, errors = (int(numbers.group(i)) for i in (1, 2, 3))
    p50, p95, p99 = (float(numbers.group(i)) for i in (4, 5, 6))
    result = Result(name, total / (micros / 1e6), p50, p95, p99, errors)
    log(f"{name:24} {result.requests_per_second:8.0f} req/s  p95 {p95:6.1f} ms")
    return result


HELLO_URL = f"http://127.0.0.1:{HELLO_PORT}/"


def beside_hello(name: str, url: str, cookie: str = "", connections: int = 16) -> Result:
    """A page measured between two short looks at hello; its ratio is to their mean."""
    before = wrk("  hello before", HELLO_URL, seconds=HELLO_SECONDS)
    result = wrk(name, url, cookie, connections)
    after = wrk("  hello after", HELLO_URL, seconds=HELLO_SECONDS)
    result.hello = (before.requests_per_second + after.requests_per_second) / 2
    result.ratio = result.requests_per_second / result.hello
    return result


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    if os.environ.get("BENCH_REUSE"):  # measuring again after a change: keep the data
        last = ROOT / "build" / "bench.json"
        if not last.exists():  # the data and the import's figures come from a full run here
            raise SystemExit(
                f"BENCH_REUSE=1 needs {last.relative_to(ROOT)} from a full `make bench` in this"
                " checkout (or copied from the checkout that ran it): run that first"
            )
        figures = json.loads(last.read_text(encoding="utf-8"))
        figures.pop("results", None)
        figures.pop("profiles", None)
    else:
        figures = load_data()
    idp = subprocess.Popen(
        [sys.executable, "-m", "portal.testidp"], cwd=ROOT, env=environment(),
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    portal = gunicorn("wsgi:app", PORTAL_PORT)
    hello = gunicorn("scripts.bench_hello:app", HELLO_PORT)
    # The same portal, keeping no pages: what a citizen's first look at a page costs.
    drawing = gunicorn("wsgi:app", DRAWING_PORT, PORTAL_PAGE_CACHE_SECONDS="0")
    try:
        wait_for(f"http://127.0.0.1:{IDP_PORT}/.well-known/openid-configuration")
        wait_for(f"http://127.0.0.1:{PORTAL_PORT}/health")
        wait_for(f"http://127.0.0.1:{HELLO_PORT}/")
        wait_for(f"http://127.0.0.1:{DRAWING_PORT}/health")
        mette = log_in("/login", "mette")
        lone = log_in("/sagsbehandler/login", "lone")
        hanne = log_in("/sagsbehandler/login", "hanne")  # a manager: "Tal om retten"
        base = f"http://127.0.0.1:{PORTAL_PORT}"
        front = mette.get(f"{base}/mit-forloeb", timeout=10).text
        offer = re.search(r'href="(/tilbud/\d+)"', front).group(1)
        concern = first_concern(cookie_header(mette))
        queue = lone.get(f"{base}/sagsbehandler/bekymringer", timeout=10)
        deep = queue
        for _ in range(199):  # page 200: 5,000 concerns in
            after = re.search(r'href="([^"]*efter=[^"]+)"', deep.text)
            deep = lone.get(f"{base}{after.group(1).replace('&amp;', '&')}", timeout=10)
        deep_url = deep.url
        drawn = f"http://127.0.0.1:{DRAWING_PORT}"
        pages = [("front page", "/mit-forloeb"), ("offers list", "/tilbud"), ("an offer", offer)]
        if concern:
            pages.append(("concern page", concern))
        results = [wrk("hello (bare Flask)", HELLO_URL)]
        for name, path in pages:
            # Kept: the repeat look, answered from Redis; drawn: the first look, every time.
            results.append(beside_hello(name, f"{base}{path}", cookie_header(mette)))
            results.append(beside_hello(f"{name}, drawn", f"{drawn}{path}", cookie_header(mette)))
        results += [
            beside_hello("rules page (anonymous)", f"{base}/dine-rettigheder/"),
            beside_hello(
                "queue, first page", f"{base}/sagsbehandler/bekymringer", cookie_header(lone)
            ),
            beside_hello("queue, page 200", deep_url, cookie_header(lone)),
            # Drawn for every request, as after each change in the municipality.
            beside_hello(
                "queue, first page, drawn",
                f"{drawn}/sagsbehandler/bekymringer",
                cookie_header(lone),
            ),
            beside_hello(
                "queue, page 200, drawn", deep_url.replace(base, drawn), cookie_header(lone)
            ),
            # A page for the few managers, not for the crowd: what one of them waits, one
            # request at a time, for a whole year of the bench's 20,000 concerns.
            beside_hello(
                "figures, a whole year",
                f"{base}/kommune/tal-om-retten",
                cookie_header(hanne),
                connections=1,
            ),
        ]
        profiled = [(name, f"{drawn}{path}", cookie_header(mette)) for name, path in pages]
        profiled.append(
            ("queue, first page", f"{drawn}/sagsbehandler/bekymringer", cookie_header(lone))
        )
        profiles = profile_drawn(drawing.pid, profiled) if os.environ.get("BENCH_PROFILE") else {}
    finally:
        for process in (portal, drawing, hello, idp):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=20)
    results[0].hello, results[0].ratio = results[0].requests_per_second, 1.0
    print()
    print(
        f"{'Target':26} {'req/s':>8} {'p50':>7} {'p95':>7} {'p99':>7} {'hello':>7} "
        f"{'vs hello':>9}  target"
    )
    for r in results:
        goal = []
        if r.name in TARGETS:
            goal.append(f"≥ {TARGETS[r.name]}")
        if r.name in P95_TARGETS:
            goal.append(f"p95 ≤ {P95_TARGETS[r.name]:.0f} ms")
        errors = f"  ({r.errors} errors)" if r.errors else ""
        print(
            f"{r.name:26} {r.requests_per_second:8.0f} {r.p50:6.1f}ms {r.p95:6.1f}ms "
            f"{r.p99:6.1f}ms {r.hello:7.0f} {r.ratio:9.3f}  {', '.join(goal)}{errors}"
        )
    side_by_side(results)
    if profiles:
        print_profiles(profiles)
    print(
        f"\nImport through the CLI ({figures.get('import_files', '?')} files of "
        f"{IMPORT_FILE_CITIZENS:,}): {figures['import_citizens_per_second']:,.0f} citizens/s "
        f"(target ≥ 2,000), {figures.get('import_citizens_per_second_with_startup', 0):,.0f}/s "
        f"with each process's start-up of {figures.get('import_process_startup_seconds', 0):.2f} "
        f"s; the same citizens again in one batch: {figures['reimport_citizens_per_second']:,.0f}/s"
    )
    out = ROOT / "build" / "bench.json"
    out.write_text(
        json.dumps(
            {"results": [r.__dict__ for r in results], "profiles": profiles, **figures}, indent=2
        ),
        encoding="utf-8",
    )
    print(f"(also in {out.relative_to(ROOT)})")


def profile_drawn(master: int, pages: list[tuple[str, str, str]]) -> dict:
    """BENCH_PROFILE=1: where a drawn page's time goes, per page (scripts/profile_breakdown.py:
    py-spy on one worker of the portal that keeps no pages, under wrk)."""
    from scripts.profile_breakdown import breakdown, record

    workers = subprocess.run(  # noqa: S603
        [shutil.which("pgrep") or "pgrep", "-P", str(master)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    found = {}
    for name, url, cookie in pages:
        load = subprocess.Popen(  # noqa: S603
            [shutil.which("wrk") or "wrk", "-t1", "-c4", "-d12s", "-H", f"Cookie: {cookie}", url],
            stdout=subprocess.DEVNULL,
        )
        try:
            found[name] = breakdown(record(int(workers[0]), 10))
        finally:
            load.wait()
        log(f"profiled {name}, drawn")
    return found


def print_profiles(profiles: dict) -> None:
    names = list(next(iter(profiles.values())))
    print(f"\n{'Drawn page: share of time':26} " + " ".join(f"{n[:12]:>12}" for n in names))
    for page, shares in profiles.items():
        print(f"{page:26} " + " ".join(f"{shares[n]:12.1%}" for n in names))


def side_by_side(results: list[Result]) -> None:
    """Each page kept (a repeat look) beside drawn (a first look), as ratios to hello."""
    by_name = {r.name: r for r in results}
    print(
        f"\n{'Page':22} {'kept':>8} {'p95':>7} {'ratio':>6}   {'drawn':>6} {'p95':>7} {'ratio':>6}"
    )
    for name, kept in by_name.items():
        first = by_name.get(f"{name}, drawn")
        if first is None:
            continue
        print(
            f"{name:22} {kept.requests_per_second:8.0f} {kept.p95:6.1f}ms {kept.ratio:6.3f}   "
            f"{first.requests_per_second:6.0f} {first.p95:6.1f}ms {first.ratio:6.3f}"
        )


if __name__ == "__main__":
    main()
