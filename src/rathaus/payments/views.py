"""The provider-facing endpoints: webhook notifications and the browser return.

Thin: verify with the provider plugin, apply with `services.payment_notification_apply`.
"""

import logging
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.catalog.selectors import format_cents
from rathaus.core.errors import DomainError, NotFound
from rathaus.federation.actors import request_actor, request_user
from rathaus.payments.models import Payment, PaymentRequest
from rathaus.payments.providers import notification_municipality, payment_provider_get
from rathaus.payments.selectors import payment_providers_enabled, payment_request_get_own
from rathaus.payments.services import (
    PaymentError,
    PaymentRequestClosed,
    is_local_path,
    payment_notification_apply,
    payment_request_pay,
)
from rathaus.payments.signatures import InvalidSignature

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


def _problem(status: int, title: str, detail: str, problem_type: str, **extra: Any) -> JsonResponse:
    body = {
        "type": f"urn:rathaus:problem:{problem_type}",
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)


@csrf_exempt
@require_POST
def notify(request: HttpRequest, provider: str) -> JsonResponse:
    """Webhook: 200 for every notification recorded (also duplicates and ignored ones, so
    the provider stops retrying), 400 problem for a bad signature or stale timestamp."""
    try:
        plugin = payment_provider_get(provider)
    except KeyError:
        return _problem(404, "Unknown payment provider", provider, "payment-provider-unknown")
    try:
        # Checked with the secrets of the municipality whose payment the body names.
        notification = plugin.verify_notification(
            request.body, request.headers, municipality=notification_municipality(request.body)
        )
    except InvalidSignature as exc:
        logger.warning("payment notification of %s refused: %s", provider, exc.reason)
        return _problem(
            400, "Invalid signature", exc.reason, "payment-signature-invalid", reason=exc.reason
        )
    try:
        event = payment_notification_apply(provider=provider, notification=notification)
    except NotFound:
        return _problem(404, "Unknown payment", notification.payment_reference, "payment-unknown")
    return JsonResponse(
        {
            "event_id": event.event_id,
            "outcome": "duplicate" if event.duplicate else event.outcome,
            "applied": event.applied and not event.duplicate,
        }
    )


RETURN_MESSAGES: dict[str, tuple[int, Any]] = {
    Payment.Status.PAID: (messages.SUCCESS, gettext_lazy("Thank you, the payment was received.")),
    Payment.Status.PENDING: (messages.INFO, gettext_lazy("The payment is being processed.")),
    Payment.Status.FAILED: (messages.ERROR, gettext_lazy("The payment failed. Please try again.")),
    Payment.Status.CANCELLED: (messages.WARNING, gettext_lazy("The payment was cancelled.")),
}


@never_cache
@require_GET
def payment_return(request: HttpRequest, payment_id: UUID) -> HttpResponse:
    """The browser comes back from the provider: verify and apply its signed result (if
    any), then continue on the payment's local return path."""
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None:
        raise Http404(_("Unknown payment."))
    try:
        plugin = payment_provider_get(payment.provider)
        notification = plugin.verify_return(request.GET, municipality=payment.municipality_id)
        if notification is not None:
            if notification.payment_reference != payment.reference:
                raise InvalidSignature("payload", "result of another payment")
            payment_notification_apply(provider=payment.provider, notification=notification)
    except (KeyError, InvalidSignature, DomainError) as exc:
        logger.warning("payment return for %s refused: %s", payment.pk, exc)
        return_path = payment.return_url if is_local_path(payment.return_url) else ""
        return render(
            request,
            "payments/return_error.html",
            {"payment": payment, "return_path": return_path},
            status=400,
        )
    payment.refresh_from_db(fields=["status"])
    level_and_text = RETURN_MESSAGES.get(payment.status)
    if level_and_text:
        messages.add_message(request, level_and_text[0], level_and_text[1])
    # Only a path on this site: the stored return URL was checked at start, and is checked
    # again so that a changed row can never turn this into an open redirect.
    target = payment.return_url if is_local_path(payment.return_url) else "/"
    return HttpResponseRedirect(target)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def payment_request(request: HttpRequest, request_id: UUID) -> HttpResponse:
    """A fee the authority asks after submission (the link of its Postfach message): what,
    how much, until when, and — while it is open — the choice of the payment method."""
    asked = payment_request_get_own(user=request_user(request), request_id=request_id)
    providers = list(payment_providers_enabled(municipality=asked.municipality_id))
    error_summary: list[tuple[str, str]] = []
    if request.method == "POST":
        provider = request.POST.get("provider", "")
        try:
            if provider not in {p.key for p in providers}:
                raise PaymentError(_("Please choose a payment method."))
            started = payment_request_pay(
                request=asked,
                provider=provider,
                actor=request_actor(request),
                return_url=reverse("payments:request", args=[asked.pk]),
                notify_url=request.build_absolute_uri(reverse("payments:notify", args=[provider])),
            )
        except (PaymentError, PaymentRequestClosed) as exc:
            error_summary = [("payment-provider", exc.message)]
        else:
            if started.redirect_url:
                return redirect(started.redirect_url)
            return redirect("payments:request", asked.pk)
    payment = asked.payment
    return render(
        request,
        "payments/request.html",
        {
            "asked": asked,
            "municipality": asked.municipality,
            "amount": format_cents(asked.amount_cents),
            "is_open": asked.status == PaymentRequest.Status.OPEN,
            "payment": payment,
            "payment_label": next(
                (p.label for p in providers if payment and p.key == payment.provider),
                payment.provider if payment else "",
            ),
            "providers": providers,
            "error_summary": error_summary,
        },
    )
