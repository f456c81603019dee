"""Online form: Sondernutzungserlaubnis beantragen (use of public roads beyond common use).

`area` and `weeks` are top-level numbers because the shared fee formula takes them as its
parameters; where a municipality decides the fee case by case (a range), they inform the
decision instead.
"""

from typing import Any

from rathaus.demo.data.forms.building_blocks import (
    JSON_SCHEMA,
    YES_NO,
    choice,
    date,
    example_person,
    person_fields,
    person_schema,
    string,
    text,
)

SERVICE = "sondernutzungserlaubnis"

_APPLICANT_KIND = {
    "private": text("Als Privatperson", "As a private person"),
    "company": text("Für ein Unternehmen oder einen Verein", "For a company or association"),
}
_PURPOSE = {
    "outdoor_dining": text("Außengastronomie (Tische und Stühle)", "Outdoor seating for a café"),
    "scaffolding": text("Baugerüst", "Scaffolding"),
    "container": text("Container oder Mulde", "Skip or container"),
    "removal": text("Umzug (Halteverbot und Möbelwagen)", "House move (no-parking zone and van)"),
    "advertising": text("Werbeaufsteller oder Warenauslage", "Advertising board or goods display"),
    "stand": text("Informations- oder Verkaufsstand", "Information or sales stand"),
}

SCHEMA: dict[str, Any] = {
    "$schema": JSON_SCHEMA,
    "type": "object",
    "properties": {
        "applicant_kind": choice(*_APPLICANT_KIND),
        "applicant": person_schema(with_birth_date=False),
        "company_name": string(200),
        "purpose": choice(*_PURPOSE),
        "description": string(1000, min_length=10),
        "location": {
            "type": "object",
            "properties": {
                "street": string(200),
                "postal_code": {"type": "string", "pattern": r"^[0-9]{5}$"},
                "where": string(300),
            },
            "required": ["street", "postal_code"],
        },
        "area": {"type": "number", "exclusiveMinimum": 0, "maximum": 10000},
        "start": date(),
        "end": date(),
        "weeks": {"type": "integer", "minimum": 1, "maximum": 52},
        "road_closure": choice(*YES_NO),
    },
    "required": [
        "applicant_kind",
        "applicant",
        "purpose",
        "description",
        "location",
        "area",
        "start",
        "end",
        "weeks",
        "road_closure",
    ],
    "if": {"properties": {"applicant_kind": {"const": "company"}}, "required": ["applicant_kind"]},
    "then": {"required": ["company_name"]},
}

UI: dict[str, Any] = {
    "steps": [
        {
            "id": "antragsteller",
            "title": text("Antragstellerin oder Antragsteller", "Applicant"),
            "fields": [
                {
                    "field": "/applicant_kind",
                    "label": text("Sie stellen den Antrag", "You are applying"),
                    "options": _APPLICANT_KIND,
                },
                {
                    "field": "/company_name",
                    "label": text(
                        "Name des Unternehmens oder Vereins", "Name of the company or association"
                    ),
                    "visible_if": {"field": "/applicant_kind", "equals": "company"},
                },
                *person_fields("/applicant", with_birth_date=False),
            ],
        },
        {
            "id": "nutzung",
            "title": text("Art und Ort der Nutzung", "Kind and place of use"),
            "fields": [
                {"field": "/purpose", "label": text("Wofür?", "What for?"), "options": _PURPOSE},
                {
                    "field": "/description",
                    "label": text("Beschreibung", "Description"),
                    "help": text(
                        "Was wird aufgestellt, wie groß ist es, bleibt ein Durchgang für "
                        "Fußgänger frei?",
                        "What will be put up, how large is it, does a path remain free for "
                        "pedestrians?",
                    ),
                },
                {
                    "field": "/location/street",
                    "label": text("Straße und Hausnummer", "Street and number"),
                },
                {"field": "/location/postal_code", "label": text("Postleitzahl", "Postcode")},
                {
                    "field": "/location/where",
                    "label": text("Genaue Lage", "Exact location"),
                    "help": text(
                        "Zum Beispiel „Gehweg vor dem Eingang, 2 m breit“.",
                        "For example 'pavement in front of the entrance, 2 m wide'.",
                    ),
                },
                {
                    "field": "/road_closure",
                    "label": text(
                        "Muss die Fahrbahn ganz oder teilweise gesperrt werden?",
                        "Does the road have to be closed fully or partly?",
                    ),
                    "help": text(
                        "Dann brauchen wir einen Verkehrszeichenplan.",
                        "Then we need a traffic sign plan.",
                    ),
                    "options": YES_NO,
                },
            ],
        },
        {
            "id": "umfang",
            "title": text("Fläche und Dauer", "Area and duration"),
            "fields": [
                {
                    "field": "/area",
                    "label": text("Fläche in Quadratmetern", "Area in square metres"),
                },
                {"field": "/start", "label": text("Beginn", "From")},
                {"field": "/end", "label": text("Ende", "Until")},
                {
                    "field": "/weeks",
                    "label": text(
                        "Dauer in angefangenen Wochen", "Duration in weeks or part thereof"
                    ),
                },
            ],
        },
    ],
    "declarations": [
        {
            "id": "safety",
            "text": text(
                "Ich sorge für die Verkehrssicherheit der genutzten Fläche und stelle den "
                "ursprünglichen Zustand nach Ende der Nutzung wieder her.",
                "I will keep the area safe for traffic and restore it to its original state when "
                "the use ends.",
            ),
        }
    ],
}

EXAMPLE: dict[str, dict[str, Any]] = {
    "antragsteller": {
        **example_person("/applicant", with_birth_date=False),
        "/applicant_kind": "company",
        "/company_name": "Café am Markt GmbH",
    },
    "nutzung": {
        "/purpose": "outdoor_dining",
        "/description": "Vier Tische und sechzehn Stühle, Durchgang von 1,50 m bleibt frei.",
        "/location/street": "Markt 3",
        "/location/postal_code": "52349",
        "/location/where": "Gehweg vor dem Café",
        "/road_closure": "no",
    },
    "umfang": {"/area": 12.5, "/start": "2027-04-01", "/end": "2027-09-30", "/weeks": 26},
}
