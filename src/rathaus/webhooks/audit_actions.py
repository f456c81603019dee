"""Audit actions of the webhooks."""

from rathaus.core.audit_actions import register_actions

register_actions(
    "webhooks",
    {
        "webhook.subscription_create": "A webhook subscription of a specialist system was added.",
        "webhook.subscription_update": (
            "A webhook subscription's address, events, offices or state was changed."
        ),
        "webhook.subscription_delete": "A webhook subscription was removed.",
        "webhook.secret_rotate": "A webhook subscription got a new signing secret.",
        "webhook.secret_show": "An administrator displayed a webhook's signing secret.",
        "webhook.subscription_gone": (
            "A webhook endpoint answered 410 Gone; its subscription was switched off."
        ),
        "webhook.delivery_failed": (
            "A webhook delivery failed for good (the outbox gave up after its retries)."
        ),
    },
)
