from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import BaseModel
from rathaus.municipalities.models import Municipality


class Payment(BaseModel):
    """One payment of a fee (§4 EGovG), in integer cents, through one provider plugin.

    State machine: open → pending → paid | failed | cancelled; paid → refunded. Changes go
    through `payments.services` only; every transition is audited.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        PENDING = "pending", _("pending")
        PAID = "paid", _("paid")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")
        REFUNDED = "refunded", _("refunded")

    # Whose fee it is: its cash office alone records money received and refunds. Empty only
    # for payments made before this was recorded whose application no longer exists (the
    # migration fills the others); only superusers act on those.
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        related_name="payments",
        verbose_name=_("municipality"),
    )
    provider = models.CharField(_("provider"), max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    description = models.CharField(_("description"), max_length=200)
    # Our reference shown to the provider and on statements (Verwendungszweck).
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    provider_reference = models.CharField(_("provider reference"), max_length=128, blank=True)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("payer"),
    )
    return_url = models.CharField(_("return URL"), max_length=500, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_status_display()})"


class PaymentEvent(BaseModel):
    """A notification received from a provider (webhook or return redirect).

    The unique (provider, event_id) makes replays harmless: a second delivery is recorded as
    nothing new and changes nothing.
    """

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="events", verbose_name=_("payment")
    )
    provider = models.CharField(_("provider"), max_length=40)
    event_id = models.CharField(_("event id"), max_length=128)
    status = models.CharField(_("reported status"), max_length=10, choices=Payment.Status.choices)
    payload = models.JSONField(_("payload"), default=dict)
    # When the provider says it happened (its clock), for reconciling late notifications.
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    applied = models.BooleanField(_("applied"), default=False)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="payments_event_unique_per_provider"
            )
        ]

    # Set (not stored) on the event `payment_notification_apply` returns for a replay.
    duplicate = False

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_id}"


class PaymentRequest(BaseModel):
    """A fee the authority asks of a case's applicant after submission (e.g. the process's
    action `request_payment`), paid online from the portal through the usual providers.

    `key` names what asked for it (the process's instance and task) and makes the request
    idempotent. Each attempt is a `Payment`; `payment` is the latest one (a new attempt
    cancels the previous open one, as for drafts). Paid when its payment is paid.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        PAID = "paid", _("paid")
        CANCELLED = "cancelled", _("cancelled")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="payment_requests",
        verbose_name=_("municipality"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="payment_requests",
        verbose_name=_("case"),
    )
    key = models.CharField(_("key"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    purpose = models.CharField(_("purpose"), max_length=200)
    due_on = models.DateField(_("due on"))
    payment = models.ForeignKey(
        Payment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("payment"),
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")

    def __str__(self) -> str:
        return f"{self.purpose} ({self.get_status_display()})"
