"""The audit trail: every service that changes data records what happened here."""

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from rathaus.core.models import AuditEvent
from rathaus.core.request_context import current_request_context

SYSTEM_ACTOR_LABEL = "system"


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event in the caller's transaction.

    `actor` is a user (authenticated) or None for the system. Call it inside the
    same `transaction.atomic()` block as the change it records, so that both are
    committed together or not at all.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record() must run inside the transaction of the change")
    ctx = current_request_context()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        occurred_at=timezone.now(),
        actor_type=AuditEvent.ActorType.USER if is_user else AuditEvent.ActorType.SYSTEM,
        actor_id=str(actor.pk) if is_user else "",
        actor_label=actor.get_username() if is_user else SYSTEM_ACTOR_LABEL,
        action=action,
        ip_address=ctx.ip_address,
        user_agent=ctx.user_agent[:500],
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        details=details or {},
    )
