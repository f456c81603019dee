"""Online form: Hund anmelden (Hundesteuer).

Up to three dogs in one application, one fieldset each; the details of the second and third
dog are asked only when the applicant says so (a group condition on the number of dogs, asked
on the step before). A dog cannot be born in the future nor kept before it was born. The
number of dogs becomes the fee parameter `dogs` of the service's formula (first, second,
further dog) through a computed value.
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

SERVICE = "hund-anmelden"

MAX_DOGS = 3

_SEX = {
    "female": text("Hündin", "Female"),
    "male": text("Rüde", "Male"),
}
_ORIGIN = {
    "breeder": text("Züchter", "Breeder"),
    "shelter": text("Tierheim", "Animal shelter"),
    "private": text("Privat", "Private person"),
    "moved": text("Zuzug mit Hund aus einer anderen Gemeinde", "Moved here with the dog"),
}
_EXEMPTION = {
    "none": text("Keine Befreiung", "No exemption"),
    "guide_dog": text("Blindenführhund", "Guide dog"),
    "assistance_dog": text("Assistenzhund", "Assistance dog"),
    "rescue_dog": text("Rettungshund mit Prüfung", "Certified rescue dog"),
    "shelter_dog": text(
        "Hund aus einem Tierheim (Ermäßigung im ersten Jahr)",
        "Dog from an animal shelter (reduction in the first year)",
    ),
}


def _dog_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "name": string(60),
            "breed": string(100),
            "sex": choice(*_SEX),
            "born": date(),
            "colour": string(60),
            "chip_number": {"type": "string", "pattern": r"^[0-9]{15}$"},
            "kept_since": date(),
            "origin": choice(*_ORIGIN),
            "large_dog": choice(*YES_NO),
        },
        "required": ["name", "breed", "sex", "born", "kept_since", "origin", "large_dog"],
    }


def _dog_group(number: int) -> dict[str, Any]:
    """The fieldset of one dog; the second and third only when that many are registered."""
    group: dict[str, Any] = {
        "id": f"dog{number}",
        "legend": text(f"{number}. Hund", f"Dog {number}"),
    }
    if number > 1:
        group["visible_if"] = {"field": "/number_of_dogs", "in": list(range(number, MAX_DOGS + 1))}
    return group


def _dog_fields(number: int) -> list[dict[str, Any]]:
    base = f"/dog{number}"
    fields: list[dict[str, Any]] = [
        {"field": f"{base}/name", "label": text("Rufname", "Name")},
        {
            "field": f"{base}/breed",
            "label": text("Rasse", "Breed"),
            "help": text(
                "Bei Mischlingen die erkennbaren Rassen, z. B. „Labrador-Mischling“.",
                "For cross-breeds the recognisable breeds, e.g. 'Labrador cross'.",
            ),
        },
        {"field": f"{base}/sex", "label": text("Geschlecht", "Sex"), "options": _SEX},
        {
            "field": f"{base}/born",
            "label": text("Wurfdatum", "Date of birth"),
            "not_in_future": True,
            "messages": {
                "not_in_future": text(
                    f"Das Wurfdatum des {number}. Hundes muss in der Vergangenheit liegen.",
                    f"Dog {number}'s date of birth must be in the past.",
                )
            },
        },
        {"field": f"{base}/colour", "label": text("Fellfarbe", "Coat colour")},
        {
            "field": f"{base}/chip_number",
            "label": text("Transpondernummer (Chip)", "Microchip number"),
            "help": text(
                "15 Ziffern, steht im Heimtierausweis. Freiwillig.",
                "15 digits, printed in the pet passport. Optional.",
            ),
        },
        {
            "field": f"{base}/kept_since",
            "label": text("Gehalten seit", "Kept since"),
            "not_before": f"{base}/born",
            "messages": {
                "not_before": text(
                    f"Der {number}. Hund kann nicht vor seinem Wurfdatum zu Ihnen gekommen sein. "
                    "Prüfen Sie „Gehalten seit“ und das Wurfdatum.",
                    f"Dog {number} cannot have come to you before it was born. Check "
                    "'kept since' and the date of birth.",
                )
            },
        },
        {"field": f"{base}/origin", "label": text("Herkunft", "Origin"), "options": _ORIGIN},
        {
            "field": f"{base}/large_dog",
            "label": text(
                "Mindestens 40 cm Schulterhöhe oder 20 kg Gewicht?",
                "At least 40 cm at the shoulder or 20 kg?",
            ),
            "help": text(
                "Große Hunde müssen in NRW angezeigt werden (§ 11 Landeshundegesetz).",
                "Large dogs must be notified in NRW (section 11 Dog Act of the Land).",
            ),
            "options": YES_NO,
        },
    ]
    for field in fields:
        field["group"] = f"dog{number}"
    return fields


SCHEMA: dict[str, Any] = {
    "$schema": JSON_SCHEMA,
    "type": "object",
    "properties": {
        "holder": person_schema(),
        "number_of_dogs": {"type": "integer", "minimum": 1, "maximum": MAX_DOGS},
        **{f"dog{n}": _dog_schema() for n in range(1, MAX_DOGS + 1)},
        "dogs": {"type": "integer", "minimum": 1, "maximum": MAX_DOGS},
        "insurance": {
            "type": "object",
            "properties": {
                "insurer": string(120),
                "policy_number": string(40),
            },
            "required": ["insurer", "policy_number"],
        },
        "exemption": {
            "type": "object",
            "properties": {
                "kind": choice(*_EXEMPTION),
                "explanation": string(500),
            },
            "required": ["kind"],
        },
    },
    "required": ["holder", "number_of_dogs", "dog1", "insurance", "exemption"],
    # The details of dog 2 and 3 are required only when that many dogs are registered.
    "allOf": [
        {
            "if": {
                "properties": {"number_of_dogs": {"minimum": n}},
                "required": ["number_of_dogs"],
            },
            "then": {"required": [f"dog{n}"]},
        }
        for n in range(2, MAX_DOGS + 1)
    ],
}

UI: dict[str, Any] = {
    "steps": [
        {
            "id": "halter",
            "title": text("Halterin oder Halter", "Dog owner"),
            "notes": [
                text(
                    "Wir haben Angaben aus Ihrem Konto übernommen. Bitte prüfen Sie sie.",
                    "We have filled in details from your account. Please check them.",
                )
            ],
            "fields": person_fields("/holder"),
        },
        {
            "id": "anzahl",
            "title": text("Anzahl der Hunde", "Number of dogs"),
            "fields": [
                {
                    "field": "/number_of_dogs",
                    "label": text(
                        "Wie viele Hunde melden Sie mit diesem Antrag an?",
                        "How many dogs are you registering with this application?",
                    ),
                    "help": text(
                        "Höchstens drei; für weitere Hunde stellen Sie bitte einen zweiten "
                        "Antrag. Die Steuer richtet sich nach der Zahl der Hunde.",
                        "At most three; please apply again for further dogs. The tax depends "
                        "on the number of dogs.",
                    ),
                    "messages": {
                        "required": text(
                            "Geben Sie an, wie viele Hunde Sie anmelden.",
                            "Enter how many dogs you are registering.",
                        ),
                        "type": text(
                            "Geben Sie die Zahl der Hunde in Ziffern an, zum Beispiel 2.",
                            "Enter the number of dogs in digits, for example 2.",
                        ),
                        "minimum": text(
                            "Sie können mit einem Antrag 1 bis 3 Hunde anmelden.",
                            "You can register 1 to 3 dogs with one application.",
                        ),
                        "maximum": text(
                            "Sie können mit einem Antrag 1 bis 3 Hunde anmelden. Stellen Sie für "
                            "weitere Hunde bitte einen zweiten Antrag.",
                            "You can register 1 to 3 dogs with one application. Please apply "
                            "again for further dogs.",
                        ),
                    },
                }
            ],
        },
        {
            "id": "hunde",
            "title": text("Angaben zu den Hunden", "About the dogs"),
            "groups": [_dog_group(n) for n in range(1, MAX_DOGS + 1)],
            "fields": [field for n in range(1, MAX_DOGS + 1) for field in _dog_fields(n)],
        },
        {
            "id": "versicherung",
            "title": text(
                "Haftpflichtversicherung und Befreiung", "Liability insurance and exemption"
            ),
            "notes": [
                text(
                    "Laden Sie im nächsten Schritt den Nachweis der Haftpflichtversicherung hoch.",
                    "In the next step, upload the proof of liability insurance.",
                )
            ],
            "fields": [
                {
                    "field": "/insurance/insurer",
                    "label": text("Versicherungsunternehmen", "Insurance company"),
                },
                {
                    "field": "/insurance/policy_number",
                    "label": text("Versicherungsscheinnummer", "Policy number"),
                },
                {
                    "field": "/exemption/kind",
                    "label": text(
                        "Beantragen Sie eine Steuerbefreiung oder Ermäßigung?",
                        "Are you applying for an exemption or a reduction?",
                    ),
                    "options": _EXEMPTION,
                },
                {
                    "field": "/exemption/explanation",
                    "label": text("Begründung", "Reason"),
                    "help": text(
                        "Den Nachweis (z. B. Ausweis des Assistenzhundes) reichen wir bei Bedarf "
                        "nach.",
                        "We will ask for proof (e.g. the assistance dog's card) if needed.",
                    ),
                    "visible_if": {
                        "field": "/exemption/kind",
                        "in": ["guide_dog", "assistance_dog", "rescue_dog", "shelter_dog"],
                    },
                },
            ],
        },
    ],
    "computed": [{"field": "/dogs", "expression": "number_of_dogs"}],
    "declarations": [
        {
            "id": "dog_tag",
            "text": text(
                "Ich werde dafür sorgen, dass jeder angemeldete Hund außerhalb meiner Wohnung die "
                "Hundemarke sichtbar trägt.",
                "I will make sure that every registered dog wears its tag visibly outside my home.",
            ),
        },
        {
            "id": "no_dangerous_dog",
            "text": text(
                "Keiner der angemeldeten Hunde ist ein gefährlicher Hund im Sinne des "
                "Landeshundegesetzes.",
                "None of the registered dogs is a dangerous dog under the Land's Dog Act.",
            ),
        },
    ],
}

# Example answers, step id → {JSON pointer: value}: two dogs, no exemption.
EXAMPLE: dict[str, dict[str, Any]] = {
    "halter": example_person("/holder"),
    "anzahl": {"/number_of_dogs": 2},
    "hunde": {
        "/dog1/name": "Bello",
        "/dog1/breed": "Labrador-Mischling",
        "/dog1/sex": "male",
        "/dog1/born": "2022-05-01",
        "/dog1/colour": "schwarz",
        "/dog1/chip_number": "276098106543210",
        "/dog1/kept_since": "2026-10-01",
        "/dog1/origin": "shelter",
        "/dog1/large_dog": "yes",
        "/dog2/name": "Luna",
        "/dog2/breed": "Dackel",
        "/dog2/sex": "female",
        "/dog2/born": "2024-02-14",
        "/dog2/kept_since": "2026-10-01",
        "/dog2/origin": "breeder",
        "/dog2/large_dog": "no",
    },
    "versicherung": {
        "/insurance/insurer": "Rheinische Tierhalter Versicherung AG",
        "/insurance/policy_number": "TH-2026-004711",
        "/exemption/kind": "none",
    },
}
