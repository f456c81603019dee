"""Errors of the xdomea library.

`XdomeaInvalid`, `ContainerInvalid` and `Unrepresentable` are `DomainError`s: the message says
what is wrong and where, so a clerk or the sending system can act on it. `SchemaUnavailable`
is an operator's problem (the official XSDs are not where the configuration says) and derives
from Django's `ImproperlyConfigured`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from rathaus.core.errors import DomainError

_PROBLEMS_SHOWN = 5


class SchemaUnavailable(ImproperlyConfigured):
    """The xdomea schema directory, or one version's schema in it, is missing."""


@dataclass(frozen=True)
class Problem:
    """One reason a message was refused: what, at which element, on which source line."""

    message: str
    path: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.path:
            where.append(self.path)
        return f"{', '.join(where)}: {self.message}" if where else self.message


class XdomeaInvalid(DomainError):
    """The data is not an acceptable xdomea message; `problems` lists every finding."""

    def __init__(self, summary: str, problems: Sequence[Problem] = ()) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        shown = "; ".join(str(p) for p in self.problems[:_PROBLEMS_SHOWN])
        more = len(self.problems) - _PROBLEMS_SHOWN
        text = f"{summary}: {shown}" if shown else summary
        if more > 0:
            text += f" (and {more} more)"
        super().__init__(text)


class ContainerInvalid(DomainError):
    """The xdomea ZIP container is unsafe or incomplete (names, sizes, missing documents)."""


class Unrepresentable(DomainError):
    """The records cannot be expressed in the chosen xdomea version (or at all)."""
