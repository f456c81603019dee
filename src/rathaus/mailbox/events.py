"""Domain events of the Postfach (`rathaus.core.events`): what a notification e-mail, a
specialist system's webhook or the evidence of receipts reacts to."""

import dataclasses
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
