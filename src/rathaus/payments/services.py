"""Writes of payments: start, apply provider notifications, cancel, refund.

Every status change goes through the state machine (`state_machine.py`), locks the payment
row and is audited as ``payment.<status>`` in the same transaction. Notifications (webhook and
browser return) are idempotent: the unique (provider, event_id) of `PaymentEvent` turns a
replay into a no-op, and a notification the state machine does not allow (a late "failed"
after "paid") is recorded with its outcome instead of being applied.
"""

import base64
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.cases.models import Case
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict, DomainError, NotFound, NotPermitted
from rathaus.core.events import event_publish
from rathaus.municipalities.models import Municipality
from rathaus.payments.events import PaymentRequestPaid, PaymentSettled
from rathaus.payments.models import Payment, PaymentEvent, PaymentRequest
from rathaus.payments.providers import Notification, payment_provider_get, payment_providers
from rathaus.payments.state_machine import transition_allowed, transition_ensure
from rathaus.staff.models import Role
from rathaus.staff.selectors import municipality_ids_with_role, sees_all_offices

REFERENCE_PREFIX = "RH-"

# Providers' notifications (webhooks) are applied by the system.
NOTIFICATION_ACTOR = Actor.system("payment_notification")


class PaymentError(DomainError):
    """A payment cannot be started or changed as asked."""


@dataclass(frozen=True)
class PaymentStart:
    """The created payment and where to send the browser (None: nothing to do online)."""

    payment: Payment
    redirect_url: str | None


def is_local_path(url: str) -> bool:
    """Whether `url` is a path on this site (no scheme, no host): the only allowed return
    target, so that a payment can never be used as an open redirect."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return False
    if any(ord(char) < 32 or ord(char) == 127 for char in url):
        return False
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc


def payment_reference_new() -> str:
    """A fresh reference (Verwendungszweck): "RH-" + 12 characters base32 (60 random bits)."""
    while True:
        reference = REFERENCE_PREFIX + base64.b32encode(secrets.token_bytes(10)).decode()[:12]
        if not Payment.objects.filter(reference=reference).exists():
            return reference


def _status_set(payment: Payment, target: str, *, actor: Actor, details: dict[str, Any]) -> None:
    """Change the (locked) payment's status and audit it; the caller holds the transaction."""
    previous = payment.status
    transition_ensure(previous, target)
    now = timezone.now()
    payment.status = target
    payment.status_changed_at = now
    fields = ["status", "status_changed_at", "updated_at"]
    if target == Payment.Status.PAID:
        payment.paid_at = details.pop("paid_at", None) or now
        fields.append("paid_at")
    payment.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=f"payment.{target}",
        obj=payment,
        details={"reference": payment.reference, "from": previous, "to": target, **details},
    )
    if target == Payment.Status.PAID:  # every way a payment becomes settled passes here
        event_publish(
            PaymentSettled(
                payment_id=payment.pk,
                municipality_id=payment.municipality_id,
                amount_cents=payment.amount_cents,
                currency=payment.currency,
            )
        )
        _payment_request_settle(payment, actor=actor)


