"""Webhook subscriptions of specialist systems and the deliveries made to them.

A subscription names an HTTPS endpoint, the event types it wants, the municipality (and
optionally some of its offices) whose events it gets, and a signing secret stored only
encrypted (`rathaus.webhooks.signing`). A delivery is one event for one subscription: its
body is fixed when it is made (ids only, no personal content), so every retry sends the same
bytes under the same `webhook-id` (the event's id)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import BaseModel


class WebhookSubscription(BaseModel):
    """An endpoint of a specialist system that receives events of one municipality."""

    name = models.CharField(_("name"), max_length=200)
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    offices = models.ManyToManyField(
        "municipalities.Office",
        blank=True,
        related_name="+",
        verbose_name=_("offices"),
        help_text=_("Only events of these offices; none chosen: all offices of the municipality."),
    )
    url = models.URLField(
        _("URL"),
        max_length=500,
        help_text=_("HTTPS address the events are posted to; redirects are not followed."),
    )
    event_types = models.JSONField(_("event types"), default=list, blank=True)
    secret_encrypted = models.TextField(_("signing secret (encrypted)"), editable=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(BaseModel):
    """One event for one subscription: what was (or will be) posted and how it went. Made
    once per subscription and event (the unique constraint), so a repeated event never
    posts twice; the outbox message per delivery retries it with backoff."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    event_id = models.UUIDField(_("event id (webhook-id)"))
    event_type = models.CharField(_("event type"), max_length=100)
    body = models.TextField(_("body (JSON)"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(
        _("last HTTP status"), null=True, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="webhooks_one_delivery_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
