"""Levels of assurance (Vertrauensniveaus) after eIDAS, and how delivered values map onto them.

rathaus knows three ordered levels, the eIDAS levels of Implementing Regulation (EU) 2015/1502:
``low`` < ``substantial`` < ``high``. They are the values of ``Service.min_trust_level``.

Identity providers deliver the level in one of two vocabularies, both accepted:

* the eIDAS URIs ``http://eidas.europa.eu/LoA/low|substantial|high`` (eIDAS SAML profile,
  also used as OIDC ``acr`` values), and the bare words ``low``/``substantial``/``high``;
* the STORK QAA levels that BundID (and the older Servicekonten) send as
  ``STORK-QAA-Level-1`` … ``STORK-QAA-Level-4``.

STORK mapping chosen (BundID's own documentation and the eIDAS node's STORK↔eIDAS table):

==================  ====================================  ===============
STORK QAA           BundID means of identification         rathaus level
==================  ====================================  ===============
STORK-QAA-Level-1   user name + password (Basisregistr.)   low
STORK-QAA-Level-2   (not used by BundID)                   low
STORK-QAA-Level-3   ELSTER certificate, some EU eIDs       substantial
STORK-QAA-Level-4   Online-Ausweis (eID), eAT, EU card     high
==================  ====================================  ===============

Strictly, BundID's Level-1 does not reach eIDAS "low" (no identity proofing). rathaus's ``low``
is the platform's baseline — a self-registered account, the same as our own password login —
so Level-1 and Level-2 map to it; nothing below ``low`` exists in the catalogue.

Our own password login is ``low`` even with a second factor (TOTP, passkey): the eIDAS level
is the lowest of all its elements (Annex of 2015/1502), and a self-registered account has
only e-mail verification as identity proofing. MFA strengthens the authentication element,
not the identity proofing, so the account stays at ``low``.

Unknown values map to ``None``: a login that delivers no recognisable level is refused rather
than guessed.
"""

from __future__ import annotations

from enum import IntEnum


class TrustLevel(IntEnum):
    """eIDAS levels in their order; the enum names are the catalogue's values."""

    LOW = 1
    SUBSTANTIAL = 2
    HIGH = 3

    @property
    def key(self) -> str:
        """The value stored in the catalogue and the session ("low", …)."""
        return self.name.lower()

    @property
    def eidas_uri(self) -> str:
        return f"{EIDAS_URI_PREFIX}{self.key}"

    @classmethod
    def from_key(cls, key: str) -> TrustLevel:
        """The level for a catalogue value; ValueError for anything else."""
        try:
            return cls[key.upper()]
        except KeyError:
            raise ValueError(f"unknown trust level {key!r}") from None


EIDAS_URI_PREFIX = "http://eidas.europa.eu/LoA/"

STORK_QAA_LEVELS: dict[str, TrustLevel] = {
    "STORK-QAA-Level-1": TrustLevel.LOW,
    "STORK-QAA-Level-2": TrustLevel.LOW,
    "STORK-QAA-Level-3": TrustLevel.SUBSTANTIAL,
    "STORK-QAA-Level-4": TrustLevel.HIGH,
}

_DELIVERED: dict[str, TrustLevel] = {
    **{name.lower(): level for name, level in STORK_QAA_LEVELS.items()},
    **{level.eidas_uri: level for level in TrustLevel},
    **{level.key: level for level in TrustLevel},
}


def level_from_delivered(value: object) -> TrustLevel | None:
    """The level for a value an identity provider delivered, or None if unrecognised.

    Accepts the eIDAS URIs, the bare eIDAS words and STORK-QAA-Level-1..4 (case-insensitive
    for the STORK names; a list — SAML attributes are multi-valued — yields its highest level).
    """
    if isinstance(value, list | tuple):
        levels = [lvl for item in value if (lvl := level_from_delivered(item)) is not None]
        return max(levels) if levels else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    return _DELIVERED.get(text) or _DELIVERED.get(text.lower())


def level_at_least(reached: TrustLevel | None, required: TrustLevel) -> bool:
    """True if `reached` satisfies `required` (no level satisfies nothing)."""
    return reached is not None and reached >= required
