"""The registry of scopes an API client can be granted: `<module>:<access>`.

Endpoints check one of these with `rathaus.api.authentication.HasScope`; a client can only be
granted scopes listed here, so a typo fails when the client is saved, not when it is used.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SCOPES: dict[str, Promise] = {
    "catalog:read": _("Read the service catalogue"),
    "municipalities:read": _("Read municipalities and offices"),
    "applications:read": _("Read applications"),
    "applications:write": _("Change the status of applications"),
    # The Postfach of the municipality's offices (rathaus.mailbox.permissions).
    "mailbox:read": _("Read the offices' mailboxes: messages, their state and receipts"),
    "mailbox:write": _("Send messages and provide administrative acts from the offices' mailboxes"),
    # The E-Akte of the municipality's offices (rathaus.records.permissions).
    "records:read": _("Read the offices' files and documents (E-Akte) and search them"),
    "records:write": _("Create, close and reopen files, file cases and add documents (E-Akte)"),
}


def scope_choices() -> list[tuple[str, Promise]]:
    """The known scopes as form choices, in registry order."""
    return list(SCOPES.items())
