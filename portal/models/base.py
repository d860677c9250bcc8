"""The declarative base with its naming convention, the timestamp type every model uses, and
``danish_day``: the Danish calendar day of a timestamp, in SQL.

No Flask here: models, services and migrations all build on it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

from portal.domain.danish import DANISH_TIME

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite forgets the zone; PostgreSQL keeps it. Both give back aware UTC datetimes here, so
    comparisons with ``now`` never mix naive and aware values.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class _DanishDay(TypeDecorator):
    """A ``date``: as PostgreSQL gives it, or worked out here from SQLite's UTC timestamp."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value, dialect):
        if value is None or not isinstance(value, datetime):
            return value
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value
        return moment.astimezone(DANISH_TIME).date()


class danish_day(FunctionElement):
    """The Danish calendar day of a UTC timestamp column, so the database can count by day
    ("Tal om retten" groups thousands of timeline events into a few hundred days). PostgreSQL
    knows Denmark's time zone rules; SQLite does not, so there the timestamp passes through and
    is made a Danish day on the way out (SQLite holds the small data of ``make run``)."""

    type = _DanishDay()
    inherit_cache = True


@compiles(danish_day, "postgresql")
def _danish_day_postgresql(element, compiler, **kw) -> str:
    zone = DANISH_TIME.key
    return f"CAST(timezone('{zone}', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(danish_day)
def _danish_day_elsewhere(element, compiler, **kw) -> str:
    return compiler.process(element.clauses, **kw)
