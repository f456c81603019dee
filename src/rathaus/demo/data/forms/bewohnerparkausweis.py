"""Online form: Bewohnerparkausweis beantragen (one permit per person and vehicle)."""

from typing import Any

from rathaus.demo.data.forms.building_blocks import (
    JSON_SCHEMA,
    choice,
    date,
    example_person,
    person_fields,
    person_schema,
    string,
    text,
)

SERVICE = "bewohnerparkausweis"

# German number plate: district code, one or two letters, up to four digits, E/H suffix.
PLATE = r"^[A-ZÄÖÜ]{1,3}-[A-Z]{1,2} ?[1-9][0-9]{0,3}[EH]?$"

_RESIDENCE = {
    "main": text("Hauptwohnung", "Main residence"),
    "secondary": text("Nebenwohnung", "Secondary residence"),
}
_ZONE = {
    "A": text("Zone A – Altstadt", "Zone A – old town"),
    "B": text("Zone B – Bahnhofsviertel", "Zone B – station quarter"),
    "C": text("Zone C – Innenstadt Nord", "Zone C – city centre north"),
    "D": text("Zone D – Innenstadt Süd", "Zone D – city centre south"),
}
_KEEPER = {
    "self": text("Ich bin Halterin oder Halter", "I am the registered keeper"),
    "family": text("Eine Person aus meinem Haushalt", "A member of my household"),
    "employer": text("Mein Arbeitgeber (Firmenwagen)", "My employer (company car)"),
    "leasing": text("Leasing- oder Mietfahrzeug", "Leased or rented vehicle"),
}

SCHEMA: dict[str, Any] = {
    "$schema": JSON_SCHEMA,
    "type": "object",
    "properties": {
        "applicant": person_schema(),
        "residence": choice(*_RESIDENCE),
        "zone": choice(*_ZONE),
        "vehicle": {
            "type": "object",
            "properties": {
                "plate": {"type": "string", "pattern": PLATE},
                "make": string(60),
                "keeper": choice(*_KEEPER),
                "keeper_name": string(200),
            },
            "required": ["plate", "make", "keeper"],
            "if": {
                "properties": {"keeper": {"enum": ["family", "employer", "leasing"]}},
                "required": ["keeper"],
            },
            "then": {"required": ["keeper_name"]},
        },
        "valid_from": date(),
    },
    "required": ["applicant", "residence", "zone", "vehicle", "valid_from"],
}

UI: dict[str, Any] = {
    "steps": [
        {
            "id": "antragsteller",
            "title": text("Antragstellerin oder Antragsteller", "Applicant"),
            "fields": [
                *person_fields("/applicant"),
                {
                    "field": "/residence",
                    "label": text(
                        "Sie sind unter dieser Anschrift gemeldet mit",
                        "You are registered here with your",
                    ),
                    "options": _RESIDENCE,
                },
                {
                    "field": "/zone",
                    "label": text("Bewohnerparkzone", "Resident parking zone"),
                    "help": text(
                        "Die Zone steht auf den Zusatzschildern in Ihrer Straße.",
                        "The zone is shown on the signs in your street.",
                    ),
                    "options": _ZONE,
                },
            ],
        },
        {
            "id": "fahrzeug",
            "title": text("Fahrzeug", "Vehicle"),
            "notes": [
                text(
                    "Laden Sie anschließend die Zulassungsbescheinigung Teil I hoch.",
                    "Afterwards, upload the registration certificate part I.",
                )
            ],
            "fields": [
                {
                    "field": "/vehicle/plate",
                    "label": text("Amtliches Kennzeichen", "Number plate"),
                    "help": text(
                        "Mit Bindestrich nach dem Ortskürzel, z. B. DN-AB 123.",
                        "With a hyphen after the district code, e.g. DN-AB 123.",
                    ),
                },
                {"field": "/vehicle/make", "label": text("Marke und Modell", "Make and model")},
                {
                    "field": "/vehicle/keeper",
                    "label": text("Halter des Fahrzeugs", "Registered keeper"),
                    "options": _KEEPER,
                },
                {
                    "field": "/vehicle/keeper_name",
                    "label": text("Name der Halterin, des Halters oder der Firma", "Keeper's name"),
                    "help": text(
                        "Bei Firmen- und Leasingfahrzeugen brauchen wir zusätzlich den "
                        "Nutzungsnachweis.",
                        "For company and leased vehicles we also need proof of use.",
                    ),
                    "visible_if": {
                        "field": "/vehicle/keeper",
                        "in": ["family", "employer", "leasing"],
                    },
                },
                {"field": "/valid_from", "label": text("Gültig ab", "Valid from")},
            ],
        },
    ],
    "declarations": [
        {
            "id": "single_permit",
            "text": text(
                "Ich besitze keinen weiteren gültigen Bewohnerparkausweis und gebe den Ausweis "
                "zurück, wenn ich aus der Zone wegziehe.",
                "I hold no other valid resident parking permit and will return the permit if I "
                "move out of the zone.",
            ),
        }
    ],
}

EXAMPLE: dict[str, dict[str, Any]] = {
    "antragsteller": {**example_person("/applicant"), "/residence": "main", "/zone": "C"},
    "fahrzeug": {
        "/vehicle/plate": "DN-EM 1984",
        "/vehicle/make": "VW Golf",
        "/vehicle/keeper": "self",
        "/valid_from": "2027-01-01",
    },
}
