"""The API's JSON parser: every body goes through `core.json_input.json_parse`, so a body
nested too deep, not strict JSON or with a character we never store is a 400 problem, never
a `RecursionError` or a database error."""

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from rathaus.core.json_input import JSONInputError, json_parse


class BoundedJSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        # DRF hands JSON parsers the body already read (`request.body`, whose size Django
        # limits with DATA_UPLOAD_MAX_MEMORY_SIZE).
        raw: bytes = stream.read() if stream is not None else b""
        # The charset of the Content-Type (UTF-8 by default); DRF refuses unknown ones.
        encoding = parsers.get_encoding(parser_context or {})  # type: ignore[attr-defined]
        try:
            return json_parse(raw.decode(encoding))
        except UnicodeDecodeError:
            raise ParseError(
                _("The body is not encoded in %(encoding)s.") % {"encoding": encoding}
            ) from None
        except JSONInputError as exc:
            raise ParseError(exc.message) from None
