"""`make bench-pair AGAINST=<commit>`: this tree's drawn pages against another commit's, side
by side on the last `make bench`'s data (docs/architecture.md §10).

One `make bench` run measures each page against hello, but this machine's speed drifts more
between runs than a change of a few per cent: the same unchanged page measured 0.085 and 0.068
× hello on one afternoon. So a change is measured **paired**: both trees' portals run at once
(gunicorn, 2 sync workers each, keeping no pages), on the same database, and wrk drives them in
turn — old, new, new, old, … — for BENCH_PAIR_ROUNDS rounds of BENCH_PAIR_SECONDS. The other
commit is checked out in a git worktree in the temporary directory (removed afterwards), with
its own translations compiled; it runs with this tree's virtualenv, so a commit that needs
other packages cannot be compared. Its migrations must be those of the database, or fewer when
the newer ones only add.

BENCH_PAIR_MEASURE says what: "pages" (the default), "import", or "pages,import". The import
is the operator's, as `make bench` times it — `flask import-cases`, the last run's six files of
5,000 citizens, a process each, start-up apart — by each tree in turn into a fresh database
(BENCH_PAIR_IMPORT_DATABASE_URL, default the local server's `bench_pair_import`; the bench's
own data is left alone), migrated and seeded with the demo personas by this tree.

Printed: requests per second of each, run by run, and new ÷ old per page; for the import,
citizens a second without start-up.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.bench import (  # noqa: E402 - the path above first
    IDP_PORT,
    KEY,
    PORTAL_PORT,
    TODAY,
    cookie_header,
    environment,
    first_concern,
    fresh_database,
    gunicorn,
    import_rates,
    log,
    log_in,
    wait_for,
    wrk,
)

AGAINST_PORT = 8604
ROUNDS = int(os.environ.get("BENCH_PAIR_ROUNDS", "3"))
SECONDS = int(os.environ.get("BENCH_PAIR_SECONDS", "8"))
MEASURE = {part.strip() for part in os.environ.get("BENCH_PAIR_MEASURE", "pages").split(",")}
IMPORT_DATABASE = os.environ.get(
    "BENCH_PAIR_IMPORT_DATABASE_URL",
    "postgresql+psycopg://postgres@127.0.0.1:5432/bench_pair_import",
)
IMPORT_FILES = ROOT / "build" / "bench-import"


def checked_out(commit: str) -> Path:
    """The commit in a worktree of its own, its translations compiled."""
    sha = subprocess.run(  # noqa: S603
        ["git", "rev-parse", "--verify", f"{commit}^{{commit}}"],  # noqa: S607
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    tree = Path(tempfile.mkdtemp(prefix="portal-bench-")) / sha[:12]
    subprocess.run(  # noqa: S603
        ["git", "worktree", "add", "--detach", str(tree), sha],  # noqa: S607
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    pybabel = str(Path(sys.executable).with_name("pybabel"))
    subprocess.run(  # noqa: S603
        [pybabel, "compile", "-d", "translations"], cwd=tree, check=True, capture_output=True
    )
    return tree


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit("usage: bench_pair.py <commit>   (make bench-pair AGAINST=<commit>)")
    if not MEASURE or MEASURE - {"pages", "import"}:
        raise SystemExit('BENCH_PAIR_MEASURE is "pages", "import" or "pages,import"')
    files = sorted(IMPORT_FILES.glob("citizens-*.json"))
    if "import" in MEASURE and not files:
        raise SystemExit(f"no files in {IMPORT_FILES.relative_to(ROOT)}: run make bench first")
    tree = checked_out(sys.argv[1])
    try:
        if "pages" in MEASURE:
            pages_paired(tree)
        if "import" in MEASURE:
            import_paired(tree, files)
    finally:
        subprocess.run(  # noqa: S603
            ["git", "worktree", "remove", "--force", str(tree)],  # noqa: S607
            cwd=ROOT, check=False, capture_output=True,
        )  # fmt: skip
        shutil.rmtree(tree.parent, ignore_errors=True)


def import_paired(tree: Path, files: list[Path]) -> None:
    """Each tree imports the same files into a fresh database, in turns."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from portal import db as database
    from portal.services.demo_seed import seed_demo

    citizens = sum(len(json.loads(path.read_bytes())["citizens"]) for path in files)
    env = environment() | {"PORTAL_DATABASE_URL": IMPORT_DATABASE}
    runs: dict[str, list[float]] = {"old": [], "new": []}
    for round_ in range(ROUNDS):
        for which in ("old", "new") if round_ % 2 == 0 else ("new", "old"):
            fresh_database(IMPORT_DATABASE)
            database.upgrade(IMPORT_DATABASE)
            engine = create_engine(IMPORT_DATABASE)
            with Session(engine, expire_on_commit=False) as db:
                seed_demo(db, KEY, TODAY)
            engine.dispose()
            rates = import_rates(files, citizens, tree if which == "old" else ROOT, env)
            runs[which].append(rates["import_citizens_per_second"])
            log(
                f"import ({which}): {rates['import_citizens_per_second']:,.0f} citizens/s "
                f"without start-up ({rates['import_process_startup_seconds']:.2f} s a process)"
            )
    old_rate, new_rate = (sum(runs[which]) / ROUNDS for which in ("old", "new"))
    print(f"\n{'Import':20} {'old cit/s':>10} {'new cit/s':>10} {'new/old':>8}  runs (old | new)")
    each_old, each_new = (" ".join(f"{r:.0f}" for r in runs[which]) for which in ("old", "new"))
    print(
        f"{'through the CLI':20} {old_rate:10.0f} {new_rate:10.0f} {new_rate / old_rate:8.3f}"
        f"  {each_old} | {each_new}"
    )


