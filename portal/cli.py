"""``flask`` commands for operators: migrations, demo data, imports, API clients, clean-up."""

from __future__ import annotations

import logging
import signal
import threading

import click
from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from portal import config
from portal import db as database
from portal.auth.sessions import purge_expired
from portal.domain.case_import import BatchUnreadable
from portal.services import api_clients
from portal.services.case_import import ImportRejected, import_body
from portal.services.demo_seed import database_is_empty, seed_demo

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    @app.cli.group("db")
    def db_group():
        """Database migrations."""

    @db_group.command("upgrade")
    @click.option("--revision", default="head", show_default=True)
    def upgrade(revision: str):
        """Apply Alembic migrations."""
        database.upgrade(current_app.config["DATABASE_URL"], revision)
        click.echo(f"Database is at {revision}.")

    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Add the fictitious demo personas, but only to an empty database."""
        from portal.domain.danish import today_in_denmark

        with database.new_session() as db:
            if not database_is_empty(db):
                click.echo("The database has data already; demo data not added.")
                return
            summary = seed_demo(db, current_app.config["CPR_HASH_KEY"], today_in_denmark())
        added = summary.created["citizens"]
        click.echo(f"Added demo data: {added} fictitious citizens with a ressourceforløb.")

    @app.cli.command("import-cases")
    @click.argument("batch", type=click.File("rb"))
    def import_cases(batch):
        """Import a JSON batch from the case system (schemas/case-import.schema.json).

        The operator's import may hold several municipalities; a case system's own import goes
        through the API and is held to its municipality."""
        body = batch.read()
        with database.new_session() as db:
            try:
                summary = import_body(db, body, current_app.config["CPR_HASH_KEY"])
            except BatchUnreadable as unreadable:
                raise click.ClickException(f"The file cannot be read: {unreadable}") from None
            except ImportRejected as rejected:
                for problem in rejected.problems:
                    click.echo(f"- {problem}", err=True)
                raise click.ClickException(
                    f"Nothing was imported: {len(rejected.problems)} problem(s)."
                ) from None
        for kind, counts in summary.as_dict().items():
            click.echo(
                f"{kind}: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged"
            )

    @app.cli.group("api-client")
    def api_client_group():
        """The municipal case systems that may use the import and export API, and national
        clients that read the figures."""

    @api_client_group.command("add")
    @click.option("--municipality", help="the municipality's code, e.g. 901")
    @click.option(
        "--national", is_flag=True, help="the ministry: the figures of every municipality only"
    )
    @click.option("--scopes", required=True, help="a comma-separated choice: import,export,figures")
    @click.option("--name", required=True, help='e.g. "KMD Momentum Nordby"')
    def api_client_add(municipality: str | None, national: bool, scopes: str, name: str):
        """Add a client; its token is printed once and only its hash is kept."""
        if bool(municipality) == national:
            raise click.ClickException("give either --municipality or --national")
        with database.new_session() as db:
            try:
                client, token = api_clients.add(db, municipality, name, scopes, database.utcnow())
            except api_clients.ClientProblem as problem:
                raise click.ClickException(str(problem)) from None
        whose = municipality or "every municipality"
        click.echo(f"API client {client.id} ({client.name}) for {whose}: {client.scopes}")
        click.echo(f"Token (shown only now): {token}")

    @api_client_group.command("list")
    def api_client_list():
        """Every client: municipality, scopes, when it was last used, and whether it is active."""
        with database.new_session() as db:
            clients = api_clients.all_clients(db)
            for c in clients:
                used = c.last_used_at.isoformat(timespec="minutes") if c.last_used_at else "never"
                state = f"revoked {c.revoked_at:%Y-%m-%d}" if c.revoked_at else "active"
                click.echo(
                    f"{c.id:>4}  {c.municipality.code if c.municipality else 'all':<3}  "
                    f"{c.scopes:<21} last used {used:<22} "
                    f"{state:<18} {c.name}"
                )
        if not clients:
            click.echo("No API clients yet: flask api-client add --help")

    @api_client_group.command("rotate")
    @click.argument("client_id", type=int)
    def api_client_rotate(client_id: int):
        """Give the client a new token; the old one stops working at once."""
        with database.new_session() as db:
            try:
                token = api_clients.rotate(db, client_id, database.utcnow())
            except api_clients.ClientProblem as problem:
                raise click.ClickException(str(problem)) from None
        click.echo(f"New token for API client {client_id} (shown only now): {token}")

    @api_client_group.command("revoke")
    @click.argument("client_id", type=int)
    def api_client_revoke(client_id: int):
        """End the client: its token is refused from now on."""
        with database.new_session() as db:
            try:
                api_clients.revoke(db, client_id, database.utcnow())
            except api_clients.ClientProblem as problem:
                raise click.ClickException(str(problem)) from None
        click.echo(f"API client {client_id} is revoked.")

    @app.cli.command("settings-table")
    def settings_table_command():
        """Print the README's table of settings (PORTAL_* environment variables)."""
        click.echo(config.settings_table())

    @app.cli.command("readability")
    def readability():
        """LIX of every rules page and help text (goal 30, never above 35)."""
        from portal.domain.readability import GOAL, LIMIT, lix
        from portal.rules.pages import GLOSSARY, HELP, PAGES

        texts = [(f"rules/{page.slug}", page.texts()) for page in PAGES]
        texts.append(("rules/ord-og-begreber", [t for pair in GLOSSARY for t in pair]))
        texts += [(f"help/{key}", [text]) for key, (text, _slug) in HELP.items()]
        worst = 0.0
        for name, lines in texts:
            result = lix("\n".join(lines))
            worst = max(worst, result.score)
            mark = (
                "over the limit"
                if result.score > LIMIT
                else ("above the goal" if result.score > GOAL else "ok")
            )
            click.echo(
                f"{name:32} LIX {result.score:5.1f}  ({result.words} words, "
                f"{result.sentences} sentences)  {mark}"
            )
        click.echo(f"Highest: {worst:.1f} (goal {GOAL}, limit {LIMIT})")

    @app.cli.group("outbox")
    def outbox_group():
        """E-mail notices waiting to be sent."""

    @outbox_group.command("work")
    @click.option("--interval", default=5.0, show_default=True, help="seconds between looks")
    def outbox_work(interval: float):
        """Deliver e-mails as they come due, until stopped. SIGTERM (or Ctrl-C) lets the message
        in hand finish first; any number of workers may run side by side."""
        from portal import metrics
        from portal.services.outbox import deliver_due, transport_from_config

        stopping = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopping.set())
        transport = transport_from_config(current_app.config)
        log.info("outbox worker started")
        while not stopping.is_set():
            try:
                with database.new_session() as db:
                    result = deliver_due(
                        db,
                        transport,
                        database.utcnow(),
                        current_app.config["BASE_URL"],
                        keep_going=lambda: not stopping.is_set(),
                    )
            except SQLAlchemyError:
                # The database is away (a restart, a failover): wait, and try again.
                log.warning("outbox worker: database unavailable; trying again")
                stopping.wait(interval)
                continue
            for outcome in ("sent", "retried", "failed"):
                metrics.OUTBOX.labels(outcome).inc(getattr(result, outcome))
            if result.sent + result.retried + result.failed == 0:
                stopping.wait(interval)
        log.info("outbox worker stopped")

    @outbox_group.command("send")
    def outbox_send():
        """Deliver due e-mails (run from cron every minute); failures are retried later."""
        from portal.services.outbox import deliver_due, transport_from_config

        with database.new_session() as db:
            result = deliver_due(
                db,
                transport_from_config(current_app.config),
                database.utcnow(),
                current_app.config["BASE_URL"],
            )
        click.echo(f"Sent {result.sent}, to retry {result.retried}, failed {result.failed}.")

    @app.cli.group("retention")
    def retention_group():
        """Deleting what is kept no longer (PORTAL_RETENTION_*)."""

    @retention_group.command("run")
    def retention_run():
        """Delete concerns long after their forløb ended, old access-log entries and old
        e-mails, in batches; safe to stop and to run again (hourly: compose.yaml's jobs)."""
        from portal.domain.danish import today_in_denmark
        from portal.services import retention

        policy = retention.Policy(**current_app.config["RETENTION"])
        with database.new_session() as db:
            removed = retention.run(db, policy, today_in_denmark(), database.utcnow())
        click.echo(
            f"Deleted {removed.concerns} concerns, {removed.access_log} access-log entries and "
            f"{removed.outbox} e-mails."
        )

    @app.cli.group("sessions")
    def sessions_group():
        """Login sessions."""

    @sessions_group.command("purge")
    def purge():
        """Delete expired login sessions (run it from cron, e.g. every hour)."""
        with database.new_session() as db:
            count = purge_expired(db, database.utcnow())
        click.echo(f"Deleted {count} expired sessions.")
