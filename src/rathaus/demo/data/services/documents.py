"""Building blocks for required documents (Nachweise) shared by many services."""

from typing import Any

ORIGINAL = "original"
COPY = "copy"
CERTIFIED_COPY = "certified_copy"


def doc(
    name_de: str,
    name_en: str,
    form: str = COPY,
    *,
    electronic: bool = True,
    mandatory: bool = True,
    note_de: str = "",
    note_en: str = "",
) -> dict[str, Any]:
    """A required document (Nachweis) as the catalogue stores it."""
    return {
        "name_de": name_de,
        "name_en": name_en,
        "form": form,
        "electronic_accepted": electronic,
        "mandatory": mandatory,
        "note_de": note_de,
        "note_en": note_en,
    }


ID_DOCUMENT = doc(
    "Personalausweis oder Reisepass",
    "Identity card or passport",
    ORIGINAL,
    electronic=False,
)
BIOMETRIC_PHOTO = doc(
    "Biometrisches Passfoto",
    "Biometric passport photo",
    ORIGINAL,
    electronic=True,
    note_de="Nicht älter als sechs Monate; digital von einem zertifizierten Fotografen.",
    note_en="No older than six months; digitally from a certified photographer.",
)
POWER_OF_ATTORNEY = doc(
    "Vollmacht",
    "Power of attorney",
    ORIGINAL,
    mandatory=False,
    note_de="Nur wenn eine andere Person den Antrag für Sie stellt.",
    note_en="Only if someone else applies on your behalf.",
)
