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

Printed: requests per second of each, run by run, and new ÷ old per page.
"""

from __future__ import annotations

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
    PORTAL_PORT,
    cookie_header,
    environment,
    first_concern,
    gunicorn,
    log,
    log_in,
    wait_for,
    wrk,
)

AGAINST_PORT = 8604
ROUNDS = int(os.environ.get("BENCH_PAIR_ROUNDS", "3"))
SECONDS = int(os.environ.get("BENCH_PAIR_SECONDS", "8"))


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
    tree = checked_out(sys.argv[1])
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
        subprocess.run(  # noqa: S603
            ["git", "worktree", "remove", "--force", str(tree)],  # noqa: S607
            cwd=ROOT, check=False, capture_output=True,
        )  # fmt: skip
        shutil.rmtree(tree.parent, ignore_errors=True)
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
