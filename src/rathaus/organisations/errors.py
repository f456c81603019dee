"""Errors of the organisations app; views turn them into messages or 403 pages."""

from rathaus.core.errors import DomainError


class NotPermitted(DomainError):
    """The actor may not do this (not a member, not an admin, not the principal …)."""
