"""Domain events published by `applications` (catalogue: docs/events.md).

Payloads carry ids and small facts, never personal data (rathaus.core.events).
"""

import dataclasses
from typing import Literal
from uuid import UUID

from rathaus.core.events import DomainEvent, domain_event


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class SubmissionCreated(DomainEvent):
    """A draft became a submission (published in the submit transaction). Subscribers do the
    follow-up work: receipt, confirmation e-mail, hand-over to specialist systems."""

    name = "submission.created"
    version = 1
    published_by = "applications"

    submission_id: UUID
    municipality_id: UUID
    service_id: UUID
    office_id: UUID | None


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class AttachmentScanned(DomainEvent):
    """The virus scanner gave its verdict on an upload (clean, or infected and removed);
    not published while no scanner answers."""

    name = "attachment.scanned"
    version = 1
    published_by = "applications"

    attachment_id: UUID
    draft_id: UUID | None
    submission_id: UUID | None
    result: Literal["clean", "infected"]


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class SubmissionReceiptIssued(DomainEvent):
    """The sealed receipt of a submission was stored (`Submission.receipt`)."""

    name = "submission.receipt_issued"
    version = 1
    published_by = "applications"

    submission_id: UUID
    municipality_id: UUID
    case_id: UUID | None
