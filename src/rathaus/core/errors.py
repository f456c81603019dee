"""Domain errors raised by services and selectors; edges turn them into responses."""


class DomainError(Exception):
    """Base class for errors the user can act on; `message` is safe to show."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The requested object does not exist (or is not visible)."""


class NotPermitted(DomainError):
    """The actor may not do this (edges answer 403 or, for need-to-know, 404)."""
