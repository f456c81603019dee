"""Official municipality keys: Amtlicher Regionalschlüssel (ARS, 12 digits) and
Amtlicher Gemeindeschlüssel (AGS, 8 digits).

ARS = Land (2) + Regierungsbezirk (1) + Kreis (2) + Gemeindeverband (4) + Gemeinde (3);
AGS = Land (2) + Regierungsbezirk (1) + Kreis (2) + Gemeinde (3), i.e. the ARS without the
Gemeindeverband part.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LAENDER = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}

_ARS = re.compile(r"^\d{12}$")
_AGS = re.compile(r"^\d{8}$")


def validate_ars(value: str) -> None:
    if not _ARS.match(value or ""):
        raise ValidationError(
            _("The ARS must have exactly 12 digits (e.g. 053580008008), got “%(value)s”."),
            code="ars_format",
            params={"value": value},
        )
    if value[:2] not in LAENDER:
        raise ValidationError(
            _("The ARS must start with a Land code 01–16, got “%(land)s”."),
            code="ars_land",
            params={"land": value[:2]},
        )


def validate_ags(value: str) -> None:
    if not _AGS.match(value or ""):
        raise ValidationError(
            _("The AGS must have exactly 8 digits (e.g. 05358008), got “%(value)s”."),
            code="ags_format",
            params={"value": value},
        )
    if value[:2] not in LAENDER:
        raise ValidationError(
            _("The AGS must start with a Land code 01–16, got “%(land)s”."),
            code="ags_land",
            params={"land": value[:2]},
        )


def ags_from_ars(ars: str) -> str:
    """The AGS that belongs to a (municipality-level) ARS."""
    return ars[:5] + ars[9:]


def land_name(key: str) -> str:
    return LAENDER.get(key[:2], "")
