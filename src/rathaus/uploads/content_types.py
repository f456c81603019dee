"""What an uploaded file really is, decided by its content, never by its name.

libmagic (python-magic) reads the first bytes; ZIP containers are opened and inspected, because
DOCX, ODT, a plain ZIP and a macro-carrying DOCM all start with the same bytes:

- DOCX needs `[Content_Types].xml` naming the WordprocessingML main part and must carry no
  macros (`vbaProject.bin`, a `macroEnabled` content type, ActiveX controls): a DOCM renamed
  to `.docx` is refused as macro-carrying.
- ODT needs the `mimetype` member `application/vnd.oasis.opendocument.text` and no `Basic/`
  or `Scripts/` folders (LibreOffice macros).
- Every other ZIP, and RAR, 7z, tar, gzip, bzip2, xz …, is refused: archives are not accepted
  (their content would escape this check).
- A DOCX or ODT must be packed as word processors pack it, so that the virus scanner can read
  every member: no encrypted member, no compression other than stored or deflate (the ones
  every reader unpacks; ClamAV reported an LZMA member holding EICAR clean), and within
  `ContainerLimits` (unpacked size in total and per member, compression ratio, number of
  members). The sizes are not taken from the ZIP directory, which the sender writes, but
  counted while inflating each member, stopping at the limit: a ZIP bomb is never unpacked.
- A PDF must end with its last `%%EOF` (only PDF whitespace may follow) and must not also be a
  ZIP archive: a ZIP appended to a PDF (a polyglot) is refused.

PDF documents with JavaScript, launch actions or forms are accepted on purpose: official forms
of other authorities (XFA/AcroForm) routinely carry JavaScript, so refusing them would refuse
the very proofs citizens are asked for. The protection is elsewhere: every file is virus-scanned
(ClamAV has PDF heuristics), staff open proofs only after a clean scan, and they are served as
downloads named after their detected type (`download_names`), never rendered inline.
"""

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO
from xml.etree import ElementTree

import magic
from django.conf import settings
from django.utils.translation import gettext as _

# How many bytes callers should read for `head` (libmagic needs a few KiB for OOXML/TIFF).
HEAD_BYTES = 16 * 1024

# The types an upload can be; settings.RATHAUS_UPLOAD_ALLOWED_TYPES selects from these keys.
TYPE_LABELS: dict[str, str] = {
    "pdf": "PDF",
    "jpeg": "JPEG",
    "png": "PNG",
    "tiff": "TIFF",
    "odt": "ODT",
    "docx": "DOCX",
}
TYPE_MIMES: dict[str, str] = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "tiff": "image/tiff",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# The file name extensions of each type; the first one is given to downloads.
TYPE_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "pdf": ("pdf",),
    "jpeg": ("jpg", "jpeg"),
    "png": ("png",),
    "tiff": ("tif", "tiff"),
    "odt": ("odt",),
    "docx": ("docx",),
}
_SIMPLE = {mime: key for key, mime in TYPE_MIMES.items() if key not in ("odt", "docx")}

_ARCHIVE_MIMES = {
    "application/zip",
    "application/x-zip-compressed",
    "application/x-rar",
    "application/x-rar-compressed",
    "application/vnd.rar",
    "application/x-7z-compressed",
    "application/x-tar",
    "application/x-ustar",
    "application/gzip",
    "application/x-gzip",
    "application/x-bzip2",
    "application/x-xz",
    "application/x-lzma",
    "application/x-lzip",
    "application/zstd",
    "application/x-compress",
    "application/x-arj",
    "application/x-lha",
    "application/x-cpio",
    "application/x-archive",
    "application/x-iso9660-image",
    "application/vnd.ms-cab-compressed",
    "application/java-archive",
}
_EXECUTABLE_MIMES = {
    "application/x-dosexec",
    "application/x-msdownload",
    "application/x-executable",
    "application/x-sharedlib",
    "application/x-pie-executable",
    "application/x-mach-binary",
    "application/x-msi",
    "application/vnd.microsoft.portable-executable",
    "application/x-elf",
}
_OLE_MIMES = {
    "application/x-ole-storage",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/CDFV2",
}

