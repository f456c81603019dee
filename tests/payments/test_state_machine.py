import itertools

import pytest

from rathaus.payments.models import Payment
from rathaus.payments.state_machine import (
    FINAL_STATUSES,
    PaymentTransitionError,
    transition_allowed,
    transition_ensure,
)

S = Payment.Status
ALLOWED = {
    (S.OPEN, S.PENDING),
    (S.OPEN, S.PAID),
    (S.OPEN, S.FAILED),
    (S.OPEN, S.CANCELLED),
    (S.PENDING, S.PAID),
    (S.PENDING, S.FAILED),
    (S.PENDING, S.CANCELLED),
    (S.PAID, S.REFUNDED),
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(S.values, S.values)))
def test_every_transition_is_allowed_or_forbidden_as_in_the_table(current, target):
    expected = (current, target) in ALLOWED
    assert transition_allowed(current, target) is expected
    if expected:
        transition_ensure(current, target)
    else:
        with pytest.raises(PaymentTransitionError) as info:
            transition_ensure(current, target)
        assert (info.value.current, info.value.target) == (current, target)


def test_failed_cancelled_and_refunded_are_final():
    assert {S.FAILED, S.CANCELLED, S.REFUNDED} == FINAL_STATUSES
