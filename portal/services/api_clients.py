"""The municipal case systems that may use the machine API (``flask api-client …``).

A client belongs to one municipality and has scopes (``import``, ``export``, ``figures``). A
national client (the ministry, ``--national``) belongs to none and may only read the suppressed
figures of every municipality (``figures``): no record of any person. Its token is made
here, shown once, and stored only as a hash; rotating makes a new one and the old stops working
at once; revoking ends the client. ``authenticate`` finds the client of a presented token.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from portal.models import ApiClient, Municipality
from portal.services.transaction import saved

SCOPES = ("import", "export", "figures")
NATIONAL_SCOPES = ("figures",)
TOKEN_PREFIX = "rfp_"  # noqa: S105 - a visible prefix, so a leaked token is recognised
# Recording every use would turn each export page into a write; once a minute is enough to see
# whether a client is alive.
LAST_USED_EVERY = timedelta(minutes=1)


class ClientProblem(ValueError):
    """What the operator asked for cannot be done; the message says why."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def parse_scopes(text: str) -> str:
    chosen = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in SCOPES]
    if unknown or not chosen:
        raise ClientProblem(f"scopes are a comma-separated choice of {', '.join(SCOPES)}")
    return ",".join(s for s in SCOPES if s in chosen)


def add(
    db: Session, municipality_code: str | None, name: str, scopes: str, now: datetime
) -> tuple[ApiClient, str]:
    """A client of the municipality with this code, or a national one (``None``)."""
    municipality = None
    if municipality_code is not None:
        municipality = db.scalar(select(Municipality).where(Municipality.code == municipality_code))
        if municipality is None:
            raise ClientProblem(f"no municipality with code {municipality_code}; import it first")
    chosen = parse_scopes(scopes)
    if municipality is None and set(chosen.split(",")) - set(NATIONAL_SCOPES):
        raise ClientProblem("a national client may only have the scope figures")
    if not name.strip() or len(name) > 200:
        raise ClientProblem("give the client a name of at most 200 characters")
    token = _new_token()
    client = ApiClient(
        name=name.strip(),
        municipality_id=municipality.id if municipality else None,
        scopes=chosen,
        token_hash=token_hash(token),
        created_at=now,
    )
    with saved(db):
        db.add(client)
    return client, token


def _active(db: Session, client_id: int) -> ApiClient:
    client = db.get(ApiClient, client_id)
    if client is None or client.revoked_at is not None:
        raise ClientProblem(f"no active API client with id {client_id}")
    return client


def rotate(db: Session, client_id: int, now: datetime) -> str:
    client = _active(db, client_id)
    token = _new_token()
    with saved(db):
        client.token_hash = token_hash(token)
        client.rotated_at = now
    return token


def revoke(db: Session, client_id: int, now: datetime) -> None:
    client = _active(db, client_id)
    with saved(db):
        client.revoked_at = now


def all_clients(db: Session) -> list[ApiClient]:
    return list(
        db.scalars(
            select(ApiClient).options(joinedload(ApiClient.municipality)).order_by(ApiClient.id)
        )
    )


def authenticate(db: Session, token: str, now: datetime) -> ApiClient | None:
    """The active client whose token this is, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    client = db.scalar(
        select(ApiClient)
        .options(joinedload(ApiClient.municipality))
        .where(ApiClient.token_hash == token_hash(token), ApiClient.revoked_at.is_(None))
    )
    if client is not None and (
        client.last_used_at is None or now - client.last_used_at >= LAST_USED_EVERY
    ):
        with saved(db):
            client.last_used_at = now
    return client
