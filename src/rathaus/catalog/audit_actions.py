"""Audit actions of the service catalogue."""

from rathaus.core.audit_actions import register_actions

register_actions(
    "catalog",
    {
        "life_situation.create": "A life situation (Lebenslage) was created.",
        "life_situation.update": "A life situation was changed.",
        "service.create": "A service (Leistung) was created.",
        "service.update": "A service was changed.",
        "service.required_document.create": "A required document was added to a service.",
        "service.required_document.update": "A required document of a service was changed.",
        "service.required_document.delete": "A required document was removed from a service.",
        "local_service.create": "A municipality started to offer a service (local service).",
        "local_service.update": "A municipality's local service was changed.",
    },
)
