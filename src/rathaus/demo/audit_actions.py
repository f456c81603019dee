"""Audit actions of the demo data loader."""

from rathaus.core.audit_actions import register_actions

register_actions(
    "demo",
    {
        "demo.account.create": "The demo loader created a demo account.",
        "demo.account.totp": "The demo loader set up a demo account's authenticator app.",
    },
)
