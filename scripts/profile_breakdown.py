"""Where a drawn page's time goes (issue 27): py-spy samples one gunicorn worker while wrk asks
for the page, and each sample is put in the first category whose frame it holds — the session
read, the database (SQLAlchemy and the driver, outside the template), the template (and in it
the translations), the access log, or the rest (Flask, Werkzeug, the guards, logging).

Used by `make bench` with BENCH_PROFILE=1 on the portal that keeps no pages; also on its own:
    python scripts/profile_breakdown.py PID URL COOKIE [SECONDS]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

# In order: a sample counts for the first category one of its frames matches.
CATEGORIES = (
    ("session read", ("portal/auth/sessions.py",)),
    ("access log", ("portal/services/access_log.py",)),
    ("translations", ("portal/i18n.py:", "gettext", "babel/")),
    ("template", ("jinja2/", "templates/", "markupsafe")),
    ("queries", ("sqlalchemy/", "psycopg/", "sqlite3")),
    ("Flask and the rest", ("",)),
)


def category(stack: str) -> str:
    """The category of one sample (its frames, outermost first, separated by ';')."""
    rendering = "render_template" in stack
    for name, marks in CATEGORIES:
        if name == "translations" and not rendering:
            continue
        if name == "queries" and rendering:
            # A query a template makes is the template's (lazy loads would show here).
            continue
        if any(mark in stack for mark in marks):
            return name
    return "Flask and the rest"


def breakdown(folded: str) -> dict[str, float]:
    """Shares of the samples per category, from py-spy's raw (folded) output."""
    counts: Counter[str] = Counter()
    for line in folded.splitlines():
        stack, _, number = line.rpartition(" ")
        if stack and number.isdigit() and "flask/app.py" in stack:
            counts[category(stack)] += int(number)
    total = sum(counts.values()) or 1
    return {name: counts[name] / total for name, _ in CATEGORIES}


def record(pid: int, seconds: int) -> str:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "profile.txt"
        spy = str(Path(sys.executable).with_name("py-spy"))
        subprocess.run(  # noqa: S603 - our own command line
            [spy, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "400",
             "--format", "raw", "--output", str(out), "--nonblocking"],
            check=True, capture_output=True,
        )  # fmt: skip
        return out.read_text(encoding="utf-8", errors="replace")


def main() -> None:
    pid, url, cookie = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    seconds = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    load = subprocess.Popen(  # noqa: S603
        [
            shutil.which("wrk") or "wrk",
            "-t1",
            "-c4",
            f"-d{seconds + 2}s",
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        shares = breakdown(record(pid, seconds))
    finally:
        load.wait()
    for name, share in shares.items():
        print(f"{name:20} {share:6.1%}")


if __name__ == "__main__":
    main()
