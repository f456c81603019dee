"""Errors of the organisations app; views show them as messages, or leave them to
`rathaus.core.error_responses` (NotPermitted: 403)."""

from rathaus.core import errors


class NotPermitted(errors.NotPermitted):
    """The actor may not do this (not a member, not an admin, not the principal …)."""
