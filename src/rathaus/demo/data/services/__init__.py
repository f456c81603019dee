"""Shared service descriptions ("Einer für Alle"): written once, offered by many municipalities.

LeiKa keys marked ``# LeiKa`` are the published keys of the Leistungskatalog; the others are
plausible placeholders in the same 14-digit shape (``99`` + object + action + detail) and must
be replaced by the catalogue's keys before real use.

Fees are demo values in cents that follow the federal fee schedules where one exists
(Personalausweis, Reisepass, Führungszeugnis, GebOSt); municipal fees vary and are marked as
examples in their notes.
"""

from typing import Any

from rathaus.demo.data.services import (
    building_waste,
    business,
    civil_status,
    family_social,
    local_taxes,
    public_order,
    registration,
    traffic,
)

SERVICES: list[dict[str, Any]] = [
    *registration.SERVICES,
    *civil_status.SERVICES,
    *business.SERVICES,
    *local_taxes.SERVICES,
    *public_order.SERVICES,
    *traffic.SERVICES,
    *family_social.SERVICES,
    *building_waste.SERVICES,
]
