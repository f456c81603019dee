"""Pieces the demo forms share: translated texts and the applicant's person and address.

The person block asks for the profile data an account holds (`prefill`, see
applications/prefill.py); the applicant can change every prefilled value.
"""

from typing import Any

JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"

POSTCODE = r"^[0-9]{5}$"


def text(de: str, en: str) -> dict[str, str]:
    """A text of the UI layer in German and English."""
    return {"de": de, "en": en}


def string(max_length: int, *, min_length: int = 1, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "minLength": min_length, "maxLength": max_length, **extra}


def date() -> dict[str, Any]:
    return {"type": "string", "format": "date"}


def choice(*codes: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(codes)}


YES_NO = {"yes": text("Ja", "Yes"), "no": text("Nein", "No")}


def person_schema(*, with_birth_date: bool = True, with_contact: bool = True) -> dict[str, Any]:
    """The applicant: name, date of birth, address and how to reach them."""
    properties: dict[str, Any] = {
        "first_name": string(100),
        "last_name": string(100),
    }
    required = ["first_name", "last_name"]
    if with_birth_date:
        properties["date_of_birth"] = date()
        required.append("date_of_birth")
    properties |= {
        "street": string(200),
        "postal_code": {"type": "string", "pattern": POSTCODE},
        "city": string(100),
    }
    required += ["street", "postal_code", "city"]
    if with_contact:
        properties |= {
            "email": {"type": "string", "format": "email", "maxLength": 254},
            "phone": string(40, pattern=r"^[0-9 +()/-]+$"),
        }
    return {"type": "object", "properties": properties, "required": required}


def person_fields(
    base: str, *, with_birth_date: bool = True, with_contact: bool = True
) -> list[dict[str, Any]]:
    """UI fields for `person_schema` at JSON pointer `base`, prefilled from the profile."""
    fields: list[dict[str, Any]] = [
        {
            "field": f"{base}/first_name",
            "label": text("Vorname(n)", "First name(s)"),
            "prefill": "first_name",
            "messages": {
                "required": text("Geben Sie Ihren Vornamen ein.", "Enter your first name.")
            },
        },
        {
            "field": f"{base}/last_name",
            "label": text("Familienname", "Surname"),
            "prefill": "last_name",
            "messages": {
                "required": text("Geben Sie Ihren Familiennamen ein.", "Enter your surname.")
            },
        },
    ]
    if with_birth_date:
        fields.append(
            {
                "field": f"{base}/date_of_birth",
                "label": text("Geburtsdatum", "Date of birth"),
                "prefill": "date_of_birth",
                "not_in_future": True,
                "messages": {
                    "required": text(
                        "Geben Sie Ihr Geburtsdatum ein.", "Enter your date of birth."
                    ),
                    "not_in_future": text(
                        "Das Geburtsdatum muss in der Vergangenheit liegen.",
                        "Your date of birth must be in the past.",
                    ),
                },
            }
        )
    fields += [
        {
            "field": f"{base}/street",
            "label": text("Straße und Hausnummer", "Street and house number"),
            "prefill": "street",
        },
        {
            "field": f"{base}/postal_code",
            "label": text("Postleitzahl", "Postcode"),
            "prefill": "postal_code",
            "messages": {
                "required": text("Geben Sie Ihre Postleitzahl ein.", "Enter your postcode."),
                "pattern": text(
                    "Die Postleitzahl muss aus 5 Ziffern bestehen, zum Beispiel 52351.",
                    "The postcode must be 5 digits, for example 52351.",
                ),
            },
        },
        {"field": f"{base}/city", "label": text("Ort", "Town or city"), "prefill": "city"},
    ]
    if with_contact:
        fields += [
            {
                "field": f"{base}/email",
                "label": text("E-Mail-Adresse", "E-mail address"),
                "help": text(
                    "Für Rückfragen zu Ihrem Antrag (freiwillig).",
                    "For questions about your application (optional).",
                ),
                "prefill": "email",
            },
            {
                "field": f"{base}/phone",
                "label": text("Telefon", "Phone"),
                "help": text("Freiwillig.", "Optional."),
                "prefill": "phone",
            },
        ]
    return fields


# An applicant for the example answers of the forms (tests, benchmark, manual trials).
EXAMPLE_PERSON: dict[str, Any] = {
    "first_name": "Erika",
    "last_name": "Mustermann",
    "date_of_birth": "1984-03-12",
    "street": "Kölnstraße 42",
    "postal_code": "52351",
    "city": "Düren",
    "email": "buerger@demo.rathaus.example",
    "phone": "02421 123456",
}


def example_person(
    base: str, *, with_birth_date: bool = True, with_contact: bool = True
) -> dict[str, Any]:
    """The values of `person_fields(base, ...)` for EXAMPLE_PERSON, by JSON pointer."""
    return {
        field["field"]: EXAMPLE_PERSON[field["field"].rsplit("/", 1)[-1]]
        for field in person_fields(base, with_birth_date=with_birth_date, with_contact=with_contact)
    }
