"""One way to save: every use case writes inside ``saved(db)``, which commits or undoes it all.

What the database says goes back to the view as one of three things a person can be told:

- ``ConcurrentChange``: someone else changed the record first (optimistic locking: the version
  column did not match). The view answers 409, says so in Danish and keeps what was typed.
- ``AlreadyExists``: a unique rule refused the row (a second tab made the same draft).
- ``NotSaved``: any other database error. Nothing was half-saved; the view says "not saved".

Any other exception rolls back too and goes on up.

A page that is asked for (GET) starts by only reading (``only_reading``, from the session
interface): its statements run on their own, with no BEGIN before them and no ROLLBACK after.
``saved`` ends the reading first, so every write still runs in a transaction of its own; a write
sent while reading is refused (``WriteWhileReading``), so none can slip through as a string of
separate commits. Why: on PostgreSQL that is two round trips fewer on every page that only reads,
and psycopg forgets its prepared statements at every ROLLBACK — without one, a page's statements
are prepared once per connection instead of parsed and planned on every page (issue 27,
docs/architecture.md §10).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.orm.exc import StaleDataError

READING = "portal_reading"  # the execution option (and session info key) of the reading mode


class ConcurrentChange(Exception):
    """Someone else changed the record first; nothing was saved."""


class NotSaved(Exception):
    """The database refused the write; it was rolled back and nothing was half-saved."""


class AlreadyExists(NotSaved):
    """A unique rule refused the write (the row is there already)."""


class WriteWhileReading(RuntimeError):
    """A statement that writes was sent while the session was only reading: a bug — the write
    belongs inside ``saved`` (or after ``stop_reading``)."""


def only_reading(db: Session) -> None:
    """From here until ``stop_reading`` (or ``saved``), the session only reads. On the request's
    own session (bound to the engine) its statements then run without a transaction: autocommit
    on PostgreSQL, no BEGIN on SQLite. A session the tests bind to their one connection keeps
    that connection's transaction, and the same guards."""
    if db.in_transaction():
        return
    options: dict = {}
    bind = db.get_bind()
    if isinstance(bind, Engine):
        options[READING] = True
        if bind.dialect.name == "postgresql":
            options["isolation_level"] = "AUTOCOMMIT"
    db.connection(execution_options=options or None)
    db.info[READING] = db.get_transaction()


def is_reading(db: Session) -> bool:
    reading = db.info.get(READING)
    return reading is not None and reading is db.get_transaction()


def stop_reading(db: Session) -> None:
    """End the reading, if this session is still in it: the next statement begins a transaction.
    Ending it sends nothing to the database (there is no transaction to end)."""
    if is_reading(db):
        db.info.pop(READING)
        db.commit()


def refuse_orm_writes_while_reading(state: ORMExecuteState) -> None:
    """The session's guard (``portal.db``): no INSERT, UPDATE or DELETE while reading."""
    if (state.is_insert or state.is_update or state.is_delete) and is_reading(state.session):
        raise WriteWhileReading(type(state.statement).__name__)


def refuse_flush_while_reading(session: Session, _context, _instances) -> None:
    """…and no flush of changed objects."""
    if is_reading(session):
        raise WriteWhileReading("flush")


_READS = ("SELECT", "PRAGMA", "SHOW")  # what may be sent while reading (PRAGMA: SQLite's look-ups)


def refuse_writes_while_reading(conn, _cursor, statement, _parameters, _context, _many) -> None:
    """The engine's guard (``portal.db``): only statements that read on a reading connection,
    however they were sent."""
    # Only the first word is looked at: this runs for every statement of a reading page.
    if conn.get_execution_options().get(READING) and not (
        statement.lstrip()[:6].upper().startswith(_READS)
    ):
        raise WriteWhileReading(statement.split(None, 1)[0])


@contextmanager
def saved(db: Session) -> Iterator[None]:
    """Run the block and commit it — in a savepoint when a transaction is already open; on any
    error only the block is undone (the session stays usable for the page that says what
    happened), and one of the above is raised.
    A page that was reading reads on after the commit, without a transaction again (the queue
    writes its access log, then counts)."""
    was_reading = is_reading(db)
    stop_reading(db)
    try:
        if db.in_transaction():
            with db.begin_nested():
                yield
            db.commit()
        else:
            # Nothing before the block to keep: its own transaction, without a savepoint — two
            # round trips fewer (SAVEPOINT, RELEASE) for a page that was reading (issue 27).
            with db.begin():
                yield
    except StaleDataError as error:
        raise ConcurrentChange from error
    except IntegrityError as error:
        raise AlreadyExists from error
    except DBAPIError as error:
        if error.connection_invalidated:  # the database went away: start afresh next time
            _forget(db)
        raise NotSaved from error
    except SQLAlchemyError as error:
        raise NotSaved from error
    if was_reading:
        _read_on(db)


def _read_on(db: Session) -> None:
    try:
        only_reading(db)
    except SQLAlchemyError:  # saved, but the database went away: the next statement says so
        _forget(db)


def _forget(db: Session) -> None:
    try:
        db.rollback()
    except SQLAlchemyError:
        db.invalidate()
