"""Online form: Gewerbe anmelden (Gewerbeanzeige nach § 14 GewO, vereinfacht).

Follows the structure of the official form (Anlage 1 GewAnzV) for a sole trader or a small
company: who runs the business, the business itself, permits and crafts.
"""

from typing import Any

from rathaus.demo.data.forms.building_blocks import (
    JSON_SCHEMA,
    POSTCODE,
    YES_NO,
    choice,
    date,
    example_person,
    person_fields,
    person_schema,
    string,
    text,
)

SERVICE = "gewerbe-anmelden"

_LEGAL_FORM = {
    "sole_trader": text("Einzelunternehmen", "Sole trader"),
    "gbr": text("Gesellschaft bürgerlichen Rechts (GbR)", "Civil-law partnership (GbR)"),
    "ohg": text("Offene Handelsgesellschaft (OHG)", "General partnership (OHG)"),
    "gmbh": text("GmbH", "Limited company (GmbH)"),
    "ug": text("UG (haftungsbeschränkt)", "Mini-GmbH (UG)"),
    "other": text("Andere Rechtsform", "Other legal form"),
}
_REASON = {
    "new": text("Neugründung", "New business"),
    "takeover": text("Übernahme eines bestehenden Betriebs", "Taking over a business"),
    "move_in": text("Zuzug aus einer anderen Gemeinde", "Moving in from another municipality"),
    "change_of_form": text("Wechsel der Rechtsform", "Change of legal form"),
}
_SCOPE = {
    "main": text("Hauptberuflich", "Main occupation"),
    "side": text("Nebenberuflich", "Secondary occupation"),
}
_CRAFT = {
    "none": text("Kein Handwerk", "Not a craft"),
    "craft": text("Zulassungspflichtiges Handwerk (Anlage A HwO)", "Licensed craft (Annex A)"),
    "craft_free": text(
        "Zulassungsfreies oder handwerksähnliches Gewerbe (Anlage B HwO)",
        "Unlicensed or craft-like trade (Annex B)",
    ),
}

SCHEMA: dict[str, Any] = {
    "$schema": JSON_SCHEMA,
    "type": "object",
    "properties": {
        "holder": {
            **person_schema(),
            "properties": {
                **person_schema()["properties"],
                "birth_place": string(100),
                "nationality": string(60),
            },
            "required": [*person_schema()["required"], "birth_place", "nationality"],
        },
        "business": {
            "type": "object",
            "properties": {
                "legal_form": choice(*_LEGAL_FORM),
                "company_name": string(200),
                "register_number": string(
                    40, pattern=r"^(HRA|HRB|GnR|PR|VR) ?[0-9]{1,6}( ?[A-Z]{1,2})?$"
                ),
                "reason": choice(*_REASON),
                "start_date": date(),
                "activity": string(1000, min_length=10),
                "scope": choice(*_SCOPE),
                "street": string(200),
                "postal_code": {"type": "string", "pattern": POSTCODE},
                "city": string(100),
                "employees_full_time": {"type": "integer", "minimum": 0, "maximum": 100000},
                "employees_part_time": {"type": "integer", "minimum": 0, "maximum": 100000},
            },
            "required": [
                "legal_form",
                "reason",
                "start_date",
                "activity",
                "scope",
                "street",
                "postal_code",
                "city",
            ],
            "if": {
                "properties": {"legal_form": {"enum": ["gbr", "ohg", "gmbh", "ug", "other"]}},
                "required": ["legal_form"],
            },
            "then": {"required": ["company_name"]},
        },
        "permit": {
            "type": "object",
            "properties": {
                "required": choice(*YES_NO),
                "authority": string(200),
                "issued_on": date(),
                "craft": choice(*_CRAFT),
            },
            "required": ["required", "craft"],
            "if": {"properties": {"required": {"const": "yes"}}, "required": ["required"]},
            "then": {"required": ["authority", "issued_on"]},
        },
    },
    "required": ["holder", "business", "permit"],
}

_COMPANY = {"field": "/business/legal_form", "in": ["gbr", "ohg", "gmbh", "ug", "other"]}
_REGISTERED = {"field": "/business/legal_form", "in": ["ohg", "gmbh", "ug"]}
_PERMIT = {"field": "/permit/required", "equals": "yes"}

