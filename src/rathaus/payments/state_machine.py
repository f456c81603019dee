"""The payment state machine: which status may follow which.

open → pending → paid | failed | cancelled; paid → refunded. An invoice (pay later) stays
open until the money arrives, so open → paid, failed and cancelled are allowed too. Failed,
cancelled and refunded are final: a new attempt is a new payment. A notification that asks
for a transition not in this table (a late "failed" after "paid") changes nothing; it is
recorded with its outcome for reconciliation.
"""

from django.utils.translation import gettext as _

from rathaus.core.errors import Conflict
from rathaus.payments.models import Payment

Status = Payment.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OPEN: frozenset({Status.PENDING, Status.PAID, Status.FAILED, Status.CANCELLED}),
    Status.PENDING: frozenset({Status.PAID, Status.FAILED, Status.CANCELLED}),
    Status.PAID: frozenset({Status.REFUNDED}),
    Status.FAILED: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.REFUNDED: frozenset(),
}

FINAL_STATUSES = frozenset(status for status, targets in TRANSITIONS.items() if not targets)


class PaymentTransitionError(Conflict):
    """A status change the state machine does not allow."""

    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            _("A payment with status “%(current)s” cannot become “%(target)s”.")
            % {"current": current, "target": target}
        )
        self.current = current
        self.target = target


def transition_allowed(current: str, target: str) -> bool:
    """Whether a payment with status `current` may change to `target`."""
    return target in TRANSITIONS.get(current, frozenset())


def transition_ensure(current: str, target: str) -> None:
    """Raise PaymentTransitionError unless `current` → `target` is allowed."""
    if not transition_allowed(current, target):
        raise PaymentTransitionError(current, target)
