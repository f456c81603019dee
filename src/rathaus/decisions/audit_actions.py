"""Audit actions of decisions (Bescheide)."""

from rathaus.core.audit_actions import register_actions

register_actions(
    "decisions",
    {
        "decision.template_version_create": "A draft version of a decision template was made.",
        "decision.template_version_update": "A draft version of a decision template was edited.",
        "decision.template_version_publish": (
            "A version of a decision template was published (the one before is retired)."
        ),
        "decision.create": "A decision was made from a template, sealed and time-stamped.",
        "decision.deliver": (
            "A decision was provided for retrieval in the applicant's mailbox or queued for post."
        ),
        "decision.post": "A decision queued for post was marked as posted.",
        "decision.notified": "A decision provided for retrieval was retrieved (notified).",
        "decision.retrieval_failed": (
            "A decision provided for retrieval was not retrieved in time and is queued for post."
        ),
    },
)
