"""Online form: Meldebescheinigung beantragen (§ 18 BMG), for oneself."""

from typing import Any

from rathaus.demo.data.forms.building_blocks import (
    JSON_SCHEMA,
    choice,
    example_person,
    person_fields,
    person_schema,
    string,
    text,
)

SERVICE = "meldebescheinigung"

_KIND = {
    "simple": text(
        "Einfache Meldebescheinigung (Name, Geburtsdatum, Anschrift)",
        "Simple certificate (name, date of birth, address)",
    ),
    "extended": text(
        "Erweiterte Meldebescheinigung (auch frühere Anschriften, Familienstand, "
        "Staatsangehörigkeit)",
        "Extended certificate (also former addresses, marital status, nationality)",
    ),
}
_PURPOSE = {
    "employer": text("Vorlage beim Arbeitgeber", "For an employer"),
    "landlord": text("Vorlage beim Vermieter", "For a landlord"),
    "authority": text("Vorlage bei einer Behörde", "For an authority"),
    "other": text("Sonstiger Zweck", "Other purpose"),
}
_DELIVERY = {
    "post": text("Per Post an meine Meldeanschrift", "By post to my registered address"),
    "pickup": text("Abholung im Bürgerbüro", "Collect at the citizens' office"),
}

SCHEMA: dict[str, Any] = {
    "$schema": JSON_SCHEMA,
    "type": "object",
    "properties": {
        "person": {
            **person_schema(),
            "properties": {**person_schema()["properties"], "birth_name": string(100)},
        },
        "kind": choice(*_KIND),
        "purpose": choice(*_PURPOSE),
        "purpose_other": string(200),
        "delivery": choice(*_DELIVERY),
    },
    "required": ["person", "kind", "purpose", "delivery"],
    "if": {"properties": {"purpose": {"const": "other"}}, "required": ["purpose"]},
    "then": {"required": ["purpose_other"]},
}

UI: dict[str, Any] = {
    "steps": [
        {
            "id": "person",
            "title": text("Ihre Angaben", "About you"),
            "notes": [
                text(
                    "Die Angaben müssen mit dem Melderegister übereinstimmen.",
                    "The details must match the population register.",
                )
            ],
            "fields": [
                *person_fields("/person"),
                {
                    "field": "/person/birth_name",
                    "label": text("Geburtsname", "Name at birth"),
                    "help": text(
                        "Nur wenn er vom Familiennamen abweicht.",
                        "Only if it differs from your surname.",
                    ),
                },
            ],
        },
        {
            "id": "bescheinigung",
            "title": text("Bescheinigung", "Certificate"),
            "fields": [
                {
                    "field": "/kind",
                    "label": text("Art der Bescheinigung", "Kind of certificate"),
                    "options": _KIND,
                },
                {
                    "field": "/purpose",
                    "label": text("Verwendungszweck", "Purpose"),
                    "options": _PURPOSE,
                },
                {
                    "field": "/purpose_other",
                    "label": text("Welcher Zweck?", "Which purpose?"),
                    "visible_if": {"field": "/purpose", "equals": "other"},
                },
                {
                    "field": "/delivery",
                    "label": text("Zustellung", "Delivery"),
                    "options": _DELIVERY,
                },
            ],
        },
    ],
    "declarations": [
        {
            "id": "own_data",
            "text": text(
                "Ich beantrage die Bescheinigung über meine eigenen Meldedaten.",
                "I am applying for a certificate about my own registration data.",
            ),
        }
    ],
}

EXAMPLE: dict[str, dict[str, Any]] = {
    "person": {**example_person("/person"), "/person/birth_name": "Gabler"},
    "bescheinigung": {"/kind": "simple", "/purpose": "landlord", "/delivery": "post"},
}