def payment_start(
    *,
    municipality: Municipality,
    provider: str,
    amount_cents: int,
    description: str,
    payer: Actor,
    return_url: str,
    notify_url: str,
) -> PaymentStart:
    """Create a payment of `amount_cents` for a fee of `municipality` with `provider` and
    start it.

    `payer` is the acting person, recorded as the payment's payer and the audit actor (a
    system actor pays without a payer account).
    `return_url` is the local path the citizen ends up on afterwards (anything else is
    refused). `notify_url` is the absolute webhook URL for `provider`
    (``payments:notify``); the provider's absolute return URL for this payment is derived
    from it (same origin). A provider with a payment page moves the payment to ``pending``
    and the answer carries the page's URL; the invoice provider leaves it ``open``.
    """
    try:
        plugin = payment_provider_get(provider, municipality=municipality)
    except KeyError:
        raise PaymentError(_("This payment method is not available.")) from None
    if amount_cents <= 0:
        raise PaymentError(_("There is nothing to pay."))
    if not is_local_path(return_url):
        raise PaymentError(_("The return address must be a page of this site."))
    if urlsplit(notify_url).scheme not in ("http", "https"):
        raise PaymentError(_("The notification address must be an absolute URL."))
    actor = payer
    with transaction.atomic():
        payment = Payment(
            municipality=municipality,
            provider=provider,
            amount_cents=amount_cents,
            description=description[:200],
            reference=payment_reference_new(),
            payer=actor.user,
            return_url=return_url,
        )
        payment.full_clean()
        payment.save()
        audit_record(
            actor=actor,
            action="payment.create",
            obj=payment,
            details={
                "reference": payment.reference,
                "provider": provider,
                "amount_cents": amount_cents,
                "municipality": municipality.slug,
            },
        )
        provider_return = urljoin(notify_url, reverse("payments:return", args=[payment.pk]))
        redirect_url = plugin.start(payment, return_url=provider_return, notify_url=notify_url)
        if redirect_url:
            _status_set(payment, Payment.Status.PENDING, actor=actor, details={"via": "start"})
    return PaymentStart(payment=payment, redirect_url=redirect_url or None)


def event_time_implausible(*, payment: Payment, occurred_at: datetime | None) -> str:
    """Why a provider's event time cannot be true for `payment` ("" when it can): before the
    payment was created or in the future, beyond the allowed clock skew. Such a time would
    become `paid_at` (a fee "paid" in 1970) and mislead reconciliation, so the notification
    is refused rather than applied."""
    if occurred_at is None:
        return ""
    skew = timedelta(seconds=settings.RATHAUS_PAYMENT_CLOCK_SKEW_SECONDS)
    if occurred_at < payment.created_at - skew:
        return (
            f"implausible event time {occurred_at.isoformat()} "
            f"(before the payment was created at {payment.created_at.isoformat()})"
        )
    if occurred_at > timezone.now() + skew:
        return f"implausible event time {occurred_at.isoformat()} (in the future)"
    return ""


def _ensure_cash_office(*, actor: Actor, payment: Payment, message: str) -> None:
    """Only the cash office of the payment's municipality (or a superuser) records money."""
    if payment.municipality_id is None:
        permitted = sees_all_offices(user=actor.user)
    else:
        permitted = payment.municipality_id in municipality_ids_with_role(
            user=actor.user, role=Role.CASH_OFFICE
        )
    if not permitted:
        raise NotPermitted(message)


