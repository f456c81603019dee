"""Domain events published by the workflow (catalogue: docs/events.md).

What a process asks of another app is published as an event that app subscribes to (the
workflow never imports applications or payments); when that app has done its part it
publishes its own event, which a workflow subscriber delivers to the case's instance as a BPMN
message (`payment_received`, `handover_done`). Payloads carry ids and small facts.
"""

import dataclasses
from datetime import date
from uuid import UUID

from rathaus.core.events import DomainEvent, domain_event


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class PaymentRequested(DomainEvent):
    """The process of a case asks the applicant for a fee (action `request_payment`):
    `amount_cents` in `currency` for `purpose`, due on `due_on`. `key` and the id the
    request gets (`payment_request_id`, derived from the key: the link in the applicant's
    message) are the same on every run of the process step and make it idempotent."""

    name = "workflow.payment_requested"
    version = 1
    published_by = "workflow"

    payment_request_id: UUID
    case_id: UUID
    municipality_id: UUID
    amount_cents: int
    currency: str
    purpose: str
    due_on: date
    key: str


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class HandoverRequested(DomainEvent):
    """The process of a case asks for the hand-over of the case's submission to a specialist
    system or another authority (action `fitconnect_hand_over`); `channel` and
    `destination` are empty when the channels that apply to the submission choose."""

    name = "workflow.handover_requested"
    version = 1
    published_by = "workflow"

    case_id: UUID
    municipality_id: UUID
    channel: str
    destination: str
    key: str
