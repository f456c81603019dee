"""Domain events published by `payments` (catalogue: docs/events.md).

Payloads carry ids and small facts, never personal data (rathaus.core.events).
"""

import dataclasses
from uuid import UUID

from rathaus.core.events import DomainEvent, domain_event


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class PaymentSettled(DomainEvent):
    """A payment became paid: its provider reported it, or the cash office recorded an
    invoice as paid (published in the transaction of the status change)."""

    name = "payment.settled"
    version = 1
    published_by = "payments"

    payment_id: UUID
    municipality_id: UUID | None
    amount_cents: int
    currency: str


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class PaymentRequestPaid(DomainEvent):
    """A fee asked of a case's applicant after submission (a payment request) was paid;
    `key` names what asked for it (e.g. the process's task). The workflow delivers it to the
    case's process as the message `payment_received`."""

    name = "payment.request_paid"
    version = 1
    published_by = "payments"

    payment_request_id: UUID
    payment_id: UUID
    case_id: UUID
    municipality_id: UUID
    amount_cents: int
    currency: str
    key: str
