"""Responses that download generated files (receipt bundles, exports): never shown inline,
never sniffed into another type, never cached."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def bytes_download(data: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """`data` as a download named `filename` (ASCII-safe, encoded per RFC 6266)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
