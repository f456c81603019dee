"""Domain events of the Postfach (`rathaus.core.events`): what a notification e-mail, a
specialist system's webhook or the evidence of receipts reacts to."""

import dataclasses
from datetime import date
from uuid import UUID

from rathaus.core.events import DomainEvent, domain_event


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class MessageSent(DomainEvent):
    """A message was sent and delivered into the recipients' mailboxes."""

    name = "mailbox.message_sent"
    version = 1
    published_by = "mailbox"

    message_id: UUID
    thread_id: UUID
    municipality_id: UUID
    sender_mailbox_id: UUID
    recipient_mailbox_ids: tuple[UUID, ...]
    # The case the thread is about (added in version 1 with a default: messages published
    # before it carry none).
    case_id: UUID | None = None


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class MessageRetrieved(DomainEvent):
    """A recipient opened a delivered message for the first time."""

    name = "mailbox.message_retrieved"
    version = 1
    published_by = "mailbox"

    message_id: UUID
    delivery_id: UUID
    municipality_id: UUID
    mailbox_id: UUID


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class ProvisionNotified(DomainEvent):
    """An act provided for retrieval (§41 (2a) VwVfG) was retrieved at the level it needs: it
    counts as notified on `notified_on` (the day after retrieval)."""

    name = "mailbox.provision_notified"
    version = 1
    published_by = "mailbox"

    provision_id: UUID
    message_id: UUID
    delivery_id: UUID
    municipality_id: UUID
    notified_on: date


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class ProvisionEnded(DomainEvent):
    """An act provided for retrieval was not retrieved by the end of its last day: the
    provision ended, notification has not taken place (the office notifies otherwise)."""

    name = "mailbox.provision_ended"
    version = 1
    published_by = "mailbox"

    provision_id: UUID
    message_id: UUID
    municipality_id: UUID
    last_day: date
