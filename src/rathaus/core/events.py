"""Domain events: what happened, published through the outbox, fanned out to subscribers.

An event is a frozen, keyword-only dataclass subclassing `DomainEvent` with a dotted `name`
(`submission.created`), the `version` of its payload and the app that publishes it
(`published_by`), registered with `@domain_event`::

    @domain_event
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class SubmissionCreated(DomainEvent):
        \"\"\"A draft became a submission.\"\"\"

        name = "submission.created"
        version = 1
        published_by = "applications"

        submission_id: UUID

Apps subscribe handlers in their own `AppConfig.ready()` (by importing the module that holds
them), never the publisher::

    @event_subscriber(SubmissionCreated, name="applications.receipt")
    def receipt_on_submission(event: SubmissionCreated) -> None: ...

`event_publish(event)` must run inside the transaction of the change. It writes one outbox
message per subscriber (topic `<event name>/<subscriber name>`), so every subscriber is
claimed, retried, fails and succeeds on its own: one failing subscriber neither blocks nor
re-runs the others. An event nobody subscribes to writes nothing.

Contract for handlers (docs/adr/0013-domain-events.md):

- **Idempotent.** A message can run more than once (a worker dies after the side effect and
  before the message is marked done; an operator retries it). Handlers check whether their
  effect exists already (a unique key, a status) before they act; `event.event_id` is the
  same on every run of one event and may serve as that key.
- **Own transaction.** Handlers run after the publisher's commit, outside any transaction,
  and open their own. What they read may have changed since the event (load current state).
- **Small payloads.** Events carry ids (UUIDs) and small facts, never personal data: the
  payload is stored in clear in the outbox table and shown in the admin.
- **Versioning.** A change to the fields that is not backwards compatible raises `version`
  and overrides `upgrade()`, which turns the data of older versions (messages still pending
  in the outbox) into the current shape before the handler sees them.
- **Names are topics.** The subscriber name is part of the outbox topic: renaming or removing
  a subscriber leaves its pending messages without a handler (they fail at once). Keep the
  old name registered until those are gone. A new subscriber gets the events published after
  it was deployed only.
"""

import dataclasses
import re
import types
import typing
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from django.apps import apps
from django.db import transaction

from rathaus.core.models import OutboxMessage
from rathaus.core.outbox import outbox_enqueue_many, outbox_handlers

E = TypeVar("E", bound="DomainEvent")
EventHandler = Callable[[Any], None]

NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
# OutboxMessage.topic holds "<event name>/<subscriber name>".
TOPIC_MAX_LENGTH = OutboxMessage._meta.get_field("topic").max_length or 100


class EventError(Exception):
    """A programming error in the use of events (unknown event, bad payload, bad name)."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Base class of every domain event. Subclasses are frozen, keyword-only dataclasses whose
    fields are JSON-friendly (str, int, bool, None, UUID, date, datetime, Decimal, lists and
    dicts of those); they set `name`, `version` and `published_by` as class variables. The
    docstring's first paragraph describes the event in the catalogue (docs/events.md)."""

    name: ClassVar[str] = ""
    version: ClassVar[int] = 1
    published_by: ClassVar[str] = ""

    event_id: UUID = dataclasses.field(default_factory=uuid.uuid4)

    def to_payload(self) -> dict[str, Any]:
        """The outbox payload: the event's name, version and id, and its fields as JSON."""
        data = {
            f.name: _jsonable(getattr(self, f.name))
            for f in dataclasses.fields(self)
            if f.name != "event_id"
        }
        return {
            "event": self.name,
            "version": self.version,
            "event_id": str(self.event_id),
            "data": data,
        }

    @classmethod
    def upgrade(cls, *, version: int, data: dict[str, Any]) -> dict[str, Any]:
        """Turn the data of an older `version` into the current one (override when a version
        changes; the default refuses versions it does not know)."""
        raise EventError(f"{cls.name}: no upgrade from version {version} to {cls.version}")

    @classmethod
    def from_payload(cls: type[E], payload: dict[str, Any]) -> E:
        """The event of an outbox payload, upgraded to the current version."""
        if payload.get("event") != cls.name:
            raise EventError(f"payload of {payload.get('event')!r} is not {cls.name!r}")
        data = dict(payload.get("data") or {})
        version = int(payload.get("version", 0))
        if version != cls.version:
            data = cls.upgrade(version=version, data=data)
        hints = typing.get_type_hints(cls)
        values = {
            f.name: _parse(hints.get(f.name), data[f.name])
            for f in dataclasses.fields(cls)
            if f.name in data and f.name != "event_id"
        }
        try:
            return cls(event_id=UUID(str(payload["event_id"])), **values)
        except (KeyError, TypeError, ValueError) as exc:
            raise EventError(
                f"{cls.name}: payload does not fit version {cls.version}: {exc}"
            ) from exc


