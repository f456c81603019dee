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


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class SubmissionHandoverDone(DomainEvent):
    """The hand-over a case's process asked for (`workflow.handover_requested`, its `key`)
    is done: `handed_over` when every channel delivered (`channels`), false when no channel
    takes the submission or a delivery did not succeed in time. The workflow delivers it to
    the case's process as the message `handover_done`."""

    name = "submission.handover_done"
    version = 1
    published_by = "applications"

    submission_id: UUID | None
    case_id: UUID
    municipality_id: UUID
    key: str
    handed_over: bool
    channels: list[str]
