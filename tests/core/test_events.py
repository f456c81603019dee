"""Domain events: fan-out to one outbox message per subscriber, each run on its own;
versioned payloads; registration rules; the generated catalogue (docs/events.md)."""

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from rathaus.core import events as events_module
from rathaus.core.events import (
    DomainEvent,
    EventError,
    domain_event,
    event_publish,
    event_subscriber,
    event_subscriptions,
    events_markdown,
)
from rathaus.core.models import OutboxMessage
from rathaus.core.outbox import outbox_handlers
from rathaus.core.outbox_runner import outbox_process

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


# --- Test events and subscribers (module level: registries are global, like in the apps) ---


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class ThingHappened(DomainEvent):
    """A thing happened (test event)."""

    name = "test_thing.happened"
    version = 1
    published_by = "tests"

    thing_id: UUID
    count: int
    note: str | None = None


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class NobodyListens(DomainEvent):
    name = "test_thing.ignored"
    published_by = "tests"

    thing_id: UUID


@domain_event
class Renamed(DomainEvent):
    """Version 2 renamed `size` to `amount` and added `unit` (test event)."""

    name = "test_thing.renamed"
    version = 2
    published_by = "tests"

    thing_id: UUID
    amount: int
    unit: str

    @classmethod
    def upgrade(cls, *, version: int, data: dict[str, Any]) -> dict[str, Any]:
        if version == 1:
            return {"thing_id": data["thing_id"], "amount": data["size"], "unit": "piece"}
        return super().upgrade(version=version, data=data)


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class RichTypes(DomainEvent):
    name = "test_thing.typed"
    published_by = "tests"

    ids: list[UUID]
    at: datetime
    on: date
    amount: Decimal
    maybe: UUID | None
    flags: dict[str, bool]


runs: dict[str, list[DomainEvent]] = {"first": [], "second": [], "renamed": [], "only_some": []}
failures = {"second": 0}


@event_subscriber(ThingHappened, name="tests.first")
def first_subscriber(event: ThingHappened) -> None:
    runs["first"].append(event)


@event_subscriber(ThingHappened, name="tests.second")
def second_subscriber(event: ThingHappened) -> None:
    if failures["second"] > 0:
        failures["second"] -= 1
        raise ConnectionError(f"destination down for thing {event.thing_id}")
    runs["second"].append(event)


@event_subscriber(Renamed, name="tests.renamed")
def renamed_subscriber(event: Renamed) -> None:
    runs["renamed"].append(event)


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class ThingCounted(DomainEvent):
    name = "test_thing.counted"
    published_by = "tests"

    thing_id: UUID


@event_subscriber(ThingCounted, name="tests.only_some", when=lambda e: e.thing_id.int % 2 == 0)
def only_some_subscriber(event: ThingCounted) -> None:
    runs["only_some"].append(event)


@pytest.fixture(autouse=True)
def _reset():
    for calls in runs.values():
        calls.clear()
    failures["second"] = 0


def publish(event: DomainEvent) -> list[OutboxMessage]:
    with transaction.atomic():
        return event_publish(event)


def make_due(message: OutboxMessage) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(available_at=timezone.now())


# --- Fan-out ---


def test_publish_writes_one_message_per_subscriber_with_the_same_payload():
    thing = uuid4()
    event = ThingHappened(thing_id=thing, count=3)
    messages = publish(event)
    assert sorted(m.topic for m in messages) == [
        "test_thing.happened/tests.first",
        "test_thing.happened/tests.second",
    ]
    stored = list(OutboxMessage.objects.order_by("topic"))
    assert [m.status for m in stored] == [OutboxMessage.Status.PENDING] * 2
    assert (
        stored[0].payload
        == stored[1].payload
        == {
            "event": "test_thing.happened",
            "version": 1,
            "event_id": str(event.event_id),
            "data": {"thing_id": str(thing), "count": 3, "note": None},
        }
    )


