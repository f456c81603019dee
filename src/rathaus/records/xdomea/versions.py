"""xdomea versions, namespaces, message types and what differs between versions.

Every version lives in its own namespace (`urn:xoev-de:xdomea:schema:<version>`); a message's
root element is named `<Family>.<Name>.<code>`, e.g. `Aussonderung.Anbieteverzeichnis.0501`.
`PROFILES` records, per version, the few structural differences the builder and the parser
must know; everything else is shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import Problem, XdomeaInvalid

NAMESPACE_PREFIX = "urn:xoev-de:xdomea:schema:"
SUPPORTED_VERSIONS: tuple[str, ...] = ("2.3.0", "2.4.0", "3.0.0", "3.1.0")
PRODUCIBLE_VERSIONS: tuple[str, ...] = ("3.1.0", "3.0.0", "2.4.0")
DEFAULT_VERSION = "3.1.0"

# 2.x has no wrapper schema: the two message families we use are compiled together.
_FAMILY_SCHEMAS_2X = (
    "xdomea-Nachrichten-AussonderungDurchfuehren.xsd",
    "xdomea-Nachrichten-AbgabeDurchfuehren.xsd",
)


@dataclass(frozen=True)
class MessageType:
    """One xdomea message type, e.g. 0501 `Aussonderung.Anbieteverzeichnis`."""

    code: str
    name: str

    @property
    def root_name(self) -> str:
        """Local name of the root element, e.g. `Aussonderung.Anbieteverzeichnis.0501`."""
        return f"{self.name}.{self.code}"


MESSAGE_TYPES: dict[str, MessageType] = {
    m.code: m
    for m in (
        MessageType("0401", "Abgabe.Abgabe"),
        MessageType("0402", "Abgabe.ImportBestaetigen"),
        MessageType("0403", "Abgabe.EmpfangBestaetigen"),
        MessageType("0501", "Aussonderung.Anbieteverzeichnis"),
        MessageType("0502", "Aussonderung.Bewertungsverzeichnis"),
        MessageType("0503", "Aussonderung.Aussonderung"),
        MessageType("0504", "Aussonderung.AnbietungEmpfangBestaetigen"),
        MessageType("0505", "Aussonderung.BewertungEmpfangBestaetigen"),
        MessageType("0506", "Aussonderung.AussonderungImportBestaetigen"),
        MessageType("0507", "Aussonderung.AussonderungEmpfangBestaetigen"),
    )
}


@dataclass(frozen=True)
class Profile:
    """What differs between xdomea versions in the messages this library reads and writes."""

    version: str
    # Schema files (relative to `<schema dir>/<version>/`) that together define the messages.
    schema_files: tuple[str, ...]
    # Message codes the version defines (2.x has neither 0403 nor 0507).
    message_codes: frozenset[str]
    # Fixed `listVersionID` of the code list Nachrichtentyp.
    message_type_list_version: str
    # `listVersionID` of the code list Dateiformat (required in 3.x, fixed "1.0" in 2.x).
    file_format_list_version: str
    # 3.x wraps the Aussonderungsart code (`AussonderungsartType`: code or configurable text).
    disposal_code_wrapped: bool
    # 3.x: `Aufbewahrungsdauer` is `AnzahlJahre | Unbefristet`; 2.x: a bare integer.
    retention_wrapped: bool
    # Element of `Behoerdenkennung` carrying the authority key.
    authority_key_element: str
    # 3.x headers of 0401/0503 also carry `Empfangsbestaetigung`.
    receipt_flag_in_transfer_header: bool
    # 3.x confirms 0402/0506 per object (`IDSGO`); 2.x sends one overall result.
    per_object_results: bool
    # 3.x has `DateinameOriginal` in `Primaerdokument`.
    original_file_name: bool
    # 3.x allows documents, cases and sub-files side by side in `Akteninhalt`; 2.x allows
    # documents or cases, and places `Teilakte` after `Kontakt`.
    mixed_file_content: bool
    # Strings are `xoev-lc:String.Latin` (Latin characters only) in 2.x.
    latin_only: bool

    @property
    def namespace(self) -> str:
        """The version's target namespace."""
        return NAMESPACE_PREFIX + self.version


