"""Audit actions of payments (state machine and provider notifications)."""

from rathaus.core.audit_actions import register_actions

register_actions(
    "payments",
    {
        "payment.create": "A payment was started with a payment provider.",
        "payment.pending": "A payment is waiting for the provider's confirmation.",
        "payment.paid": "A payment was received (provider notice or the cash office).",
        "payment.failed": "A payment failed at the provider.",
        "payment.cancelled": "A payment was cancelled.",
        "payment.refunded": "A payment was refunded by the cash office.",
        "payment.notification_refused": "A provider notification was refused (bad signature, "
        "unknown payment or mismatching amount).",
        "payment.notification_ignored": "A provider notification changed nothing (replay or "
        "no transition).",
        "payment.request_create": "A fee was asked of a case's applicant after submission "
        "(payment request, e.g. by the case's process).",
        "payment.request_pay": "The applicant started paying a payment request online.",
        "payment.request_paid": "A payment request was paid (its payment became paid).",
    },
)