@transaction.atomic
def payment_notification_apply(*, provider: str, notification: Notification) -> PaymentEvent:
    """Record a verified notification of `provider` and apply it if the state machine allows.

    Returns the recorded event; for a replay (same provider and event id) the event recorded
    first, with ``duplicate`` set and nothing changed. `outcome` says what happened:
    "applied: pending→paid", "no change: already paid", "ignored: late notification
    paid→failed" or "refused: …" (amount or currency differ from the payment's).
    """
    payment = (
        Payment.objects.select_for_update()
        .filter(reference=notification.payment_reference, provider=provider)
        .first()
    )
    if payment is None:
        raise NotFound(_("No payment with this reference."))
    # The payment lock serialises deliveries of the same payment: the check below sees the
    # event of a concurrent first delivery once that has committed.
    existing = PaymentEvent.objects.filter(
        provider=provider, event_id=notification.event_id
    ).first()
    if existing is not None:
        existing.duplicate = True
        return existing
    current, target = payment.status, notification.status
    applied = False
    audit_action = ""
    implausible_time = event_time_implausible(payment=payment, occurred_at=notification.occurred_at)
    if implausible_time:
        outcome = f"refused: {implausible_time}"
        audit_action = "payment.notification_refused"
    elif notification.amount_cents != payment.amount_cents or (
        notification.currency != payment.currency
    ):
        outcome = (
            f"refused: amount {notification.amount_cents} {notification.currency} does not "
            f"match {payment.amount_cents} {payment.currency}"
        )
        audit_action = "payment.notification_refused"
    elif target == current:
        outcome = f"no change: already {current}"
    elif transition_allowed(current, target):
        outcome = f"applied: {current}→{target}"
        applied = True
    else:
        outcome = f"ignored: late notification {current}→{target}"
        audit_action = "payment.notification_ignored"
    event = PaymentEvent.objects.create(
        payment=payment,
        provider=provider,
        event_id=notification.event_id,
        status=target,
        payload=notification.as_payload(),
        occurred_at=notification.occurred_at,
        applied=applied,
        outcome=outcome,
    )
    details = {"reference": payment.reference, "provider": provider, "event_id": event.event_id}
    if applied:
        extra: dict[str, Any] = {"via": "notification", **details}
        if target == Payment.Status.PAID:
            extra["paid_at"] = notification.occurred_at
        _status_set(payment, target, actor=NOTIFICATION_ACTOR, details=extra)
    elif audit_action:
        audit_record(
            actor=NOTIFICATION_ACTOR,
            action=audit_action,
            obj=payment,
            details={**details, "outcome": outcome},
        )
    return event


@transaction.atomic
def payment_cancel(*, payment: Payment, actor: Actor) -> Payment:
    """The payer (or staff) abandons an open or pending payment; cancelling twice is a no-op."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    is_payer = payment.payer_id is not None and payment.payer_id == actor.user_id
    if not (is_payer or (actor.user is not None and actor.user.is_staff)):
        raise NotPermitted(_("You may not cancel this payment."))
    if payment.status == Payment.Status.CANCELLED:
        return payment
    _status_set(payment, Payment.Status.CANCELLED, actor=actor, details={"via": "cancel"})
    return payment


@transaction.atomic
def payment_refund(*, payment: Payment, actor: Actor) -> Payment:
    """The cash office of the payment's municipality records that a paid fee was paid back
    (paid → refunded).

    The money itself is returned outside rathaus (the provider's dashboard or the cash
    office); this records it and audits who did.
    """
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    _ensure_cash_office(
        actor=actor,
        payment=payment,
        message=_("Only the cash office of the municipality may refund this payment."),
    )
    _status_set(payment, Payment.Status.REFUNDED, actor=actor, details={"via": "refund"})
    return payment


@transaction.atomic
def payment_mark_received(*, payment: Payment, actor: Actor) -> Payment:
    """The cash office of the payment's municipality records that an invoice was paid
    (open → paid): the money arrived by bank transfer or at the counter, outside any
    provider that could notify rathaus."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    _ensure_cash_office(
        actor=actor,
        payment=payment,
        message=_("Only the cash office of the municipality may record this payment."),
    )
    if not payment_providers.get(payment.provider).settled_later:
        raise PaymentError(
            _("This payment is settled by its provider; it reports the payment itself.")
        )
    _status_set(payment, Payment.Status.PAID, actor=actor, details={"via": "received"})
    return payment


# --- Payment requests: fees asked after submission (e.g. by the process of a case) ---

PAYMENT_REQUEST_ACTOR = Actor.system("payment_request")


class PaymentRequestClosed(Conflict):
    """The payment request is paid or cancelled: there is nothing to pay."""