_ALL_CODES = frozenset(MESSAGE_TYPES)


def _profile_2x(version: str) -> Profile:
    return Profile(
        version=version,
        schema_files=_FAMILY_SCHEMAS_2X,
        message_codes=_ALL_CODES - {"0403", "0507"},
        message_type_list_version="1.0",
        file_format_list_version="1.0",
        disposal_code_wrapped=False,
        retention_wrapped=False,
        authority_key_element="Kennung",
        receipt_flag_in_transfer_header=False,
        per_object_results=False,
        original_file_name=False,
        mixed_file_content=False,
        latin_only=True,
    )


def _profile_3x(version: str) -> Profile:
    return Profile(
        version=version,
        schema_files=("xdomea.xsd",),
        message_codes=_ALL_CODES,
        message_type_list_version="2.0",
        file_format_list_version="2.0",
        disposal_code_wrapped=True,
        retention_wrapped=True,
        authority_key_element="Behoerdenschluessel",
        receipt_flag_in_transfer_header=True,
        per_object_results=True,
        original_file_name=True,
        mixed_file_content=True,
        latin_only=False,
    )


PROFILES: dict[str, Profile] = {
    "2.3.0": _profile_2x("2.3.0"),
    "2.4.0": _profile_2x("2.4.0"),
    "3.0.0": _profile_3x("3.0.0"),
    "3.1.0": _profile_3x("3.1.0"),
}

_ROOT_NAME = re.compile(r"^(?P<name>[A-Za-z]+\.[A-Za-z]+)\.(?P<code>\d{4})$")


def namespace(version: str) -> str:
    """Target namespace of `version`, e.g. `urn:xoev-de:xdomea:schema:3.1.0`."""
    return profile(version).namespace


def profile(version: str) -> Profile:
    """The profile of a supported version; `ValueError` names the supported ones."""
    try:
        return PROFILES[version]
    except KeyError:
        raise ValueError(
            f"xdomea version {version!r} is not supported "
            f"(supported: {', '.join(SUPPORTED_VERSIONS)})"
        ) from None


def producible_profile(version: str) -> Profile:
    """The profile of a version we write messages in (3.1.0, 3.0.0, 2.4.0)."""
    if version not in PRODUCIBLE_VERSIONS:
        raise ValueError(
            f"rathaus does not write xdomea {version!r} messages "
            f"(it writes {', '.join(PRODUCIBLE_VERSIONS)})"
        )
    return PROFILES[version]


def detect(root: Any) -> tuple[Profile, MessageType]:
    """Version and message type of a parsed document, from its root element.

    Raises `XdomeaInvalid` for foreign XML, unknown xdomea versions and message types this
    library does not handle.
    """
    tag = root.tag if isinstance(root.tag, str) else ""
    ns, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    line = root.sourceline if isinstance(root.sourceline, int) else None
    if not ns.startswith(NAMESPACE_PREFIX):
        raise XdomeaInvalid(
            "The document is not an xdomea message",
            [
                Problem(
                    f"root element {local!r} is in namespace {ns or 'none'!r}", f"/{local}", line
                )
            ],
        )
    version = ns.removeprefix(NAMESPACE_PREFIX)
    if version not in PROFILES:
        raise XdomeaInvalid(
            f"xdomea version {version!r} is not supported "
            f"(supported: {', '.join(SUPPORTED_VERSIONS)})",
            [Problem(f"namespace {ns!r}", f"/{local}", line)],
        )
    found = _ROOT_NAME.match(local)
    message = MESSAGE_TYPES.get(found["code"]) if found else None
    version_profile = PROFILES[version]
    if (
        found is None
        or message is None
        or message.name != found["name"]
        or message.code not in version_profile.message_codes
    ):
        supported = ", ".join(sorted(version_profile.message_codes))
        raise XdomeaInvalid(
            f"xdomea message type {local!r} is not supported in version {version} "
            f"(supported: {supported})",
            [Problem(f"root element {local!r}", f"/{local}", line)],
        )
    return version_profile, message
