"""Declarations (Erklärungen) an applicant accepts before submitting.

Every form has the two standard declarations below; a form's UI layer may add its own under
``"declarations": [{"id": "...", "text": {"de": "...", "en": "..."}}]``.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Declaration:
    id: str
    text_de: str
    text_en: str

    def text(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else self.text_de


# Ids listed in form_schema.STANDARD_DECLARATIONS, which a form cannot redefine.
STANDARD = (
    Declaration(
        "truthful",
        "Ich versichere, dass meine Angaben vollständig und wahrheitsgemäß sind.",
        "I confirm that the information I have given is complete and true.",
    ),
    Declaration(
        "privacy",
        "Ich habe die Datenschutzhinweise zur Verarbeitung meiner Angaben in diesem Verfahren "
        "zur Kenntnis genommen.",
        "I have read the privacy notice on how my information is processed in this procedure.",
    ),
)

DECLARATIONS_TITLE = _("Declarations")


def declarations_of(ui: Mapping[str, Any]) -> list[Declaration]:
    """The standard declarations followed by those of the form's UI layer."""
    extra = [
        Declaration(d["id"], d["text"]["de"], d["text"].get("en", ""))
        for d in ui.get("declarations", [])
        if isinstance(d, Mapping) and isinstance(d.get("text"), Mapping)
    ]
    return [*STANDARD, *extra]