@transaction.atomic
def payment_request_create(
    *,
    request_id: UUID,
    case_id: UUID,
    amount_cents: int,
    currency: str,
    purpose: str,
    due_on: date,
    key: str,
    actor: Actor,
) -> PaymentRequest:
    """Ask the applicant of the case for `amount_cents` (a fee decided after submission),
    payable online from the portal until `due_on`. Idempotent: a request with `key` (or
    `request_id`) exists already → that one, unchanged."""
    existing = PaymentRequest.objects.filter(Q(key=key) | Q(pk=request_id)).first()
    if existing is not None:
        return existing
    if amount_cents <= 0:
        raise PaymentError(_("There is nothing to pay."))
    case = Case.objects.get(pk=case_id)
    request = PaymentRequest(
        pk=request_id,
        municipality_id=case.municipality_id,
        case=case,
        key=key,
        amount_cents=amount_cents,
        currency=currency,
        purpose=" ".join(purpose.split())[:200] or _("Fee"),
        due_on=due_on,
    )
    request.full_clean()
    request.save(force_insert=True)
    audit_record(
        actor=actor,
        action="payment.request_create",
        obj=request,
        municipality=case.municipality_id,
        details={
            "case": str(case.pk),
            "reference": case.reference,
            "amount_cents": amount_cents,
            "currency": currency,
            "due_on": due_on.isoformat(),
            "key": key,
        },
    )
    return request


def payment_request_may_pay(*, request: PaymentRequest, actor: Actor) -> bool:
    """Whether `actor` is the applicant of the request's case (or the principal they act
    for): only they pay it online."""
    user_id = actor.user_id
    case = request.case
    return user_id is not None and user_id in (case.applicant_id, case.principal_user_id)


@transaction.atomic
def payment_request_pay(
    *,
    request: PaymentRequest,
    provider: str,
    actor: Actor,
    return_url: str,
    notify_url: str,
) -> PaymentStart:
    """The applicant pays the open payment request with `provider` (the provider flow of
    `payment_start`); an open or pending earlier attempt is cancelled first, so that a
    change of the payment method never charges twice."""
    request = (
        PaymentRequest.objects.select_for_update(of=("self",))
        .select_related("case", "payment", "municipality")
        .get(pk=request.pk)
    )
    if not payment_request_may_pay(request=request, actor=actor):
        raise NotFound(_("No such payment request."))
    if request.status != PaymentRequest.Status.OPEN:
        raise PaymentRequestClosed(_("This fee has been paid already."))
    previous = request.payment
    if previous is not None and previous.status in (
        Payment.Status.OPEN,
        Payment.Status.PENDING,
    ):
        payment_cancel(payment=previous, actor=actor)
    started = payment_start(
        municipality=request.municipality,
        provider=provider,
        amount_cents=request.amount_cents,
        description=request.purpose,
        payer=actor,
        return_url=return_url,
        notify_url=notify_url,
    )
    request.payment = started.payment
    request.save(update_fields=["payment", "updated_at"])
    audit_record(
        actor=actor,
        action="payment.request_pay",
        obj=request,
        municipality=request.municipality_id,
        details={
            "payment": str(started.payment.pk),
            "provider": provider,
            "replaced": str(previous.pk) if previous is not None else "",
        },
    )
    return started


def _payment_request_settle(payment: Payment, *, actor: Actor) -> None:
    """The payment is paid: its payment request is too (in the same transaction), and the
    event tells whoever asked for it (the case's process: message `payment_received`)."""
    request = (
        PaymentRequest.objects.select_for_update()
        .filter(payment=payment, status=PaymentRequest.Status.OPEN)
        .first()
    )
    if request is None:
        return
    request.status = PaymentRequest.Status.PAID
    request.paid_at = payment.paid_at or timezone.now()
    request.save(update_fields=["status", "paid_at", "updated_at"])
    audit_record(
        actor=actor,
        action="payment.request_paid",
        obj=request,
        municipality=request.municipality_id,
        details={"payment": str(payment.pk), "reference": payment.reference},
    )
    event_publish(
        PaymentRequestPaid(
            payment_request_id=request.pk,
            payment_id=payment.pk,
            case_id=request.case_id,
            municipality_id=request.municipality_id,
            amount_cents=request.amount_cents,
            currency=request.currency,
            key=request.key,
        )
    )