def pages_paired(tree: Path) -> None:
    log(f"this tree on :{PORTAL_PORT}, {sys.argv[1]} ({tree.name}) on :{AGAINST_PORT}")
    idp = subprocess.Popen(
        [sys.executable, "-m", "portal.testidp"], cwd=ROOT, env=environment(),
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    new = gunicorn("wsgi:app", PORTAL_PORT, PORTAL_PAGE_CACHE_SECONDS="0")
    old = gunicorn("wsgi:app", AGAINST_PORT, cwd=tree, PORTAL_PAGE_CACHE_SECONDS="0")
    try:
        wait_for(f"http://127.0.0.1:{IDP_PORT}/.well-known/openid-configuration")
        wait_for(f"http://127.0.0.1:{PORTAL_PORT}/health")
        wait_for(f"http://127.0.0.1:{AGAINST_PORT}/health")
        # One login serves both: the session lives in the database they share.
        mette = cookie_header(log_in("/login", "mette"))
        lone = cookie_header(log_in("/sagsbehandler/login", "lone"))
        pages = [
            ("front page", "/mit-forloeb", mette),
            ("offers list", "/tilbud", mette),
            ("concern page", concern_of(mette), mette),
            ("queue, first page", "/sagsbehandler/bekymringer", lone),
        ]
        ratios = []
        for name, path, cookie in pages:
            runs: dict[int, list[float]] = {PORTAL_PORT: [], AGAINST_PORT: []}
            for round_ in range(ROUNDS):
                order = (
                    (AGAINST_PORT, PORTAL_PORT) if round_ % 2 == 0 else (PORTAL_PORT, AGAINST_PORT)
                )
                for port in order:
                    label = f"{name} ({'new' if port == PORTAL_PORT else 'old'})"
                    result = wrk(label, f"http://127.0.0.1:{port}{path}", cookie, seconds=SECONDS)
                    runs[port].append(result.requests_per_second)
            new_rate = sum(runs[PORTAL_PORT]) / ROUNDS
            old_rate = sum(runs[AGAINST_PORT]) / ROUNDS
            ratios.append((name, old_rate, new_rate, runs))
    finally:
        for process in (new, old, idp):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=20)
    print(
        f"\n{'Drawn page':20} {'old req/s':>10} {'new req/s':>10} {'new/old':>8}  runs (old | new)"
    )
    for name, old_rate, new_rate, runs in ratios:
        each = " ".join(f"{r:.0f}" for r in runs[AGAINST_PORT])
        each_new = " ".join(f"{r:.0f}" for r in runs[PORTAL_PORT])
        print(
            f"{name:20} {old_rate:10.0f} {new_rate:10.0f} {new_rate / old_rate:8.3f}"
            f"  {each} | {each_new}"
        )


def concern_of(cookie: str) -> str:
    found = first_concern(cookie)
    if found is None:
        raise SystemExit("the bench's citizen has no concern: run make bench first")
    return found


if __name__ == "__main__":
    main()
