"""Audit actions of API clients and their tokens."""

from rathaus.core.audit_actions import register_actions

register_actions(
    "apitokens",
    {
        "apiclient.create": "An API client (a specialist system of a municipality) was created.",
        "apiclient.update": "An API client's name, scopes or description were changed.",
        "apitoken.issue": "A token was issued for an API client (the secret is never stored).",
        "apitoken.rotate": "A token was replaced by a new one (the old one expires after a grace).",
        "apitoken.revoke": "A token was revoked.",
        "apitoken.use": "An API client authenticated with a token (first use per interval).",
    },
)
