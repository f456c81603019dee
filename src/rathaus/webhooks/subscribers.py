"""The webhooks subscribe to the Postfach's events (the Postfach never imports this app):
each event is fanned out to the subscriptions that want it (`delivery.fan_out`)."""

from rathaus.core.events import event_subscriber
from rathaus.mailbox.events import (
    MessageRetrieved,
    MessageSent,
    ProvisionEnded,
    ProvisionNotified,
)

from .delivery import fan_out

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
