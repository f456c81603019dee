"""Reads of payments."""

from typing import Any

from django.utils.translation import gettext as _

from rathaus.core.errors import NotFound
from rathaus.payments.models import Payment, PaymentRequest
from rathaus.payments.providers import payment_providers
from rathaus.payments.providers import (  # for the portal's choice of provider
    payment_providers_enabled as payment_providers_enabled,
)


def payment_allows_submission(*, payment: Payment | None, amount_cents: int) -> bool:
    """Whether an application with fee `amount_cents` may be submitted with `payment`."""
    if amount_cents == 0:
        return True
    if payment is None or payment.amount_cents != amount_cents:
        return False
    if payment.status == Payment.Status.PAID:
        return True
    # Providers settled after submission (invoice, pay later): their open payment does not
    # hold up a submission.
    if payment.status != Payment.Status.OPEN or payment.provider not in payment_providers:
        return False
    return payment_providers.get(payment.provider).settled_later


def payment_request_get_own(*, user: Any, request_id: Any) -> PaymentRequest:
    """The payment request `request_id` of a case of `user` (its applicant or the principal
    they act for); NotFound for anyone else."""
    request = (
        PaymentRequest.objects.select_related("case", "payment", "municipality")
        .filter(pk=request_id)
        .first()
    )
    user_id = getattr(user, "pk", None)
    if (
        request is None
        or user_id is None
        or user_id not in (request.case.applicant_id, request.case.principal_user_id)
    ):
        raise NotFound(_("No such payment request."))
    return request