_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_ODT_MIME = "application/vnd.oasis.opendocument.text"
# Members larger than this are not read for inspection (a ZIP bomb stays compressed).
_MAX_INSPECTED_MEMBER = 1024 * 1024
# ZIP compression methods every reader (and ClamAV) unpacks.
_ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
# The compression ratio is judged only for members at least this large unpacked: a small XML
# part of spaces compresses 200:1 and is harmless.
_RATIO_FROM_BYTES = 1024 * 1024
# PDF white-space characters (ISO 32000-1, 7.2.2): NUL, tab, line feed, form feed, CR, space.
_PDF_WHITESPACE = b"\x00\t\n\x0c\r "
_PDF_EOF = b"%%EOF"


class Refusal:
    """Why a content is not acceptable whatever the settings allow."""

    ARCHIVE = "archive"
    MACRO = "macro"
    UNKNOWN = "unknown"
    ENCRYPTED = "encrypted"  # an encrypted member: the scanner cannot read it
    COMPRESSION = "compression"  # a member compressed other than stored/deflate
    UNPACKED_SIZE = "unpacked_size"  # larger than ContainerLimits allow once unpacked
    PACKING = "packing"  # too strongly compressed, too many members, sizes that lie
    ATTACHED_DATA = "attached_data"  # a PDF with data after its end (e.g. an appended ZIP)


@dataclass(frozen=True)
class ContainerLimits:
    """Limits for DOCX/ODT containers (ZIP files), in bytes unpacked."""

    unpacked_total: int
    unpacked_member: int
    ratio: int
    members: int = 2000


def container_limits() -> ContainerLimits:
    """The limits from the settings (RATHAUS_UPLOAD_MAX_UNPACKED_* and _COMPRESSION_RATIO)."""
    return ContainerLimits(
        unpacked_total=settings.RATHAUS_UPLOAD_MAX_UNPACKED_BYTES,
        unpacked_member=settings.RATHAUS_UPLOAD_MAX_UNPACKED_MEMBER_BYTES,
        ratio=settings.RATHAUS_UPLOAD_MAX_COMPRESSION_RATIO,
    )


@dataclass(frozen=True)
class DetectedType:
    """The result of `content_type_detect`.

    `key` is one of TYPE_LABELS ("" when the content is none of them), `mime` the content type
    stored with the attachment, `label` what the content is in words (for the citizen),
    `refusal` a Refusal value when the content is never acceptable (archive, macros …),
    `limit` the limit exceeded (bytes, for Refusal.UNPACKED_SIZE).
    """

    key: str
    mime: str
    label: str
    refusal: str = ""
    limit: int = 0

    @property
    def known(self) -> bool:
        return bool(self.key) and not self.refusal


def content_type_detect(
    head: bytes, file: IO[bytes], limits: ContainerLimits | None = None
) -> DetectedType:
    """Detect the type of an upload from its first bytes (`head`, HEAD_BYTES of them) and,
    for ZIP containers and PDF, from the whole content (`file`: seekable, binary).
    `limits` for DOCX/ODT default to the settings (`container_limits`)."""
    if not head:
        return DetectedType("", "application/x-empty", _("an empty file"), Refusal.UNKNOWN)
    mime = magic.from_buffer(head, mime=True)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")) or mime in (
        "application/zip",
        TYPE_MIMES["docx"],
        _ODT_MIME,
    ):
        return _zip_container(file, limits or container_limits())
    if mime == TYPE_MIMES["pdf"] and _pdf_has_attached_data(file):
        return DetectedType(
            "pdf", mime, _("a PDF file with other data attached"), Refusal.ATTACHED_DATA
        )
    if mime in _SIMPLE:
        key = _SIMPLE[mime]
        return DetectedType(key, mime, TYPE_LABELS[key])
    if mime in _ARCHIVE_MIMES:
        return DetectedType("", mime, _("an archive"), Refusal.ARCHIVE)
    if mime in _EXECUTABLE_MIMES:
        return DetectedType("", mime, _("a program (executable file)"), Refusal.UNKNOWN)
    if mime in _OLE_MIMES:
        return DetectedType(
            "", mime, _("an old Microsoft Office or encrypted document"), Refusal.UNKNOWN
        )
    return DetectedType("", mime, _describe(head, mime), Refusal.UNKNOWN)


