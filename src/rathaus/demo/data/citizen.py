"""The demo citizen Erika Mustermann: her password log-in (rathaus.demo.accounts) and the
identity the demo eID provider (rathaus.demo.eid) confirms. Plain data, no Django import, so
that the demo eID process can read it without settings."""

from typing import Any

CITIZEN_EMAIL = "buerger@demo.rathaus.example"
# Known on purpose: the demo is tried on a local machine with these log-ins (docs).
CITIZEN_PASSWORD = "Demo-Buerger-2026"  # noqa: S105
CITIZEN_PROFILE: dict[str, Any] = {
    "first_name": "Erika",
    "last_name": "Mustermann",
    "street": "Kölnstraße 42",
    "postal_code": "52351",
    "city": "Düren",
    "country": "Deutschland",
    "date_of_birth": "1984-03-12",
    "phone": "02421 123456",
}
