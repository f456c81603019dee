"""The audit trail: every service that changes data records what happened here.

An event records who acted (the actor's kind and id: a person's user id, an API client's id,
the system's job name; a person's level of assurance), what they did (a registered action,
`rathaus.core.audit_actions`), on which object, in which municipality (the tenant), from
which IP address and user agent, and details.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import models, transaction
from django.utils import timezone

from rathaus.core.actors import Actor, ActorKind, actor_of
from rathaus.core.audit_actions import get_action
from rathaus.core.models import AuditEvent
from rathaus.core.request_context import current_request_context

SYSTEM_ACTOR_LABEL = "system"

# Details every event recorded inside `audit_via` carries (e.g. {"via": "admin"}).
_via: ContextVar[dict[str, str] | None] = ContextVar("audit_via", default=None)


@contextmanager
def audit_via(channel: str) -> Iterator[None]:
    """Mark the events recorded inside with `details["via"] = channel` (the Django admin
    calls the services inside `audit_via("admin")`, so the trail shows where a change was
    made while it keeps the service's action name)."""
    token = _via.set({"via": channel})
    try:
        yield
    finally:
        _via.reset(token)


_ACTOR_TYPES = {
    ActorKind.PERSON: AuditEvent.ActorType.USER,
    ActorKind.API_CLIENT: AuditEvent.ActorType.API_CLIENT,
    ActorKind.SYSTEM: AuditEvent.ActorType.SYSTEM,
}


def _municipality_of(obj: models.Model | None, actor: Actor) -> UUID | None:
    if obj is not None:
        if obj._meta.label_lower == "municipalities.municipality" and isinstance(obj.pk, UUID):
            return obj.pk
        municipality_id = getattr(obj, "municipality_id", None)
        if isinstance(municipality_id, UUID):
            return municipality_id
    return actor.municipality_id


def audit_record(
    *,
    actor: Actor | Any,
    action: str,
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
    municipality: models.Model | UUID | None = None,
) -> AuditEvent:
    """Append one audit event in the caller's transaction.

    `actor` is an `Actor` (during the transition also a user or an API client, converted by
    `actor_of`); never None: work nobody asked for names its job (`Actor.system("…")`),
    `TypeError` otherwise. `action` must be registered
    (`UnregisteredAuditActionError` otherwise). The municipality is `municipality` (a
    Municipality or its id) if given, else the object's (`obj` is a Municipality or has a
    `municipality_id`), else an API client actor's. Call it inside the same
    `transaction.atomic()` block as the change it records, so that both are committed
    together or not at all.
    """
    return audit_record_many(
        actor=actor,
        action=action,
        entries=[AuditEntry(obj=obj, details=details, municipality=municipality)],
    )[0]


@dataclass(frozen=True)
class AuditEntry:
    """One event of `audit_record_many`: its object, details and municipality (as for
    `audit_record`)."""

    obj: models.Model | None = None
    details: dict[str, Any] | None = None
    municipality: models.Model | UUID | None = None


def audit_record_many(
    *, actor: Actor | Any, action: str, entries: Sequence[AuditEntry]
) -> list[AuditEvent]:
    """`audit_record` of one actor's `action` on many objects (a batch of sends, of
    notifications): one event per entry, inserted at once, in the caller's transaction."""
    get_action(action)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record() must run inside the transaction of the change")
    if actor is None:
        raise TypeError(
            "audit_record() needs an actor: Actor.system('<job>') for work nobody asked for"
        )
    who = actor_of(actor)
    ctx = current_request_context()
    now = timezone.now()
    via = _via.get() or {}
    events = []
    for entry in entries:
        obj, municipality = entry.obj, entry.municipality
        if isinstance(municipality, models.Model):
            municipality_id: UUID | None = municipality.pk
        elif municipality is not None:
            municipality_id = municipality
        else:
            municipality_id = _municipality_of(obj, who)
        events.append(
            AuditEvent(
                occurred_at=now,
                actor_type=_ACTOR_TYPES[who.kind],
                actor_id=who.id[:64],  # user pk, client pk or the system's job name
                actor_label=who.label[:255] if not who.is_system else SYSTEM_ACTOR_LABEL,
                level_of_assurance=who.level_of_assurance[:32] if who.is_person else "",
                municipality_id=municipality_id,
                action=action,
                ip_address=ctx.ip_address,
                user_agent=ctx.user_agent[:500],
                object_type=obj._meta.label_lower if obj is not None else "",
                object_id=str(obj.pk) if obj is not None else "",
                object_repr=str(obj)[:255] if obj is not None else "",
                details={**via, **(entry.details or {})},
            )
        )
    return AuditEvent.objects.bulk_create(events)