def _jsonable(value: Any) -> Any:
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def _parse(hint: Any, value: Any) -> Any:
    """Turn a JSON value back into the type the field is annotated with."""
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        kinds = [k for k in typing.get_args(hint) if k is not type(None)]
        return _parse(kinds[0], value) if len(kinds) == 1 else value
    if origin in (list, tuple) and isinstance(value, list):
        args = [a for a in typing.get_args(hint) if a is not Ellipsis]
        items = [_parse(args[0], v) for v in value] if args else list(value)
        return tuple(items) if origin is tuple else items
    if hint is UUID:
        return UUID(str(value))
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is date:
        return date.fromisoformat(value)
    if hint is Decimal:
        return Decimal(value)
    return value


@dataclasses.dataclass(frozen=True)
class Subscription:
    event: type[DomainEvent]
    name: str
    handler: EventHandler
    app: str  # the module path of the handler's package, e.g. "rathaus.applications"
    # Only events for which it holds reach the handler (None: all); decided when publishing,
    # so an event the subscriber ignores costs no outbox message.
    when: Callable[[Any], bool] | None = None

    @property
    def topic(self) -> str:
        return f"{self.event.name}/{self.name}"


event_types: dict[str, type[DomainEvent]] = {}
subscriptions: dict[str, list[Subscription]] = {}


def domain_event(cls: type[E]) -> type[E]:
    """Class decorator: register an event class (its name must be unique). A class that is
    not declared as a dataclass itself is made a frozen, keyword-only one."""
    if "__dataclass_params__" not in cls.__dict__:
        cls = dataclasses.dataclass(frozen=True, kw_only=True)(cls)
    if not cls.name or not cls.published_by:
        raise EventError(f"{cls.__qualname__} needs a name and published_by")
    if not NAME.match(cls.name):
        raise EventError(f"event name {cls.name!r}: lower case words joined by dots")
    if cls.name in event_types and event_types[cls.name] is not cls:
        raise EventError(f"event {cls.name!r} is registered already")
    event_types[cls.name] = cls
    return cls


def event_subscriber(
    event: type[E], *, name: str, when: Callable[[E], bool] | None = None
) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    """Subscribe the decorated handler to `event` under `name` ("<app>.<what>", unique per
    event). The name is part of the outbox topic: renaming a subscriber orphans its pending
    messages. Call it from `AppConfig.ready()` (import the module there). The handler must
    be idempotent (see the module docstring). `when` narrows the events the handler gets
    (e.g. only messages about a case): it is asked when the event is published, and an
    event it refuses writes no outbox message for this subscriber."""
    if event_types.get(event.name) is not event:
        raise EventError(f"{event.__qualname__} is not registered with @domain_event")
    if not NAME.match(name):
        raise EventError(f"subscriber name {name!r}: lower case words joined by dots")
    if any(s.name == name for s in subscriptions.get(event.name, [])):
        raise EventError(f"{event.name!r} has a subscriber {name!r} already")

    def decorator(handler: Callable[[E], None]) -> Callable[[E], None]:
        subscription = Subscription(
            event=event,
            name=name,
            handler=handler,
            app=handler.__module__.rsplit(".", 1)[0],
            when=when,
        )
        if len(subscription.topic) > TOPIC_MAX_LENGTH:
            raise EventError(f"topic {subscription.topic!r} is longer than {TOPIC_MAX_LENGTH}")

        def run(payload: dict[str, Any]) -> None:
            handler(event.from_payload(payload))

        run.__doc__ = f"Outbox handler of {subscription.topic!r}: {handler.__qualname__}."
        outbox_handlers.register(subscription.topic)(run)
        subscriptions.setdefault(event.name, []).append(subscription)
        return handler

    return decorator


def event_subscriptions(event: type[DomainEvent]) -> list[Subscription]:
    """The subscriptions of `event`, in the order they were registered."""
    return list(subscriptions.get(event.name, []))


