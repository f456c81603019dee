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

PDF documents with JavaScript, launch actions or forms are accepted on purpose: official forms
of other authorities (XFA/AcroForm) routinely carry JavaScript, so refusing them would refuse
the very proofs citizens are asked for. The protection is elsewhere: every file is virus-scanned
(ClamAV has PDF heuristics), staff open proofs only after a clean scan, and the portal serves
them as downloads (`Content-Disposition: attachment`), never rendered inline in the browser.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from typing import IO
from xml.etree import ElementTree

import magic
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


class Refusal:
    """Why a content is not acceptable whatever the settings allow."""

    ARCHIVE = "archive"
    MACRO = "macro"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class DetectedType:
    """The result of `content_type_detect`.

    `key` is one of TYPE_LABELS ("" when the content is none of them), `mime` the content type
    stored with the attachment, `label` what the content is in words (for the citizen),
    `refusal` a Refusal value when the content is never acceptable (archive, macros).
    """

    key: str
    mime: str
    label: str
    refusal: str = ""

    @property
    def known(self) -> bool:
        return bool(self.key) and not self.refusal


def content_type_detect(head: bytes, file: IO[bytes]) -> DetectedType:
    """Detect the type of an upload from its first bytes (`head`, HEAD_BYTES of them) and,
    for ZIP containers, from the container's members (`file`: seekable, binary)."""
    if not head:
        return DetectedType("", "application/x-empty", _("an empty file"), Refusal.UNKNOWN)
    mime = magic.from_buffer(head, mime=True)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")) or mime in (
        "application/zip",
        TYPE_MIMES["docx"],
        _ODT_MIME,
    ):
        return _zip_container(file)
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


def _zip_container(file: IO[bytes]) -> DetectedType:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = {info.filename: info for info in archive.infolist()}
            if "[Content_Types].xml" in infos:
                return _ooxml(archive, infos)
            if "mimetype" in infos:
                return _odf(archive, infos)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
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
