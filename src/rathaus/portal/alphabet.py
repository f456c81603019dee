"""A–Z index: group items by the first letter of their name, German style (Ä files under A)."""

import string
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

OTHER = "#"


def collation_key(text: str) -> str:
    """Case- and accent-insensitive sort key: "Änderung" sorts with "Anderung", "ß" as "ss"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def initial(text: str) -> str:
    """The index letter for `text`: A–Z, or "#" for digits and other characters."""
    key = collation_key(text.strip())
    first = key[:1].upper()
    return first if first in string.ascii_uppercase else OTHER


@dataclass(frozen=True)
class LetterGroup(Generic[T]):
    letter: str
    items: list[T]

    @property
    def anchor(self) -> str:
        return "buchstabe-" + ("0" if self.letter == OTHER else self.letter.lower())


@dataclass(frozen=True)
class IndexLetter:
    letter: str
    anchor: str
    present: bool


def group_by_initial(items: Iterable[T], *, key: Callable[[T], str]) -> list[LetterGroup[T]]:
    """Items sorted by `key` (collated) and grouped by initial; "#" comes last."""
    ordered = sorted(items, key=lambda item: collation_key(key(item)))
    groups: dict[str, list[T]] = {}
    for item in ordered:
        groups.setdefault(initial(key(item)), []).append(item)
    letters = sorted(groups, key=lambda letter: (letter == OTHER, letter))
    return [LetterGroup(letter=letter, items=groups[letter]) for letter in letters]


def letter_index(groups: list[LetterGroup[T]]) -> list[IndexLetter]:
    """All letters A–Z (and "#" when used), each marked whether it has entries."""
    present = {group.letter: group.anchor for group in groups}
    letters = list(string.ascii_uppercase) + ([OTHER] if OTHER in present else [])
    return [
        IndexLetter(letter=letter, anchor=present.get(letter, ""), present=letter in present)
        for letter in letters
    ]
