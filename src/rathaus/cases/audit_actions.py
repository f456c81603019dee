"""Audit actions of cases (Vorgänge). The lifecycle's older actions keep the names they had
when it lived in applications (`submission.status`, `submission.acknowledge`,
`submission.document_request*`, registered there), so the trail reads the same before and
after the move."""

from rathaus.core.audit_actions import register_actions

register_actions(
    "cases",
    {
        "case.assign": "A case was assigned to a member of staff (or the assignment removed).",
        "case.deadline": "The processing deadline of a case was set or removed.",
    },
)
