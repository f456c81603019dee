"""Audit actions of login through external identity providers (BundID, OIDC, SAML)."""

from rathaus.core.audit_actions import register_actions

register_actions(
    "federation",
    {
        "federation.login": "A person logged in through an identity provider.",
        "federation.account_create": "An account was created from an identity provider login.",
        "federation.link": "An external identity was linked to an account.",
        "federation.link_required": "An external login matched an account that must link first.",
        "federation.unlink": "An external identity was unlinked from an account.",
        "federation.rejected": "An identity provider's answer was refused.",
        "federation.step_up": "A session reached a higher level of assurance.",
    },
)