def test_a_failing_subscriber_is_retried_on_its_own_and_the_other_is_not_run_again():
    failures["second"] = 1
    event = ThingHappened(thing_id=uuid4(), count=1)
    first, second = sorted(publish(event), key=lambda m: m.topic)

    assert outbox_process(message_id=first.pk) is True
    assert outbox_process(message_id=second.pk) is False  # raised: retry later
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == OutboxMessage.Status.DONE
    assert second.status == OutboxMessage.Status.PENDING
    assert second.attempts == 1
    assert "destination down" in second.last_error
    assert second.available_at > timezone.now()
    assert runs["first"] == [event] and runs["second"] == []

    # The retry runs the failed subscriber only; the one that succeeded stays done.
    make_due(second)
    assert outbox_process(message_id=second.pk) is True
    assert outbox_process(message_id=first.pk) is False  # done: nothing to do
    second.refresh_from_db()
    assert second.status == OutboxMessage.Status.DONE
    assert second.attempts == 2
    assert runs["first"] == [event]
    assert runs["second"] == [event]
    assert runs["second"][0].event_id == runs["first"][0].event_id  # one event, two runs


def test_subscriber_that_keeps_failing_fails_alone(settings):
    settings.RATHAUS_OUTBOX_MAX_ATTEMPTS = 2
    failures["second"] = 5
    first, second = sorted(publish(ThingHappened(thing_id=uuid4(), count=1)), key=lambda m: m.topic)
    assert outbox_process(message_id=first.pk)
    for _ in range(2):
        make_due(second)
        assert not outbox_process(message_id=second.pk)
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == OutboxMessage.Status.FAILED
    assert first.status == OutboxMessage.Status.DONE
    assert len(runs["first"]) == 1


def test_after_commit_both_run_through_the_workers_and_only_the_failed_one_waits(
    django_capture_on_commit_callbacks,
):
    failures["second"] = 1
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event_publish(ThingHappened(thing_id=uuid4(), count=2))
        assert runs["first"] == []  # nothing before the commit
    statuses = dict(OutboxMessage.objects.values_list("topic", "status"))
    assert statuses == {
        "test_thing.happened/tests.first": OutboxMessage.Status.DONE,
        "test_thing.happened/tests.second": OutboxMessage.Status.PENDING,
    }
    assert len(runs["first"]) == 1 and runs["second"] == []


def test_a_rolled_back_change_publishes_nothing():
    with pytest.raises(RuntimeError, match="boom"), transaction.atomic():
        event_publish(ThingHappened(thing_id=uuid4(), count=1))
        raise RuntimeError("boom")
    assert not OutboxMessage.objects.exists()


def test_a_subscriber_with_when_gets_only_the_events_it_asks_for():
    even, odd = UUID(int=2), UUID(int=3)
    [message] = publish(ThingCounted(thing_id=even))
    assert message.topic == "test_thing.counted/tests.only_some"
    assert publish(ThingCounted(thing_id=odd)) == []  # refused: not even an outbox message
    outbox_process(message_id=message.pk)
    assert [e.thing_id for e in runs["only_some"]] == [even]


def test_event_without_subscribers_writes_nothing():
    assert publish(NobodyListens(thing_id=uuid4())) == []
    assert not OutboxMessage.objects.exists()


def test_unregistered_event_is_refused():
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class NotRegistered(DomainEvent):
        name = "test_thing.unregistered"
        published_by = "tests"

    with pytest.raises(EventError, match="not registered"):
        publish(NotRegistered())
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_publish_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        event_publish(ThingHappened(thing_id=uuid4(), count=1))


# --- Payloads and versions ---


def test_payload_round_trip_restores_the_types():
    event = RichTypes(
        ids=[uuid4(), uuid4()],
        at=datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
        on=date(2026, 3, 2),
        amount=Decimal("12.50"),
        maybe=None,
        flags={"a": True},
    )
    payload = event.to_payload()
    assert payload["data"]["ids"] == [str(i) for i in event.ids]
    assert payload["data"]["at"] == "2026-03-01T08:30:00+00:00"
    assert RichTypes.from_payload(payload) == event
    with_value = dataclasses.replace(event, maybe=uuid4())
    assert RichTypes.from_payload(with_value.to_payload()).maybe == with_value.maybe


def test_older_payload_version_is_upgraded_before_the_handler_sees_it():
    thing = uuid4()
    old = {"event": "test_thing.renamed", "version": 1, "event_id": str(uuid4()), "data": {
        "thing_id": str(thing), "size": 4}}  # fmt: skip
    event = Renamed.from_payload(old)
    assert (event.thing_id, event.amount, event.unit) == (thing, 4, "piece")

    # A message of version 1 still pending in the outbox after the upgrade.
    message = OutboxMessage.objects.create(
        topic="test_thing.renamed/tests.renamed", payload=old, available_at=timezone.now()
    )
    assert outbox_process(message_id=message.pk)
    assert runs["renamed"] == [event]


