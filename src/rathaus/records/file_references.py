"""File references (Aktenzeichen) from a municipality's pattern.

A pattern is text with the fields `{office}` (the office's code: its slug in capitals),
`{plan}` (the file-plan item's number), `{year}` and `{seq}` (the running number; a width may
be given, `{seq:04d}` → 0042). The running number counts per reference prefix — the pattern
with everything but `{seq}` filled in — so `{office}-{plan}/{year}/{seq}` counts per office,
plan item and year, and `{plan}/{seq}` per plan item over the years. Numbers come from a
counter row (`core.counters`), never from MAX().
"""

import re
import string
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from rathaus.core.counters import counter_next
from rathaus.core.errors import Conflict, DomainError
from rathaus.municipalities.models import Municipality, Office

from .models import FilePlanItem, FileReferenceCounter, FileReferencePattern, RecordFile

FIELDS = ("office", "plan", "year", "seq")
REFERENCE_MAX = 160
PATTERN_MAX = 120
SEQ_FORMAT = re.compile(r"0?[1-9]?d?")  # a width with zeros or not: {seq:04d}, {seq:4}
SKIP_MAX = 1000  # numbers tried past references that exist already (an earlier pattern's)


class InvalidPattern(DomainError):
    """The file reference pattern cannot be used (unknown field, no running number, …)."""


def pattern_check(pattern: str) -> str:
    """`pattern` stripped, or InvalidPattern saying what is wrong with it."""
    pattern = pattern.strip()
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as error:
        raise InvalidPattern(_("The pattern is not valid: %(error)s") % {"error": error}) from None
    fields = [field for _, field, _, _ in parts if field is not None]
    for _literal, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in FIELDS:
            raise InvalidPattern(
                _("Unknown field {%(field)s} in the pattern; allowed: %(allowed)s.")
                % {"field": field, "allowed": ", ".join(f"{{{f}}}" for f in FIELDS)}
            )
        if conversion or (spec and field != "seq"):
            raise InvalidPattern(_("Only the running number may have a format, e.g. {seq:04d}."))
        if spec and not SEQ_FORMAT.fullmatch(spec):
            raise InvalidPattern(
                _("The format of the running number is not valid: %(spec)s") % {"spec": spec}
            )
    if fields.count("seq") != 1:
        raise InvalidPattern(_("The pattern must contain the running number {seq} exactly once."))
    # "{plan}{seq}" would give 9631 for item 96, number 31 and for item 963, number 1.
    for index, (literal, field, _spec, _conversion) in enumerate(parts):
        follows = parts[index + 1] if index + 1 < len(parts) else None
        if field == "seq" and (
            (index > 0 and not literal) or (follows is not None and not follows[0])
        ):
            raise InvalidPattern(
                _(
                    "The running number {seq} must be set apart from the other fields by text, "
                    "e.g. {plan}/{seq}."
                )
            )
    if len(pattern) > PATTERN_MAX:
        raise InvalidPattern(_("The pattern may be at most 120 characters long."))
    return pattern


def pattern_for(municipality: Municipality) -> str:
    """The municipality's pattern, else the installation's (RATHAUS_FILE_REFERENCE_PATTERN)."""
    own = FileReferencePattern.objects.filter(municipality=municipality).first()
    return own.pattern if own else str(settings.RATHAUS_FILE_REFERENCE_PATTERN)


def office_code(office: Office) -> str:
    return office.slug.upper()


def _prefix(pattern: str, values: dict[str, Any]) -> str:
    """The pattern with every field but the running number filled in (the counter's key)."""
    out = []
    for literal, field, _spec, _conversion in string.Formatter().parse(pattern):
        out.append(literal)
        if field == "seq":
            out.append("{seq}")  # whatever its format: one counter for the same references
        elif field is not None:
            out.append(str(values[field]))
    return "".join(out)


def file_reference_next(
    *, municipality: Municipality, office: Office, plan_item: FilePlanItem, year: int
) -> str:
    """The next file reference for a file of `office` under `plan_item` in `year`; inside the
    transaction that creates the file."""
    pattern = pattern_check(pattern_for(municipality))
    values = {"office": office_code(office), "plan": plan_item.number, "year": year}
    prefix = _prefix(pattern, values)[:REFERENCE_MAX]
    for _attempt in range(SKIP_MAX):
        # Under the counter row's lock (held until the file's transaction ends): a number
        # whose reference exists already (issued under an earlier pattern) is skipped.
        value = counter_next(FileReferenceCounter, municipality=municipality, prefix=prefix)
        reference = pattern.format(**values, seq=value)
        if len(reference) > REFERENCE_MAX:
            raise InvalidPattern(_("The file reference would be longer than 160 characters."))
        if not RecordFile.objects.filter(
            municipality=municipality, file_reference=reference
        ).exists():
            return reference
    raise Conflict(_("No free file reference was found; please change the pattern."))
