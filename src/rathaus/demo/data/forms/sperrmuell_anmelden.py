"""Online form: Sperrmüll anmelden – generated from a FIM XDatenfelder sample.

`IMPORTED` is the unchanged output of the importer (`rathaus.contrib.fim.xdatenfelder
.xdatenfelder_import`, code as of commit 96ec33e540c0c19476878a15fff978ab94e34016) for the
XDatenfelder 3.0.0 sample `xdatenfelder/v3-data/valid/simple.xml` of the standards folder
(`RATHAUS_STANDARDS_DIR`; from flxbe/xdatenfelder-xml): the Datenfeldgruppe G60000000088
"Anschrift in Deutschland" with its Straßenanschrift. It was generated once and is committed
here so that the demo does not need the standards folder at runtime;
tests/demo/test_demo_forms.py re-runs the importer and fails when the two drift apart.

The importer reported what `form()` adds by hand:
- FIM texts are German only → English labels (`ENGLISH`);
- rule R60000000019 (street address or post-office box) is not expressible → the street
  address is required, as a collection needs a place;
- the sample group holds only the street → house number, postcode and place, and a second
  step with what is to be collected (`cubic_metres` is the parameter of a per-unit fee).
"""

import copy
from typing import Any

from rathaus.demo.data.forms.building_blocks import POSTCODE, date, string, text

SERVICE = "sperrmuell-anmelden"

SAMPLE = "xdatenfelder/v3-data/valid/simple.xml"

IMPORTED: dict[str, Any] = {
    "schema": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "title": "Anschrift in Deutschland",
        "description": "Eingabehilfe",
        "properties": {
            "G60000000086": {
                "type": "object",
                "title": "Straßenanschrift",
                "description": (
                    "Geben Sie die Anschrift mit Straße, Hausnummer, Postleitzahl und Ort an. "
                    "Eine Angabe eines Postfachs ist nicht möglich."
                ),
                "properties": {
                    "F60000000243": {
                        "type": "string",
                        "title": "Straße",
                        "description": "Geben Sie an, wie die Straße heißt.",
                        "minLength": 1,
                        "maxLength": 55,
                    }
                },
                "required": ["F60000000243"],
            }
        },
    },
    "ui": {
        "steps": [
            {
                "id": "G60000000086",
                "title": {"de": "Straßenanschrift"},
                "fields": [
                    {
                        "label": {"de": "Straße"},
                        "help": {"de": "Geben Sie an, wie die Straße heißt."},
                        "field": "/G60000000086/F60000000243",
                    }
                ],
            }
        ],
        "source": {"standard": "XDatenfelder 3.0.0", "id": "G60000000088", "version": "1.2.0"},
    },
}

# English for the imported German texts: step id or field pointer → (title or label, help).
ENGLISH: dict[str, tuple[str, str]] = {
    "G60000000086": ("Street address", ""),
    "/G60000000086/F60000000243": ("Street", "Enter the name of the street."),
}

_ITEMS = {
    "furniture": text("Möbel", "Furniture"),
    "mattresses": text("Matratzen und Lattenroste", "Mattresses and slatted frames"),
    "carpets": text("Teppiche und Bodenbeläge", "Carpets and floor coverings"),
    "other": text("Sonstiges Sperrgut", "Other bulky items"),
}


def form() -> tuple[dict[str, Any], dict[str, Any]]:
    """(schema, ui) of the demo form: the import plus the additions listed above."""
    schema = copy.deepcopy(IMPORTED["schema"])
    ui = copy.deepcopy(IMPORTED["ui"])
    for step in ui["steps"]:
        step["title"]["en"] = ENGLISH[step["id"]][0]
        for field in step["fields"]:
            label, help_text = ENGLISH[field["field"]]
            field["label"]["en"] = label
            if help_text:
                field["help"]["en"] = help_text
    schema["properties"] |= {
        "pickup": {
            "type": "object",
            "properties": {
                "house_number": string(9, pattern=r"^[0-9]+[ ]?[a-zA-Z]?(-[0-9]+[a-zA-Z]?)?$"),
                "postal_code": {"type": "string", "pattern": POSTCODE},
                "city": string(100),
                "where": string(300),
            },
            "required": ["house_number", "postal_code", "city"],
        },
        "cubic_metres": {"type": "integer", "minimum": 1, "maximum": 10},
        "items": {"type": "string", "enum": list(_ITEMS)},
        "description": string(500, min_length=3),
        "earliest_date": date(),
    }
    schema["required"] = ["G60000000086", "pickup", "cubic_metres", "items", "description"]
    ui["steps"][0]["fields"] += [
        {"field": "/pickup/house_number", "label": text("Hausnummer", "House number")},
        {
            "field": "/pickup/postal_code",
            "label": text("Postleitzahl", "Postcode"),
            "prefill": "postal_code",
        },
        {"field": "/pickup/city", "label": text("Ort", "Town"), "prefill": "city"},
        {
            "field": "/pickup/where",
            "label": text("Wo steht der Sperrmüll?", "Where will the items be?"),
            "help": text(
                "Zum Beispiel „vor der Garage, Einfahrt links“. Freiwillig.",
                "For example 'in front of the garage, left of the drive'. Optional.",
            ),
        },
    ]
    ui["steps"].append(
        {
            "id": "abholung",
            "title": text("Was wird abgeholt?", "What is to be collected?"),
            "notes": [
                text(
                    "Elektrogeräte, Bauschutt und Sonderabfälle gehören nicht zum Sperrmüll.",
                    "Electrical appliances, rubble and hazardous waste are not bulky waste.",
                )
            ],
            "fields": [
                {
                    "field": "/items",
                    "label": text("Überwiegend", "Mainly"),
                    "options": _ITEMS,
                },
                {
                    "field": "/description",
                    "label": text("Beschreibung", "Description"),
                    "help": text(
                        "Zum Beispiel „1 Sofa, 2 Schränke zerlegt, 1 Matratze“.",
                        "For example '1 sofa, 2 wardrobes taken apart, 1 mattress'.",
                    ),
                },
                {
                    "field": "/cubic_metres",
                    "label": text(
                        "Menge in Kubikmetern (geschätzt)", "Volume in cubic metres (estimate)"
                    ),
                    "help": text("Höchstens 10 m³ je Abholung.", "At most 10 m³ per collection."),
                },
                {
                    "field": "/earliest_date",
                    "label": text("Frühester Abholtermin", "Earliest collection date"),
                    "help": text("Freiwillig.", "Optional."),
                },
            ],
        }
    )
    ui["declarations"] = [
        {
            "id": "put_out",
            "text": text(
                "Ich stelle den Sperrmüll frühestens am Vorabend des Abholtermins so an die "
                "Straße, dass niemand behindert wird.",
                "I will put the items out no earlier than the evening before the collection so "
                "that they obstruct nobody.",
            ),
        }
    ]
    return schema, ui


SCHEMA, UI = form()

EXAMPLE: dict[str, dict[str, Any]] = {
    "G60000000086": {
        "/G60000000086/F60000000243": "Kölnstraße",
        "/pickup/house_number": "42",
        "/pickup/postal_code": "52351",
        "/pickup/city": "Düren",
        "/pickup/where": "vor der Garage",
    },
    "abholung": {
        "/items": "furniture",
        "/description": "1 Sofa, 2 Schränke zerlegt",
        "/cubic_metres": 3,
        "/earliest_date": "2027-01-15",
    },
}
