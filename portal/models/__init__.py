"""SQLAlchemy models: columns and relationships only. Workflows live in ``portal.services``."""

from portal.models.api_client import ApiClient
from portal.models.audit import AuditEvent
from portal.models.concern import (
    Concern,
    ConcernCount,
    ConcernDocument,
    ConcernEvent,
    CoordinatorMeeting,
    GuidanceShown,
    MeetingProposal,
    OfferDecision,
)
from portal.models.delegation import Delegation
from portal.models.feedback import UsabilityAnswer
from portal.models.forloeb import (
    OPEN_OFFER_STATUSES,
    Forloeb,
    ForloebStatus,
    Offer,
    OfferKind,
    OfferStatus,
)
from portal.models.login_session import LoginSession
from portal.models.notice import Notice, OutboxMessage
from portal.models.people import Caseworker, Citizen, Municipality

__all__ = [
    "OPEN_OFFER_STATUSES",
    "ApiClient",
    "AuditEvent",
    "Caseworker",
    "Citizen",
    "Concern",
    "ConcernCount",
    "ConcernDocument",
    "ConcernEvent",
    "CoordinatorMeeting",
    "Delegation",
    "Forloeb",
    "ForloebStatus",
    "GuidanceShown",
    "LoginSession",
    "MeetingProposal",
    "Municipality",
    "Notice",
    "Offer",
    "OfferDecision",
    "OfferKind",
    "OfferStatus",
    "OutboxMessage",
    "UsabilityAnswer",
]
