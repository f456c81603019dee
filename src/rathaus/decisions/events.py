"""Domain events of decisions (catalogue: docs/events.md). The records file a new decision
into the case's file; a process or a webhook may react to its delivery."""

import dataclasses
from uuid import UUID

from rathaus.core.events import DomainEvent, domain_event


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class DecisionCreated(DomainEvent):
    """A decision about a case was made (sealed PDF/A stored)."""

    name = "decision.created"
    version = 1
    published_by = "decisions"

    decision_id: UUID
    case_id: UUID
    municipality_id: UUID
    office_id: UUID


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class DecisionDelivered(DomainEvent):
    """A decision was provided for retrieval (`channel` "retrieval") or queued for post
    ("post")."""

    name = "decision.delivered"
    version = 1
    published_by = "decisions"

    decision_id: UUID
    case_id: UUID
    municipality_id: UUID
    channel: str