def event_publish(event: DomainEvent) -> list[OutboxMessage]:
    """Record `event` in the current transaction: one outbox message per subscriber, each
    dispatched after commit. An event without subscribers writes nothing. Publishing an
    event class that is not registered is a programming error (EventError)."""
    return event_publish_many([event])


def event_publish_many(events: Sequence[DomainEvent]) -> list[OutboxMessage]:
    """`event_publish` of several events (a batch of messages sent): their outbox messages
    in one INSERT."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_publish must run inside the transaction of the change")
    messages = []
    for event in events:
        if event_types.get(event.name) is not type(event):
            raise EventError(f"{type(event).__qualname__} is not registered with @domain_event")
        payload = event.to_payload()
        messages += [
            (s.topic, payload)
            for s in subscriptions.get(event.name, [])
            if s.when is None or s.when(event)
        ]
    if not messages:
        return []
    return outbox_enqueue_many(messages=messages)


# --- The catalogue (docs/events.md, `manage.py events_doc`) ---


def _type_text(hint: Any) -> str:
    if hint is type(None):
        return "None"
    if isinstance(hint, type) and typing.get_origin(hint) is None:
        return hint.__name__
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return " \\| ".join(_type_text(a) for a in args)
    if origin is typing.Literal:
        return " \\| ".join(repr(a) for a in args)
    if origin is not None:
        name = getattr(origin, "__name__", str(origin))
        inner = ", ".join("..." if a is Ellipsis else _type_text(a) for a in args)
        return f"{name}[{inner}]"
    return str(hint)


def _app_label(module: str) -> str:
    config = apps.get_containing_app_config(module)
    return config.label if config is not None else module


def _summary(cls: type) -> str:
    doc = cls.__dict__.get("__doc__") or ""
    return " ".join(doc.strip().split("\n\n")[0].split())


def events_markdown() -> str:
    """`docs/events.md`: the generated catalogue of the domain events of rathaus (events and
    subscribers defined outside the `rathaus` package, e.g. by tests, are left out)."""
    lines = [
        "# Domain events",
        "",
        "<!-- Generated by `manage.py events_doc`; do not edit by hand. -->",
        "",
        "What happened in one app, published through the outbox in the transaction of the",
        "change (`rathaus.core.events.event_publish`). Every subscriber gets its own outbox",
        "message (topic `<event>/<subscriber>`), retried on its own; handlers are idempotent.",
        "Payloads carry ids and small facts, never personal data; each payload also carries",
        "`event_id`, `event` and `version`. See docs/adr/0013-domain-events.md.",
        "",
        "| Event | Version | Published by | Subscribers |",
        "|---|---|---|---|",
    ]
    events = sorted(
        (cls for cls in event_types.values() if cls.__module__.startswith("rathaus.")),
        key=lambda cls: cls.name,
    )

    def ours(event: type[DomainEvent]) -> list[Subscription]:
        return [
            s for s in event_subscriptions(event) if s.handler.__module__.startswith("rathaus.")
        ]

    for cls in events:
        subscribers = ", ".join(f"`{s.name}`" for s in sorted(ours(cls), key=lambda s: s.name))
        lines.append(
            f"| [`{cls.name}`](#{cls.name.replace('.', '')}) | {cls.version} "
            f"| {cls.published_by} | {subscribers or '–'} |"
        )
    for cls in events:
        hints = typing.get_type_hints(cls)
        lines += ["", f"## {cls.name}", ""]
        summary = _summary(cls)
        if summary:
            lines += [summary, ""]
        lines += [
            f"Version {cls.version}, published by `{cls.published_by}` "
            f"(`{cls.__module__}.{cls.__qualname__}`).",
            "",
            "| Field | Type |",
            "|---|---|",
        ]
        for f in dataclasses.fields(cls):
            if f.name != "event_id":
                lines.append(f"| `{f.name}` | {_type_text(hints.get(f.name))} |")
        lines += ["", "Subscribers:", ""]
        subscribed = sorted(ours(cls), key=lambda s: s.name)
        if not subscribed:
            lines.append("- none yet (published for other apps to subscribe)")
        for s in subscribed:
            handler = f"{s.handler.__module__}.{s.handler.__qualname__}"
            app = _app_label(s.handler.__module__)
            only = " (only some events: `when` in the handler's module)" if s.when else ""
            lines.append(f"- `{s.name}` ({app}): `{handler}`, topic `{s.topic}`{only}")
    return "\n".join(lines) + "\n"
