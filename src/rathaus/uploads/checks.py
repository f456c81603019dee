"""What every upload is checked for before it is stored, and the words that explain a refusal:
the file name kept for display (`file_name_clean`), the size of one file (`file_size_check`,
RATHAUS_UPLOAD_MAX_FILE_BYTES), the type by content (`upload_type_check`, allowed keys in
RATHAUS_UPLOAD_ALLOWED_TYPES), and the rules told before uploading (`upload_rules`). Limits
over several files (one application, one message) are the storing app's."""

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from rathaus.core.errors import DomainError
from rathaus.uploads.content_types import (
    HEAD_BYTES,
    TYPE_EXTENSIONS,
    TYPE_LABELS,
    TYPE_MIMES,
    Refusal,
    content_type_detect,
)

_MB = 1024 * 1024


class UploadRefused(DomainError):
    """The upload is not accepted (size, type, closed application); the message says why."""


_ROUNDING: dict[str, Callable[[float], int]] = {
    "up": math.ceil,
    "down": math.floor,
    "nearest": lambda value: math.floor(value + 0.5),
}


def size_text(size: int, *, rounding: str = "nearest") -> str:
    """`size` in words for the citizen ("12,3 MB", "800 KB"). Sizes compared with a limit
    are rounded "up" and the limit "down", so that a file over the limit never reads as large
    as the limit ("10 MB (10 MB)")."""
    rounding_function = _ROUNDING[rounding]
    if size >= _MB // 10:
        value = rounding_function(size * 10 / _MB) / 10
        number = str(int(value)) if value == int(value) else formats.number_format(value, 1)
        return f"{number} MB"
    return f"{max(1, rounding_function(size / 1024))} KB"


def allowed_types_text() -> str:
    """The accepted types for the citizen, e.g. "PDF, JPEG, PNG, TIFF, ODT or DOCX"."""
    labels = [label for key, label in TYPE_LABELS.items() if key in _allowed_keys()]
    if len(labels) <= 1:
        return "".join(labels)
    return _("{first} or {last}").format(first=", ".join(labels[:-1]), last=labels[-1])


def _allowed_keys() -> set[str]:
    return {key.strip().lower() for key in settings.RATHAUS_UPLOAD_ALLOWED_TYPES}


@dataclass(frozen=True)
class UploadRules:
    """What the citizen is told before uploading: types and limits in words, and the value
    of the file input's `accept` attribute (a hint for the file chooser, never a check)."""

    types: str
    max_file: str
    max_total: str
    accept: str


def upload_rules() -> UploadRules:
    """The upload rules in force (RATHAUS_UPLOAD_ALLOWED_TYPES, _MAX_FILE_BYTES and
    _MAX_TOTAL_BYTES)."""
    keys = [key for key in TYPE_LABELS if key in _allowed_keys()]
    accept = [f".{ext}" for key in keys for ext in TYPE_EXTENSIONS[key]]
    return UploadRules(
        types=allowed_types_text(),
        max_file=size_text(settings.RATHAUS_UPLOAD_MAX_FILE_BYTES, rounding="down"),
        max_total=size_text(settings.RATHAUS_UPLOAD_MAX_TOTAL_BYTES, rounding="down"),
        accept=",".join(accept + [TYPE_MIMES[key] for key in keys]),
    )


def file_size_check(*, size: int, name: str) -> None:
    """Refuse an empty file and one over RATHAUS_UPLOAD_MAX_FILE_BYTES."""
    if size == 0:
        raise UploadRefused(_("The file is empty."), field="file")
    max_file = settings.RATHAUS_UPLOAD_MAX_FILE_BYTES
    if size > max_file:
        raise UploadRefused(
            _(
                "The file “{name}” is {size}. A file may be at most {limit}. Please upload a "
                "smaller file, for example scanned at a lower resolution."
            ).format(
                name=name,
                size=size_text(size, rounding="up"),
                limit=size_text(max_file, rounding="down"),
            ),
            field="file",
        )


def file_name_clean(name: str | None) -> str:
    # Kept for display only; the stored path never contains it.
    name = "".join(ch for ch in (name or "") if ch.isprintable()).strip()
    name = name.replace("/", "_").replace("\\", "_")
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 250 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:255]
    return name or _("file")


def upload_type_check(upload: IO[bytes], name: str) -> str:
    """The MIME type of `upload` detected from its content; UploadRefused (with what to do
    instead) when it is not one of the accepted types or cannot be checked for viruses."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    detected = content_type_detect(head, upload)
    upload.seek(0)
    accepted = allowed_types_text()
    if detected.refusal == Refusal.ENCRYPTED:
        raise UploadRefused(
            _(
                "The file “{name}” contains encrypted parts, so it cannot be checked for "
                "viruses. Please save the document again without a password, or save it as "
                "PDF, and upload it again."
            ).format(name=name),
            field="file",
        )
    if detected.refusal in (Refusal.COMPRESSION, Refusal.PACKING):
        raise UploadRefused(
            _(
                "The file “{name}” is packed in an unusual way (compressed with an uncommon "
                "method, extremely strongly or in very many parts), so it cannot be checked for "
                "viruses. Please open it in your word processor and save it again, or save it "
                "as PDF, and upload it again."
            ).format(name=name),
            field="file",
        )
    if detected.refusal == Refusal.UNPACKED_SIZE:
        raise UploadRefused(
            _(
                "The file “{name}” takes up more than {limit} once unpacked (documents of this "
                "type are compressed), so it cannot be checked for viruses. Please make it "
                "smaller, for example by inserting smaller pictures or saving it as PDF, and "
                "upload it again."
            ).format(name=name, limit=size_text(detected.limit, rounding="down")),
            field="file",
        )
    if detected.refusal == Refusal.ATTACHED_DATA:
        raise UploadRefused(
            _(
                "The file “{name}” is a PDF with other data attached after its end. Such files "
                "are not accepted, because the attached data could be harmful. Please save or "
                "print the document as a new PDF and upload it again."
            ).format(name=name),
            field="file",
        )
    if detected.refusal == Refusal.ARCHIVE:
        raise UploadRefused(
            _(
                "Archives (such as ZIP, RAR or 7z) are not accepted. Please upload each "
                "document on its own; {types} are accepted."
            ).format(types=accepted),
            field="file",
        )
    if detected.refusal == Refusal.MACRO:
        raise UploadRefused(
            _(
                "Documents with macros are not accepted. Please save the document without "
                "macros, for example as PDF; {types} are accepted."
            ).format(types=accepted),
            field="file",
        )
    if not detected.known or detected.key not in _allowed_keys():
        raise UploadRefused(
            _("Only {types} are accepted. The content of this file is {what}.").format(
                types=accepted, what=detected.label
            ),
            field="file",
        )
    return detected.mime
