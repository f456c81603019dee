"""Characters no text we store may contain, found in one place.

PostgreSQL refuses NUL in text and JSON columns (`DataError: unsupported Unicode escape
sequence`); an unpaired surrogate (possible in JSON: ``"\\ud800"``) cannot even be encoded as
UTF-8; the other C0 control characters (except tab, line feed, carriage return) and the
noncharacters U+FFFE/U+FFFF are not allowed in XML 1.0, which the hand-over formats and the
sealed PDF receipts are. No citizen types them: they come from copy and paste out of odd
documents, or from a client probing us. So every text a request brings in is checked here,
before it reaches a form, a serializer or the database.
"""

import re
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

V = TypeVar("V", bound=Callable[..., Any])

INVALID_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def has_invalid_characters(text: str) -> bool:
    """Whether `text` holds a character we never store (NUL, another control character, an
    unpaired surrogate, a noncharacter)."""
    return INVALID_CHARACTER.search(text) is not None


def invalid_characters_remove(text: str) -> str:
    """`text` without the characters we never store."""
    return INVALID_CHARACTER.sub("", text)


def names_with_invalid_characters(data: MultiValueDict[str, str]) -> list[str]:
    """The names in a query or form whose name or any value holds an invalid character."""
    return [
        name
        for name, values in data.lists()
        if has_invalid_characters(name) or any(has_invalid_characters(v) for v in values)
    ]


def query_dict_without_invalid_characters(data: QueryDict) -> QueryDict:
    """A copy of `data` with the invalid characters taken out of every name and value."""
    clean = QueryDict(mutable=True)
    for name, values in data.lists():
        clean.setlist(
            invalid_characters_remove(name), [invalid_characters_remove(v) for v in values]
        )
    return clean


def checks_invalid_characters(view: V) -> V:
    """Marks a view that reports invalid characters at the field itself, so that the backstop
    (`core.middleware.InvalidCharactersMiddleware`) lets its requests through."""
    view.checks_invalid_characters = True  # type: ignore[attr-defined]
    return view