UI: dict[str, Any] = {
    "steps": [
        {
            "id": "inhaber",
            "title": text("Inhaberin oder Inhaber", "Business owner"),
            "notes": [
                text(
                    "Bei Gesellschaften die vertretungsberechtigte Person.",
                    "For companies, the person authorised to represent it.",
                )
            ],
            "fields": [
                *person_fields("/holder"),
                {"field": "/holder/birth_place", "label": text("Geburtsort", "Place of birth")},
                {
                    "field": "/holder/nationality",
                    "label": text("Staatsangehörigkeit", "Nationality"),
                    "help": text("Zum Beispiel „deutsch“.", "For example 'German'."),
                },
            ],
        },
        {
            "id": "betrieb",
            "title": text("Angaben zum Betrieb", "About the business"),
            "fields": [
                {
                    "field": "/business/legal_form",
                    "label": text("Rechtsform", "Legal form"),
                    "options": _LEGAL_FORM,
                },
                {
                    "field": "/business/company_name",
                    "label": text("Name des Unternehmens", "Company name"),
                    "visible_if": _COMPANY,
                },
                {
                    "field": "/business/register_number",
                    "label": text("Handelsregisternummer", "Commercial register number"),
                    "help": text("Zum Beispiel „HRB 1234“.", "For example 'HRB 1234'."),
                    "visible_if": _REGISTERED,
                },
                {
                    "field": "/business/reason",
                    "label": text("Anlass der Anmeldung", "Reason for registering"),
                    "options": _REASON,
                },
                {
                    "field": "/business/start_date",
                    "label": text("Beginn der Tätigkeit", "Start date"),
                },
                {
                    "field": "/business/activity",
                    "label": text("Angemeldete Tätigkeit", "Business activity"),
                    "help": text(
                        "Beschreiben Sie genau, was Sie tun, z. B. „Einzelhandel mit "
                        "Fahrrädern und Zubehör, Reparatur von Fahrrädern“.",
                        "Describe exactly what you do, e.g. 'retail sale of bicycles and "
                        "accessories, bicycle repairs'.",
                    ),
                },
                {
                    "field": "/business/scope",
                    "label": text("Haupt- oder Nebenerwerb", "Main or secondary occupation"),
                    "options": _SCOPE,
                },
                {
                    "field": "/business/street",
                    "label": text(
                        "Betriebsstätte: Straße und Hausnummer", "Premises: street and number"
                    ),
                },
                {
                    "field": "/business/postal_code",
                    "label": text("Betriebsstätte: Postleitzahl", "Premises: postcode"),
                },
                {"field": "/business/city", "label": text("Betriebsstätte: Ort", "Premises: town")},
                {
                    "field": "/business/employees_full_time",
                    "label": text("Beschäftigte in Vollzeit", "Full-time employees"),
                    "help": text("Ohne Inhaberin oder Inhaber.", "Not counting the owner."),
                },
                {
                    "field": "/business/employees_part_time",
                    "label": text("Beschäftigte in Teilzeit", "Part-time employees"),
                },
            ],
        },
        {
            "id": "erlaubnisse",
            "title": text("Erlaubnisse und Handwerk", "Permits and crafts"),
            "fields": [
                {
                    "field": "/permit/required",
                    "label": text(
                        "Ist die Tätigkeit erlaubnispflichtig (z. B. Gaststätte, Makler, "
                        "Bewachung)?",
                        "Does the activity need a permit (e.g. restaurant, estate agent, "
                        "security)?",
                    ),
                    "options": YES_NO,
                },
                {
                    "field": "/permit/authority",
                    "label": text("Erteilende Behörde", "Issuing authority"),
                    "visible_if": _PERMIT,
                },
                {
                    "field": "/permit/issued_on",
                    "label": text("Datum der Erlaubnis", "Date of the permit"),
                    "visible_if": _PERMIT,
                },
                {
                    "field": "/permit/craft",
                    "label": text("Handwerk", "Craft"),
                    "help": text(
                        "Für ein zulassungspflichtiges Handwerk brauchen Sie die Eintragung in "
                        "die Handwerksrolle.",
                        "A licensed craft requires entry in the register of craftspeople.",
                    ),
                    "options": _CRAFT,
                },
            ],
        },
    ],
    "declarations": [
        {
            "id": "no_permit_replacement",
            "text": text(
                "Mir ist bekannt, dass die Gewerbeanzeige keine Erlaubnis ersetzt und dass die "
                "Angaben an Finanzamt, Kammern und weitere Stellen übermittelt werden (§ 14 "
                "Absatz 8 bis 14 GewO).",
                "I understand that registering a business does not replace a permit and that "
                "the information is passed on to the tax office, the chambers and other bodies "
                "(section 14(8) to (14) GewO).",
            ),
        }
    ],
}

EXAMPLE: dict[str, dict[str, Any]] = {
    "inhaber": {
        **example_person("/holder"),
        "/holder/birth_place": "Aachen",
        "/holder/nationality": "deutsch",
    },
    "betrieb": {
        "/business/legal_form": "sole_trader",
        "/business/reason": "new",
        "/business/start_date": "2027-01-01",
        "/business/activity": "Einzelhandel mit Fahrrädern und Zubehör, Reparatur von Fahrrädern",
        "/business/scope": "main",
        "/business/street": "Wirtelstraße 10",
        "/business/postal_code": "52349",
        "/business/city": "Düren",
        "/business/employees_full_time": 1,
        "/business/employees_part_time": 2,
    },
    "erlaubnisse": {"/permit/required": "no", "/permit/craft": "craft_free"},
}
