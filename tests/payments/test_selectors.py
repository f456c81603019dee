import pytest

from rathaus.payments.models import Payment
from rathaus.payments.selectors import payment_allows_submission

S = Payment.Status


def _payment(provider: str, status: str, amount: int = 1000) -> Payment:
    return Payment(provider=provider, status=status, amount_cents=amount, reference="RH-X")


@pytest.mark.parametrize(
    ("payment", "amount", "allowed"),
    [
        (None, 0, True),
        (None, 1000, False),
        (_payment("sandbox", S.PAID), 1000, True),
        (_payment("sandbox", S.PAID, amount=900), 1000, False),
        (_payment("sandbox", S.PENDING), 1000, False),
        (_payment("sandbox", S.OPEN), 1000, False),
        (_payment("sandbox", S.FAILED), 1000, False),
        (_payment("sandbox", S.CANCELLED), 1000, False),
        (_payment("sandbox", S.REFUNDED), 1000, False),
        (_payment("invoice", S.OPEN), 1000, True),
        (_payment("invoice", S.OPEN, amount=999), 1000, False),
        (_payment("invoice", S.CANCELLED), 1000, False),
        (_payment("invoice", S.PAID), 1000, True),
    ],
)
def test_payment_allows_submission(payment, amount, allowed):
    assert payment_allows_submission(payment=payment, amount_cents=amount) is allowed