def _describe(head: bytes, mime: str) -> str:
    if mime.startswith("text/"):
        return _("a text file ({mime})").format(mime=mime)
    if mime.startswith("image/"):
        return _("an image of type {mime}").format(mime=mime)
    # libmagic's description is English and technical, but it names what the file is.
    description = magic.from_buffer(head).split(",")[0].strip()[:80]
    return _("of type “{description}”").format(description=description or mime)


def _zip_container(file: IO[bytes], limits: ContainerLimits) -> DetectedType:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = {info.filename: info for info in archive.infolist()}
            if "[Content_Types].xml" in infos or "mimetype" in infos:
                # Before anything is read: the members must be readable by the scanner too.
                refused = _packing_refusal(file, archive.infolist(), limits)
                if refused is not None:
                    return refused
            if "[Content_Types].xml" in infos:
                return _ooxml(archive, infos)
            if "mimetype" in infos:
                return _odf(archive, infos)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        NotImplementedError,
        zlib.error,
    ):
        return DetectedType("", "application/zip", _("a damaged ZIP archive"), Refusal.ARCHIVE)
    finally:
        file.seek(0)
    return DetectedType("", "application/zip", _("a ZIP archive"), Refusal.ARCHIVE)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    if info.file_size > _MAX_INSPECTED_MEMBER or info.flag_bits & 0x1:  # too big or encrypted
        return None
    with archive.open(info) as member:
        return member.read(_MAX_INSPECTED_MEMBER + 1)[:_MAX_INSPECTED_MEMBER]


def _ooxml(archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo]) -> DetectedType:
    office = "application/vnd.openxmlformats-officedocument"
    raw = _read_member(archive, infos["[Content_Types].xml"])
    content_types = _ooxml_content_types(raw) if raw is not None else None
    if content_types is None:
        return DetectedType("", office, _("a damaged Office document"), Refusal.UNKNOWN)
    names = [name.lower() for name in infos]
    macro = any(
        name.endswith("vbaproject.bin") or "/activex/" in f"/{name}" for name in names
    ) or any("macroenabled" in ct.lower() or "vbaproject" in ct.lower() for ct in content_types)
    if macro:
        return DetectedType(
            "",
            "application/vnd.ms-word.document.macroEnabled.12",
            _("an Office document with macros"),
            Refusal.MACRO,
        )
    if _DOCX_MAIN in content_types:
        return DetectedType("docx", TYPE_MIMES["docx"], TYPE_LABELS["docx"])
    if any("spreadsheetml" in ct for ct in content_types):
        return DetectedType("", f"{office}.spreadsheetml.sheet", _("an Excel workbook"))
    if any("presentationml" in ct for ct in content_types):
        return DetectedType("", f"{office}.presentationml.presentation", _("a PowerPoint file"))
    return DetectedType("", office, _("an Office document of another kind"), Refusal.UNKNOWN)


def _ooxml_content_types(raw: bytes) -> list[str] | None:
    """The content types declared in `[Content_Types].xml`; None when it is not well formed.

    A DTD is refused before parsing: no entity can expand (billion laughs)."""
    if re.search(rb"<!(DOCTYPE|ENTITY)", raw, re.IGNORECASE):
        return None
    try:
        root = ElementTree.parse(io.BytesIO(raw)).getroot()  # noqa: S314 (no DTD, see above)
    except ElementTree.ParseError:
        return None
    return [el.get("ContentType", "") for el in root.iter() if el.get("ContentType")]


def _odf(archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo]) -> DetectedType:
    raw = _read_member(archive, infos["mimetype"])
    mimetype = (raw or b"").decode("ascii", "replace").strip()
    if any(name.startswith(("Basic/", "Scripts/")) for name in infos):
        return DetectedType("", mimetype or _ODT_MIME, _("a document with macros"), Refusal.MACRO)
    if mimetype == _ODT_MIME:
        return DetectedType("odt", _ODT_MIME, TYPE_LABELS["odt"])
    if mimetype.startswith("application/vnd.oasis.opendocument."):
        kind = mimetype.rsplit(".", 1)[-1]
        return DetectedType(
            "", mimetype, _("an OpenDocument file of kind “{kind}”").format(kind=kind)
        )
    return DetectedType("", "application/zip", _("a ZIP archive"), Refusal.ARCHIVE)


