"""The xdomea transport container.

A message travels as `<ProzessID>_<MessageName>.zip` (e.g.
`9fde…_Aussonderung.Aussonderung.0503.zip`) holding `<ProzessID>_<MessageName>.xml` and, flat
beside it, the primary documents the message names in `Dateiname`. Reading is defensive: no
path components, no duplicate or encrypted members, bounded member count, sizes and
compression ratios (zip bombs), and every referenced primary document must be present.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from .errors import ContainerInvalid
from .validation import parse_xml
from .versions import detect

_MESSAGE_MEMBER = re.compile(
    r"^(?P<stem>[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}_[A-Za-z]+\.[A-Za-z]+\.\d{4})\.xml$"
)
_UNSAFE_NAME_CHARS = re.compile(r"[^\w.\-]+")
_CHUNK = 1 << 20
MESSAGES_WITH_PRIMARY_DOCUMENTS = frozenset({"0401", "0503"})
_MIB = 1 << 20


@dataclass(frozen=True)
class ContainerLimits:
    """Bounds for reading containers (everything is held in memory)."""

    max_members: int = 10_000
    max_member_size: int = 1024 * _MIB
    max_total_size: int = 2048 * _MIB
    # Compression ratio allowed for members larger than `ratio_applies_above` bytes.
    max_ratio: int = 200
    ratio_applies_above: int = _MIB


@dataclass(frozen=True)
class ContainerContents:
    """A read container: the message XML and its primary documents by file name."""

    message_name: str  # `<ProzessID>_<MessageName>`
    message: bytes
    primary_documents: dict[str, bytes] = field(repr=False)


@dataclass(frozen=True)
class WrittenContainer:
    """A written container and the file name it must travel under."""

    file_name: str
    data: bytes = field(repr=False)


def primary_file_name(file_id: UUID, original_name: str) -> str:
    """A container name for a primary document: `<uuid>_<safe original name>.<ext>`.

    The form satisfies the Dateiname pattern of every xdomea version (2.x demands the
    underscore and a dot) and keeps only word characters, dots and hyphens.
    """
    base = unicodedata.normalize("NFC", original_name).replace("\\", "/").rsplit("/", 1)[-1]
    safe = _UNSAFE_NAME_CHARS.sub("_", base).strip("._") or "document"
    if "." not in safe:
        safe += ".bin"
    return f"{file_id}_{safe}"[:255]


def message_name(message: bytes) -> str:
    """`<ProzessID>_<MessageName>` of a message, e.g. `9fde…_Aussonderung.Aussonderung.0503`."""
    root = parse_xml(message)
    _, message_type = detect(root)
    process_ids = root.xpath("./*[local-name()='Kopf']/*[local-name()='ProzessID']/text()")
    if not process_ids:
        raise ContainerInvalid("The message has no Kopf/ProzessID to name its container")
    return f"{str(process_ids[0]).strip()}_{message_type.root_name}"


def referenced_files(root: Any) -> list[tuple[str, int | None]]:
    """(file name, source line) of every primary document and signature file a message names."""
    nodes = root.xpath(
        "//*[local-name()='Primaerdokument']/*[local-name()='Dateiname']"
        " | //*[local-name()='SignaturSiegelDatei']"
    )
    return [(str(node.text or "").strip(), node.sourceline) for node in nodes]


def write_container(message: bytes, primary_documents: Mapping[str, bytes]) -> WrittenContainer:
    """Pack a message and exactly the primary documents it references into a ZIP container."""
    name = message_name(message)
    referenced = {file_name for file_name, _ in referenced_files(parse_xml(message))}
    missing = sorted(referenced - set(primary_documents))
    if missing:
        raise ContainerInvalid(
            f"Primary documents referenced by the message are missing: {', '.join(missing)}"
        )
    extra = sorted(set(primary_documents) - referenced)
    if extra:
        raise ContainerInvalid(
            f"Files not referenced by the message cannot be packed: {', '.join(extra)}"
        )
    buffer = io.BytesIO()
    stamp = datetime.now(UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, content in [(f"{name}.xml", message), *sorted(primary_documents.items())]:
            _check_name(member)
            info = zipfile.ZipInfo(member, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return WrittenContainer(f"{name}.zip", buffer.getvalue())


def read_container(data: bytes, *, limits: ContainerLimits | None = None) -> ContainerContents:
    """Read a ZIP container, or a bare message XML (then without primary documents).

    Raises `ContainerInvalid` for unsafe or incomplete containers (member names with paths,
    duplicates, encryption, too many or too large members, suspicious compression ratios,
    a missing or second message, primary documents a 0503 or 0401 names that are absent) and
    `XdomeaInvalid` when the message is not well-formed or not xdomea.
    """
    limits = limits or ContainerLimits()
    if data[:4] != b"PK\x03\x04":
        name = message_name(data)
        contents = ContainerContents(name, data, {})
    else:
        contents = _read_zip(data, limits)
    _check_references(contents)
    return contents


def _read_zip(data: bytes, limits: ContainerLimits) -> ContainerContents:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ContainerInvalid(f"The container is not a readable ZIP file: {exc}") from exc
    with archive:
        infos = archive.infolist()
        _check_members(infos, limits)
        messages = [i for i in infos if _MESSAGE_MEMBER.match(i.filename)]
        if len(messages) != 1:
            found = ", ".join(i.filename for i in messages) or "none"
            raise ContainerInvalid(
                "The container must hold exactly one message named "
                f"<ProzessID>_<MessageName>.xml (found: {found})"
            )
        files = {info.filename: _read_member(archive, info) for info in infos}
    message_member = messages[0].filename
    message = files.pop(message_member)
    stem = _MESSAGE_MEMBER.match(message_member)
    assert stem is not None
    if message_name(message) != stem["stem"]:
        raise ContainerInvalid(
            f"The message file {message_member} does not match the message inside "
            f"({message_name(message)})"
        )
    return ContainerContents(stem["stem"], message, files)


def _check_members(infos: list[zipfile.ZipInfo], limits: ContainerLimits) -> None:
    if len(infos) > limits.max_members:
        raise ContainerInvalid(
            f"The container holds {len(infos)} files; at most {limits.max_members} are accepted"
        )
    seen: set[str] = set()
    total = 0
    for info in infos:
        _check_name(info.filename)
        if info.filename in seen:
            raise ContainerInvalid(f"The container holds {info.filename!r} twice")
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise ContainerInvalid(f"{info.filename!r} is encrypted; encrypted files are refused")
        if info.file_size > limits.max_member_size:
            raise ContainerInvalid(
                f"{info.filename!r} is {info.file_size} bytes; at most "
                f"{limits.max_member_size} bytes per file are accepted"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_applies_above and ratio > limits.max_ratio:
            raise ContainerInvalid(
                f"{info.filename!r} expands {ratio:.0f}-fold (more than {limits.max_ratio}); "
                "the container looks like a zip bomb"
            )
        total += info.file_size
        if total > limits.max_total_size:
            raise ContainerInvalid(
                f"The container expands to more than {limits.max_total_size} bytes"
            )


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    # The declared size was checked; zipfile never reads past it and checks the CRC.
    chunks: list[bytes] = []
    try:
        with archive.open(info) as member:
            chunks.extend(_chunks(member))
    except (zipfile.BadZipFile, OSError, NotImplementedError) as exc:
        raise ContainerInvalid(f"{info.filename!r} cannot be read: {exc}") from exc
    return b"".join(chunks)


def _chunks(member: Any) -> Iterator[bytes]:
    while chunk := member.read(_CHUNK):
        yield bytes(chunk)


def _check_name(name: str) -> None:
    problem = ""
    if not name or len(name) > 255:
        problem = "an empty or overlong name"
    elif "/" in name or "\\" in name or ":" in name:
        problem = "a path (containers are flat; no folders, drives or '..')"
    elif name in {".", ".."} or name.startswith("."):
        problem = "a hidden or relative name"
    elif any(unicodedata.category(c).startswith("C") for c in name):
        problem = "control characters"
    if problem:
        raise ContainerInvalid(f"Refused container member {name!r}: it has {problem}")


def _check_references(contents: ContainerContents) -> None:
    root = parse_xml(contents.message)
    if detect(root)[1].code not in MESSAGES_WITH_PRIMARY_DOCUMENTS:
        return  # e.g. a 0501 may describe versions without sending their files
    missing = [
        (name, line)
        for name, line in referenced_files(root)
        if name not in contents.primary_documents
    ]
    if missing:
        listed = "; ".join(f"{name} (line {line})" for name, line in missing[:10])
        raise ContainerInvalid(
            f"Primary documents referenced by the message are missing from the container: {listed}"
        )
