"""Reads of payments."""

from rathaus.payments.models import Payment
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
