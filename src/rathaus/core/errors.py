"""Domain errors raised by services and selectors; one mapping turns them into responses.

    DomainError          400  bad input or a rule the user can act on (`field` names the input)
    ├── NotFound         404  the object does not exist or is not visible to the actor
    ├── NotPermitted     403  the actor may not do this
    └── Conflict         409  the object's state does not allow it now (closed, changed,
                              already done in another way)

Every app's errors derive from one of these; `rathaus.core.error_responses` maps them for the
portal and /intern/ (an error page with the message), and the API answers problem+json with
the same status codes.
"""


class DomainError(Exception):
    """Base class for errors the user can act on; `message` is safe to show."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The requested object does not exist (or is not visible)."""

    status_code = 404


class NotPermitted(DomainError):
    """The actor may not do this (edges answer 403 or, for need-to-know, 404)."""

    status_code = 403


class Conflict(DomainError):
    """The object's current state does not allow the action (409)."""

    status_code = 409
