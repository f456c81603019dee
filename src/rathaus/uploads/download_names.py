"""The name and headers a stored upload is served under, for every download path.

The citizen's file name says nothing about the content: `bescheid.html` may hold a PDF, and
`rechnung<U+202E>fdp.exe` displays as `rechnungexe.pdf` while it ends in `.exe`. A download
therefore always ends with the extension of the type detected from the content
(`content_types`); the citizen's name only provides the readable part, cleaned first (control
and bidi formatting characters, path separators, characters Windows forbids), so that nothing
removed later can turn it into another extension. The header follows RFC 6266: an ASCII
`filename` for old clients and the exact name as `filename*` (RFC 8187).

Backoffice, API and any later download view call `download_response`; nobody builds a
Content-Disposition for an upload by hand.
"""

import unicodedata
from typing import IO
from urllib.parse import quote

from django.http import FileResponse
from django.utils.translation import gettext as _

from rathaus.uploads.content_types import TYPE_EXTENSIONS, TYPE_MIMES

_EXTENSIONS_BY_MIME = {TYPE_MIMES[key]: extensions for key, extensions in TYPE_EXTENSIONS.items()}
# Unicode categories never kept: controls, format characters (bidi overrides and isolates,
# zero-width joiners …), private use, surrogates, unassigned, line/paragraph separators.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}
# Path separators and what Windows refuses in file names.
_REPLACED = set('/\\:*?"<>|')
_WINDOWS_DEVICES = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{n}" for n in range(1, 10)),
    *(f"LPT{n}" for n in range(1, 10)),
}
_MAX_STEM_BYTES = 150  # UTF-8; with the extension well within every file system's 255
_ASCII_FALLBACK = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def download_name(*, original_name: str, content_type: str) -> str:
    """The file name to serve an upload under: the cleaned citizen's name, ending with the
    extension of `content_type` (the detected type); "bescheid.html" holding a PDF becomes
    "bescheid-html.pdf", a name already ending in a matching extension stays as it is."""
    extensions = _EXTENSIONS_BY_MIME.get(content_type, ("bin",))
    name = _clean(original_name)
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix.lower() in extensions:
        name = stem
    elif dot and _looks_like_extension(suffix):
        # Kept readable, but no longer an extension: "rechnung.exe" → "rechnung-exe.pdf".
        name = f"{stem}-{suffix}"
    name = _shorten(name.strip(" ._-")) or _("document")
    if name.split(".")[0].upper() in _WINDOWS_DEVICES:
        name = f"_{name}"
    return f"{name}.{extensions[0]}"


def content_disposition(filename: str) -> str:
    """An RFC 6266 `Content-Disposition: attachment` value for `filename` (already cleaned by
    `download_name`): an ASCII fallback plus the exact UTF-8 name."""
    fallback = unicodedata.normalize("NFKD", filename.translate(_ASCII_FALLBACK))
    fallback = "".join(ch for ch in fallback if " " <= ch <= "~" and ch not in '"\\%')
    stem, _dot, extension = fallback.rpartition(".")
    if not stem.strip(" ._-"):  # nothing of the name was ASCII
        fallback = f"download.{extension}"
    exact = quote(filename, safe="")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{exact}"


def download_response(handle: IO[bytes], *, original_name: str, content_type: str) -> FileResponse:
    """A download of `handle` (closed by the response) as `download_name(...)`: never shown
    inline, never sniffed into another type."""
    response = FileResponse(handle, content_type=content_type)
    filename = download_name(original_name=original_name, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _clean(name: str) -> str:
    name = unicodedata.normalize("NFC", name)
    kept = []
    for ch in name:
        category = unicodedata.category(ch)
        if category in _DROPPED_CATEGORIES:
            continue
        kept.append("_" if ch in _REPLACED else " " if category.startswith("Z") else ch)
    return " ".join("".join(kept).split())


def _looks_like_extension(suffix: str) -> bool:
    return 1 <= len(suffix) <= 10 and suffix.isalnum() and not suffix.isdigit()


def _shorten(stem: str) -> str:
    while len(stem.encode()) > _MAX_STEM_BYTES:
        stem = stem[:-1]
    return stem
