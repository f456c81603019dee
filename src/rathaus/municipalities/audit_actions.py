"""Audit actions of municipalities and their offices."""

from rathaus.core.audit_actions import register_actions

register_actions(
    "municipalities",
    {
        "municipality.create": "A municipality (tenant) was created.",
        "municipality.update": "A municipality's data were changed.",
        "postal_area.create": "A postcode area was assigned to a municipality.",
        "postal_area.delete": "A postcode area was removed from a municipality.",
        "office.create": "An office (Organisationseinheit) was created.",
        "office.update": "An office's data were changed.",
        "office.opening_hours.set": "The regular opening hours of an office were replaced.",
        "office.opening_exception.create": "An exception to the opening hours was added.",
        "office.opening_exception.update": "An exception to the opening hours was changed.",
        "accessibility_feedback.submit": "Someone reported an accessibility barrier.",
    },
)

register_actions(
    "municipalities",
    {
        "municipality.configuration.create": (
            "A configuration profile (of a municipality or an IT service provider) was created; "
            "the details list the fields that were filled, never secret values."
        ),
        "municipality.configuration.update": (
            "A configuration profile was changed (seal, mail sender, FIT-Connect "
            "destinations); the details list the changed field names, never values."
        ),
        "municipality.configuration.delete": "A configuration profile was deleted.",
        "municipality.configuration.payment_account.set": (
            "A payment provider account of a configuration profile was created or changed "
            "(changed field names only)."
        ),
        "municipality.configuration.payment_account.delete": (
            "A payment provider account was removed from a configuration profile."
        ),
        "municipality.configuration.kek.create": (
            "A municipality's first key-encryption key for personal data was created."
        ),
        "municipality.configuration.kek.rotate": (
            "A new version of a key-encryption key for personal data was created."
        ),
        "municipality.configuration.secrets.rotate": (
            "The stored configuration secrets were re-encrypted with the current installation key."
        ),
    },
)
