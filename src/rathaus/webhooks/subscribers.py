"""The webhooks subscribe to the Postfach's events (the Postfach never imports this app):
each event is fanned out to the subscriptions that want it (`delivery.fan_out`). A worker
draining a backlog fans out many events of a type in one call (`fan_out_batch`): one question
whether any subscription is active for all of them, instead of one outbox claim, question and
commit per event (issue 10 §7)."""

from typing import Any

from rathaus.core.events import DomainEvent, event_subscriber
from rathaus.core.outbox import outbox_batch_handlers
from rathaus.mailbox.events import (
    MessageRetrieved,
    MessageSent,
    ProvisionEnded,
    ProvisionNotified,
)

from .delivery import fan_out
from .models import WebhookSubscription

SUBSCRIBER = "webhooks.fan_out"


@event_subscriber(MessageSent, name=SUBSCRIBER)
def on_message_sent(event: MessageSent) -> None:
    """Subscriber of `mailbox.message_sent`: webhooks of the message's office."""
    fan_out(event)


@event_subscriber(MessageRetrieved, name=SUBSCRIBER)
def on_message_retrieved(event: MessageRetrieved) -> None:
    """Subscriber of `mailbox.message_retrieved`: webhooks of the message's office."""
    fan_out(event)


@event_subscriber(ProvisionNotified, name=SUBSCRIBER)
def on_provision_notified(event: ProvisionNotified) -> None:
    """Subscriber of `mailbox.provision_notified`: webhooks of the act's office."""
    fan_out(event)


@event_subscriber(ProvisionEnded, name=SUBSCRIBER)
def on_provision_ended(event: ProvisionEnded) -> None:
    """Subscriber of `mailbox.provision_ended`: webhooks of the act's office."""
    fan_out(event)


def fan_out_batch(
    event_type: type[DomainEvent], payloads: list[dict[str, Any]]
) -> list[Exception | None]:
    """`fan_out` of each payload's event, the outcome per payload (None: done); without any
    active subscription only the payloads are checked. A payload that does not parse, or an
    event whose fan-out fails, fails alone."""
    events: list[DomainEvent | Exception] = []
    for payload in payloads:
        try:
            events.append(event_type.from_payload(payload))
        except Exception as error:
            events.append(error)
    if not WebhookSubscription.objects.filter(active=True).exists():
        return [each if isinstance(each, Exception) else None for each in events]
    results: list[Exception | None] = []
    for each in events:
        if isinstance(each, Exception):
            results.append(each)
            continue
        try:
            fan_out(each)
        except Exception as error:
            results.append(error)
        else:
            results.append(None)
    return results


def _batch_handler(event_type: type[DomainEvent]) -> Any:
    def handle(payloads: list[dict[str, Any]]) -> list[Exception | None]:
        return fan_out_batch(event_type, payloads)

    return handle


for _event_type in (MessageSent, MessageRetrieved, ProvisionNotified, ProvisionEnded):
    outbox_batch_handlers.register(f"{_event_type.name}/{SUBSCRIBER}")(_batch_handler(_event_type))