def test_current_version_is_taken_as_is_and_unknown_versions_fail_the_message():
    current = Renamed(thing_id=uuid4(), amount=2, unit="kg")
    assert Renamed.from_payload(current.to_payload()) == current
    future = {**current.to_payload(), "version": 7}
    with pytest.raises(EventError, match="no upgrade from version 7"):
        Renamed.from_payload(future)
    with pytest.raises(EventError, match="is not"):
        Renamed.from_payload({**current.to_payload(), "event": "other.event"})
    broken = {**current.to_payload(), "data": {"thing_id": str(uuid4())}}
    with pytest.raises(EventError, match="does not fit"):
        Renamed.from_payload(broken)


# --- Registration ---


def test_domain_event_makes_a_plain_subclass_a_frozen_keyword_only_dataclass():
    event = Renamed(thing_id=uuid4(), amount=1, unit="piece")
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.amount = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        Renamed(uuid4(), 1, "piece")  # type: ignore[misc]


def test_registration_rules():
    with pytest.raises(EventError, match="needs a name"):

        @domain_event
        class Nameless(DomainEvent):
            published_by = "tests"

    with pytest.raises(EventError, match="lower case"):

        @domain_event
        class BadName(DomainEvent):
            name = "Thing Happened"
            published_by = "tests"

    with pytest.raises(EventError, match="registered already"):

        @domain_event
        class Twin(DomainEvent):
            name = "test_thing.happened"
            published_by = "tests"

    with pytest.raises(EventError, match=r"subscriber 'tests\.first' already"):
        event_subscriber(ThingHappened, name="tests.first")
    with pytest.raises(EventError, match="lower case"):
        event_subscriber(ThingHappened, name="First Subscriber")
    with pytest.raises(EventError, match="longer than"):
        event_subscriber(ThingHappened, name="tests." + "x" * 100)(lambda event: None)

    class NotRegistered(DomainEvent):
        name = "test_thing.nowhere"
        published_by = "tests"

    with pytest.raises(EventError, match="not registered"):
        event_subscriber(NotRegistered, name="tests.nowhere")
    assert [s.name for s in event_subscriptions(ThingHappened)] == ["tests.first", "tests.second"]
    assert "test_thing.happened/tests.first" in outbox_handlers


# --- The catalogue ---


def test_catalogue_lists_the_events_of_the_apps_and_their_subscribers():
    text = events_markdown()
    assert "## submission.created" in text
    assert "`applications.receipt`" in text
    assert "`applications.notify`" in text
    assert "`applications.handover`" in text
    assert "| `submission_id` | UUID |" in text
    assert "| `office_id` | UUID \\| None |" in text
    assert "## payment.settled" in text
    assert "## attachment.scanned" in text
    assert "test_thing" not in text and "tests.first" not in text  # test events left out


def test_docs_events_md_is_up_to_date():
    """docs/events.md is what `manage.py events_doc` generates: run it after adding or
    changing an event or a subscriber."""
    call_command("events_doc", "--check", "--output", str(ROOT / "docs" / "events.md"))


def test_events_doc_check_fails_on_a_stale_file_and_writes_a_fresh_one(tmp_path):
    stale = tmp_path / "events.md"
    stale.write_text("# Domain events\n\nold\n", encoding="utf-8")
    with pytest.raises(CommandError, match="out of date"):
        call_command("events_doc", "--check", "--output", str(stale))
    call_command("events_doc", "--output", str(stale))
    call_command("events_doc", "--check", "--output", str(stale))
    assert stale.read_text(encoding="utf-8") == events_markdown()


def test_type_names_in_the_catalogue():
    assert events_module._type_text(list[UUID]) == "list[UUID]"
    assert events_module._type_text(UUID | None) == "UUID \\| None"
    assert events_module._type_text(dict[str, bool]) == "dict[str, bool]"


def test_published_payloads_carry_no_more_than_their_fields():
    event = ThingHappened(thing_id=uuid4(), count=1, note="n")
    assert set(event.to_payload()) == {"event", "version", "event_id", "data"}
    assert set(event.to_payload()["data"]) == {"thing_id", "count", "note"}
