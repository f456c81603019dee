"""The provider-facing endpoints: webhook notifications and the browser return.

Thin: verify with the provider plugin, apply with `services.payment_notification_apply`.
"""

import logging
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from rathaus.core.errors import DomainError, NotFound
from rathaus.payments.models import Payment
from rathaus.payments.providers import notification_municipality, payment_provider_get
from rathaus.payments.services import is_local_path, payment_notification_apply
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
