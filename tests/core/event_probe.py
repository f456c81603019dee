"""A probe subscriber for tests that check what an app publishes: it replaces the real
subscribers of one event for the test, and its outbox messages (never run) hold the events."""

from typing import Any

import pytest

from rathaus.core import events
from rathaus.core.events import DomainEvent, Subscription
from rathaus.core.models import OutboxMessage


def probe_subscribe(monkeypatch: pytest.MonkeyPatch, event: type[DomainEvent]) -> Subscription:
    """Make a probe the only subscriber of `event` until the test ends."""
    subscription = Subscription(
        event=event, name="tests.probe", handler=lambda published: None, app="tests"
    )
    monkeypatch.setitem(events.subscriptions, event.name, [subscription])
    return subscription


def probed(probe: Subscription) -> list[Any]:
    """The events published to `probe`, oldest first."""
    return [
        probe.event.from_payload(m.payload)
        for m in OutboxMessage.objects.filter(topic=probe.topic).order_by("id")
    ]
