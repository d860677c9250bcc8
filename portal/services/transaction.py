"""One way to save: every use case writes inside ``saved(db)``, which commits or undoes it all.

What the database says goes back to the view as one of three things a person can be told:

- ``ConcurrentChange``: someone else changed the record first (optimistic locking: the version
  column did not match). The view answers 409, says so in Danish and keeps what was typed.
- ``AlreadyExists``: a unique rule refused the row (a second tab made the same draft).
- ``NotSaved``: any other database error. Nothing was half-saved; the view says "not saved".

Any other exception rolls back too and goes on up.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError


class ConcurrentChange(Exception):
    """Someone else changed the record first; nothing was saved."""


class NotSaved(Exception):
    """The database refused the write; it was rolled back and nothing was half-saved."""


class AlreadyExists(NotSaved):
    """A unique rule refused the write (the row is there already)."""


@contextmanager
def saved(db: Session) -> Iterator[None]:
    """Run the block in a savepoint and commit it; on any error only the block is undone (the
    session stays usable for the page that says what happened), and one of the above is raised.
    """
    try:
        with db.begin_nested():
            yield
        db.commit()
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


def _forget(db: Session) -> None:
    try:
        db.rollback()
    except SQLAlchemyError:
        db.invalidate()
