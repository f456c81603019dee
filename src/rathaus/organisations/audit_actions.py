"""Audit actions of organisations, memberships and proxies (acting on behalf)."""

from rathaus.core.audit_actions import register_actions

register_actions(
    "organisations",
    {
        "organisation.create": "An organisation was created (its creator is its admin).",
        "organisation.invitation.send": "A person was invited to an organisation.",
        "organisation.invitation.revoke": "An invitation was revoked.",
        "organisation.invitation.accept": "An invitation was accepted (membership created).",
        "organisation.membership.leave": "A member left an organisation.",
        "organisation.membership.remove": "A member was removed from an organisation.",
        "organisation.membership.role_change": "A member's role in an organisation changed.",
        "proxy.grant": "A person granted a proxy (power to act on their behalf).",
        "proxy.revoke": "A proxy was revoked.",
        "proxy.use": "A proxy was used to act on behalf of its principal.",
        "acting_as.set": "A person chose for whom they act in this session.",
    },
)
