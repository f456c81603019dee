"""What a webhook says about each event it carries: ids and states, never content (no
subject, no body, no names). The receiver fetches the message through the API
(`GET /api/v1/mailbox/messages/{id}/`, scope `mailbox:read`) if it wants more.

Each event type maps the domain event to `EventFacts`: the municipality and office it
belongs to (which subscriptions get it) and the `data` of the webhook body."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.urls import reverse

from rathaus.core.events import DomainEvent
from rathaus.core.public_urls import public_url
from rathaus.mailbox.events import (
    MessageRetrieved,
    MessageSent,
    ProvisionEnded,
    ProvisionNotified,
)
from rathaus.mailbox.models import Delivery, Mailbox, Message, Provision

# The event types a subscription can choose, with what they mean (the admin shows these).
EVENT_TYPES: dict[str, str] = {
    MessageSent.name: "A message was sent: by an office (outgoing) or to it (incoming).",
    MessageRetrieved.name: "A delivered message was opened by its recipient for the first time.",
    ProvisionNotified.name: "A provided act was retrieved: notified on `notified_on`.",
    ProvisionEnded.name: "A provided act was not retrieved in time: not notified.",
}


@dataclass(frozen=True)
class EventFacts:
    municipality_id: UUID
    office_id: UUID
    data: dict[str, Any]


def _message_facts(message: Message) -> dict[str, Any]:
    thread = message.thread
    return {
        "message_id": str(message.pk),
        "thread_id": str(thread.pk),
        "case_id": str(thread.case_id) if thread.case_id else None,
        "office_id": str(thread.office_id),
        "municipality_id": str(thread.municipality_id),
        "direction": "outgoing" if message.sender.kind == Mailbox.Kind.OFFICE else "incoming",
        "message_url": public_url(reverse("api:v1:mailbox-message", args=[message.pk])),
    }


def _message(message_id: UUID) -> Message:
    return Message.objects.select_related("thread", "sender").get(pk=message_id)


def _sent(event: MessageSent) -> EventFacts:
    message = _message(event.message_id)
    data = {
        **_message_facts(message),
        "act": Provision.objects.filter(message=message).exists(),
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
    }
    return EventFacts(message.thread.municipality_id, message.thread.office_id, data)


def _retrieved(event: MessageRetrieved) -> EventFacts:
    delivery = Delivery.objects.select_related("message__thread", "message__sender").get(
        pk=event.delivery_id
    )
    message = delivery.message
    data = {
        **_message_facts(message),
        "delivery_id": str(delivery.pk),
        "retrieved_at": delivery.retrieved_at.isoformat() if delivery.retrieved_at else None,
    }
    return EventFacts(message.thread.municipality_id, message.thread.office_id, data)


def _provision(provision_id: UUID) -> Provision:
    return Provision.objects.select_related("message__thread", "message__sender").get(
        pk=provision_id
    )


def _notified(event: ProvisionNotified) -> EventFacts:
    provision = _provision(event.provision_id)
    message = provision.message
    data = {
        **_message_facts(message),
        "provision_id": str(provision.pk),
        "status": provision.status,
        "retrieved_at": provision.retrieved_at.isoformat() if provision.retrieved_at else None,
        "notified_on": event.notified_on.isoformat(),
    }
    return EventFacts(message.thread.municipality_id, message.thread.office_id, data)


def _ended(event: ProvisionEnded) -> EventFacts:
    provision = _provision(event.provision_id)
    message = provision.message
    data = {
        **_message_facts(message),
        "provision_id": str(provision.pk),
        "status": provision.status,
        "last_day": event.last_day.isoformat(),
        "ended_at": provision.ended_at.isoformat() if provision.ended_at else None,
    }
    return EventFacts(message.thread.municipality_id, message.thread.office_id, data)


FACTS: dict[str, Callable[[Any], EventFacts]] = {
    MessageSent.name: _sent,
    MessageRetrieved.name: _retrieved,
    ProvisionNotified.name: _notified,
    ProvisionEnded.name: _ended,
}


def event_facts(event: DomainEvent) -> EventFacts:
    """The facts a webhook states about `event` (an event type of `EVENT_TYPES`)."""
    return FACTS[event.name](event)
