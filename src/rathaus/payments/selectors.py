"""Reads of payments."""

from rathaus.payments.models import Payment

# Providers whose payment is settled after submission (invoice, pay later): an open payment
# of theirs does not hold up a submission.
SETTLED_LATER_PROVIDERS = frozenset({"invoice"})


def payment_allows_submission(*, payment: Payment | None, amount_cents: int) -> bool:
    """Whether an application with fee `amount_cents` may be submitted with `payment`."""
    if amount_cents == 0:
        return True
    if payment is None or payment.amount_cents != amount_cents:
        return False
    if payment.status == Payment.Status.PAID:
        return True
    return payment.provider in SETTLED_LATER_PROVIDERS and payment.status == Payment.Status.OPEN