def _packing_refusal(
    file: IO[bytes], infos: list[zipfile.ZipInfo], limits: ContainerLimits
) -> DetectedType | None:
    """A refusal when a document container is not packed as word processors pack it."""
    document = _("a document that cannot be checked")
    if len(infos) > limits.members:
        return DetectedType("", "application/zip", document, Refusal.PACKING)
    for info in infos:
        if info.flag_bits & 0x1:
            return DetectedType("", "application/zip", document, Refusal.ENCRYPTED)
        if info.compress_type not in _ZIP_METHODS:
            return DetectedType("", "application/zip", document, Refusal.COMPRESSION)
    total = 0
    for info in infos:
        # The directory's sizes are the sender's claim: count what really comes out, and stop
        # as soon as a limit is passed (a bomb is never unpacked further than the limit).
        allowed = min(limits.unpacked_member, limits.unpacked_total - total)
        size, encrypted = _unpacked_size(file, info, stop_after=allowed)
        if encrypted:
            return DetectedType("", "application/zip", document, Refusal.ENCRYPTED)
        if size > limits.unpacked_member:
            return DetectedType(
                "", "application/zip", document, Refusal.UNPACKED_SIZE, limits.unpacked_member
            )
        total += size
        if total > limits.unpacked_total:
            return DetectedType(
                "", "application/zip", document, Refusal.UNPACKED_SIZE, limits.unpacked_total
            )
        if size != info.file_size:
            return DetectedType("", "application/zip", document, Refusal.PACKING)
        if size >= _RATIO_FROM_BYTES and size > limits.ratio * max(info.compress_size, 1):
            return DetectedType("", "application/zip", document, Refusal.PACKING)
    return None


def _unpacked_size(file: IO[bytes], info: zipfile.ZipInfo, *, stop_after: int) -> tuple[int, bool]:
    """How many bytes `info` really unpacks to (counting stops past `stop_after`), and whether
    its local header marks it encrypted (the central directory may say otherwise)."""
    file.seek(info.header_offset)
    header = file.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"no local header for {info.filename!r}")
    flags, method = struct.unpack("<HH", header[6:10])
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    if flags & 0x1:
        return 0, True
    if method != info.compress_type:
        raise zipfile.BadZipFile(f"compression methods differ for {info.filename!r}")
    file.seek(info.header_offset + 30 + name_length + extra_length)
    remaining = info.compress_size
    if method == zipfile.ZIP_STORED:
        return remaining, False
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size = 0
    while remaining > 0 and not inflater.eof:
        data = file.read(min(remaining, 64 * 1024))
        if not data:
            raise zipfile.BadZipFile(f"{info.filename!r} is cut short")
        remaining -= len(data)
        while data and not inflater.eof:
            size += len(inflater.decompress(data, 1024 * 1024))
            if size > stop_after:
                return size, False
            data = inflater.unconsumed_tail
    # Output held back by the max_length above once all input is in (at most one match).
    size += len(inflater.flush())
    return size, False


def _pdf_has_attached_data(file: IO[bytes]) -> bool:
    """Whether anything but white space follows the last `%%EOF`, or a ZIP archive is hidden
    in the PDF (its end record may itself end with `%%EOF`, so the first test alone is not
    enough). Incremental updates append whole revisions, each ending with its own `%%EOF`:
    only the last one counts, so the content must end with `%%EOF` and white space."""
    file.seek(0, io.SEEK_END)
    position = file.tell()
    end = b""
    while position > 0 and len(end) < len(_PDF_EOF):
        start = max(0, position - 64 * 1024)
        file.seek(start)
        chunk = file.read(position - start)
        end = (chunk + end) if end else chunk.rstrip(_PDF_WHITESPACE)
        position = start
    if not end.endswith(_PDF_EOF):
        file.seek(0)
        return True
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return bool(archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return False
    finally:
        file.seek(0)
