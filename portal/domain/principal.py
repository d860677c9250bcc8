"""Who is acting: the logged-in principal and the actor a step is recorded under.

Plain values, no framework: the services receive them from the views, and the session keeps a
principal as a dict (``dataclasses.asdict``). ``portal.auth.principal`` adapts a principal to
Flask-Login without the services ever knowing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Principal:
    """A logged-in person: a citizen (``citizen_id`` is None for a person the portal has no case
    data on) or an employee of ``municipality_id`` — ``audience`` "caseworker" is the MitID
    Erhverv side — with the roles in ``work_roles`` (``caseworker_id`` when the case system
    knows them as a koordinerende sagsbehandler). An employee principal exists only with a
    role: a person without one is never logged in."""

    audience: str
    subject: str
    name: str
    citizen_id: int | None = None
    municipality_id: int | None = None
    caseworker_id: int | None = None
    # A relative acting under a fuldmagt: ``citizen_id`` is then the grantor's, so every service
    # shows the grantor's case; ``own_citizen_id`` is the person's own (if any). The keyed CPR
    # hash identifies the person to their delegations; it stays in the server-side session.
    person_hash: str | None = None
    own_citizen_id: int | None = None
    delegation_id: int | None = None
    acting_scope: str | None = None
    acting_for_name: str | None = None
    # Whether the person holds a fuldmagt they may switch to (found at login, so no page needs
    # a query to offer "Handl for en anden"; the choice itself checks the fuldmagt again).
    helps_others: bool = False
    # An employee's roles in the portal, from their MitID Erhverv privileges for the
    # municipality: "caseworker" (the concerns) and/or "manager" ("Tal om retten"); or, for the
    # region, "coordinator" (the sundhedskoordinator, issue 26).
    work_roles: tuple[str, ...] = ()
    # A sundhedskoordinator's region (a code of portal.domain.regions), from the CVR number they
    # logged in for; None for everyone else.
    region: str | None = None

    @property
    def is_delegate(self) -> bool:
        return self.delegation_id is not None

    @property
    def roles(self) -> frozenset[str]:
        """What the person may do. A citizen is a citizen; an employee has the roles their
        privileges give (a session from before roles were kept is a caseworker's)."""
        if self.audience != "caseworker":
            return frozenset({self.audience})
        return frozenset(self.work_roles or ("caseworker",))


@dataclass(frozen=True)
class Actor:
    """Who acts: the citizen themselves, a relative for them, or a caseworker. A relative's
    name goes on the timeline, so the citizen and the caseworker see who sent what."""

    role: str
    ref: str
    name: str = ""

    @classmethod
    def citizen(cls, principal: Principal) -> Actor:
        """The person at the keyboard on the citizen's side: the citizen, or their relative."""
        if principal.is_delegate:
            return cls("relative", f"relative:{principal.delegation_id}", principal.name)
        return cls("citizen", f"citizen:{principal.citizen_id}")

    @classmethod
    def caseworker(cls, principal: Principal) -> Actor:
        # The professional id (a MitID Erhverv UUID), never a CPR number.
        return cls("caseworker", f"caseworker:{principal.subject}")

    @classmethod
    def coordinator(cls, principal: Principal) -> Actor:
        """The region's sundhedskoordinator: their region and professional id, so the access
        log can tell the citizen "Sundhedskoordinator, Region …" and the region whom."""
        return cls(
            "coordinator", f"coordinator:{principal.region}:{principal.subject}", principal.name
        )

    @classmethod
    def manager(cls, principal: Principal) -> Actor:
        """A manager looking at the figures ("Tal om retten"): counts, about no citizen."""
        return cls("manager", f"manager:{principal.subject}")

    @property
    def is_citizen(self) -> bool:
        return self.role == "citizen"
