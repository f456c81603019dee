import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """UUID primary key plus creation and modification timestamps (UTC)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditLogImmutableError(Exception):
    """Raised on any attempt to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise AuditLogImmutableError("audit events are append-only and cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogImmutableError("audit events are append-only and cannot be deleted")


class AuditEvent(models.Model):
    """One entry of the append-only audit trail.

    The application refuses updates and deletes (below); on PostgreSQL, triggers
    (migration 0002) refuse them for every client, including raw SQL.
    """

    class ActorType(models.TextChoices):
        USER = "user", _("User")  # a person (rathaus.core.actors.ActorKind.PERSON)
        API_CLIENT = "api_client", _("API client")
        SYSTEM = "system", _("System")

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    actor_type = models.CharField(_("actor type"), max_length=10, choices=ActorType.choices)
    actor_id = models.CharField(_("actor id"), max_length=64, blank=True)
    actor_label = models.CharField(_("actor"), max_length=255)
    # The level of assurance of a person's login (e.g. "substantial"); empty for clients,
    # the system and persons whose level the caller did not know.
    level_of_assurance = models.CharField(_("level of assurance"), max_length=32, blank=True)
    # The municipality (tenant) the event belongs to. No foreign key: the trail outlives
    # the municipality row, and an append-only table cannot follow ON DELETE SET NULL.
    municipality_id = models.UUIDField(_("municipality"), null=True, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AuditLogImmutableError("audit events are append-only and cannot be updated")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AuditLogImmutableError("audit events are append-only and cannot be deleted")


class OutboxMessage(models.Model):
    """Transactional outbox: a side effect (mail, PDF, hand-over) written in the same
    transaction as the change that causes it, dispatched to Celery after commit.

    `rathaus.core.outbox` owns the life cycle: a worker claims a message by setting
    `locked_until` (a lease), runs the handler registered for `topic`, and marks it done; a
    failure schedules a retry with backoff (`available_at`); a worker that dies leaves the
    lease to expire and the sweeper dispatches the message again. Handlers are idempotent.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")  # gave up after the maximum number of attempts

    id = models.BigAutoField(primary_key=True)
    topic = models.CharField(_("topic"), max_length=100, db_index=True)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    available_at = models.DateTimeField(_("available at"))
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [models.Index(fields=["status", "available_at"])]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk} ({self.status})"
