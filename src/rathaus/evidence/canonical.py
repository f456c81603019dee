"""Canonical JSON of receipts: the same value always gives the same bytes, so a signature and
a time-stamp over the bytes prove the value.

The subset of JSON receipts use (strings, integers, booleans, null, lists, objects; no
floats) serialised as RFC 8785 (JCS) does: object keys sorted by their UTF-16 code units, no
insignificant whitespace, UTF-8, strings escaped the ECMAScript way (only `"`, `\\` and
control characters). Floats are refused rather than canonicalised: amounts are integer
cents, and a float's shortest form is where JCS implementations disagree most.
"""

from collections.abc import Mapping, Sequence
from json.encoder import encode_basestring
from typing import Any

from django.utils.translation import gettext as _

from rathaus.core.errors import DomainError

# JCS numbers are IEEE 754 doubles: larger integers would not survive another implementation.
MAX_SAFE_INTEGER = 2**53 - 1


class NotCanonicalisable(DomainError):
    """The value holds something canonical JSON cannot express (a float, a byte string …)."""


def canonical_json(value: Any) -> bytes:
    """The canonical UTF-8 bytes of `value`; raises NotCanonicalisable for other types."""
    parts: list[str] = []
    _write(value, parts, path="$")
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        raise NotCanonicalisable(_("A text contains an invalid character.")) from None


# json.dumps(s, ensure_ascii=False) for a str, without building an encoder per call (C).
_string = encode_basestring
_LITERALS = {None: "null", True: "true", False: "false"}


def _write(value: Any, parts: list[str], *, path: str) -> None:
    if value is None or isinstance(value, bool):
        parts.append(_LITERALS[value])
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise NotCanonicalisable(
                _("The number at %(path)s is too large for a receipt.") % {"path": path}
            )
        parts.append(str(value))
    elif isinstance(value, str):
        # json.dumps escapes exactly as JCS does once non-ASCII stays literal.
        parts.append(_string(value))
    elif isinstance(value, Mapping):
        keys = list(value)
        if not all(isinstance(k, str) for k in keys):
            raise NotCanonicalisable(
                _("The object at %(path)s has a key that is not a text.") % {"path": path}
            )
        parts.append("{")
        for index, key in enumerate(sorted(keys, key=lambda k: k.encode("utf-16-be"))):
            if index:
                parts.append(",")
            parts.append(_string(key))
            parts.append(":")
            _write(value[key], parts, path=path + "." + key)
        parts.append("}")
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _write(item, parts, path=f"{path}[{index}]")
        parts.append("]")
    else:
        raise NotCanonicalisable(
            _("The value at %(path)s cannot be part of a receipt (%(type)s).")
            % {"path": path, "type": type(value).__name__}
        )
