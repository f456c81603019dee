"""The one reader of JSON that comes from outside (API bodies, payment notifications, uploaded
definitions): bounded nesting, and only text we can store.

Python's `json` recurses once per level and raises `RecursionError` somewhere near a thousand
levels, which would surface as a 500. The depth is therefore counted before parsing, in one
pass over the text without recursion; our own documents nest a handful of levels, so
`MAX_JSON_DEPTH` leaves ample room. After parsing, every key and string is checked for the
characters we never store (`core.invalid_characters`), again without recursion.
"""

import json
import math
import re
from itertools import accumulate
from typing import Any

from django.utils.translation import gettext as _

from rathaus.core.invalid_characters import has_invalid_characters

MAX_JSON_DEPTH = 64

# A JSON string (escapes included), so that brackets inside strings are not counted.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JSONInputError(ValueError):
    """The body is not JSON we accept; `message` says why, for the client."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def json_depth_exceeds(text: str, max_depth: int) -> bool:
    """Whether the arrays and objects in `text` nest deeper than `max_depth`.

    Exact for valid JSON; for malformed text the count is exact up to the first error, which
    is as far as the parser gets, so it never lets the parser recurse further than allowed.
    """
    brackets = _NOT_BRACKET.sub("", _STRING.sub('""', text))
    # The running sum of +1 per opening and -1 per closing bracket, first level above the
    # limit: computed in C (a loop in Python takes half a second on the largest body Django
    # accepts) and stopping there.
    depths = accumulate(map(_BRACKET_STEP.__getitem__, brackets))
    return next(filter(max_depth.__lt__, depths), None) is not None


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON, and PostgreSQL's jsonb refuses them.
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # 1e999
        raise ValueError(f"{text} is out of range")
    return number


def _holds_invalid_text(data: Any) -> bool:
    pending = [data]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            if has_invalid_characters(node):
                return True
        elif isinstance(node, dict):
            pending.extend(node.keys())
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return False


def json_parse(raw: bytes | str, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON from outside; raise `JSONInputError` (a ValueError) when it is not UTF-8,
    not strict JSON (no NaN, no infinite numbers), nested deeper than `max_depth`, or holds
    a character we never store."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise JSONInputError(_("The body is not UTF-8 encoded.")) from None
    if json_depth_exceeds(raw, max_depth):
        raise JSONInputError(
            _("The JSON is nested deeper than %(depth)s levels.") % {"depth": max_depth}
        )
    try:
        data = json.loads(raw, parse_constant=_reject_constant, parse_float=_finite_float)
    except ValueError as exc:
        raise JSONInputError(_("The body is not valid JSON: %(error)s") % {"error": exc}) from None
    if _holds_invalid_text(data):
        raise JSONInputError(
            _(
                "The JSON contains a character that is not allowed in text "
                "(NUL, a control character or an unpaired surrogate)."
            )
        )
    return data
