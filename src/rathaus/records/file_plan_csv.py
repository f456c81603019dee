"""The file plan as CSV (import and export): one row per item with its number, the number of
its parent (empty at the top), title, retention in years after closing (empty: inherited)
and archive rule (empty: inherited).

Export: semicolon-separated UTF-8 with a byte order mark, so that spreadsheet programs open
it with umlauts intact; German column names. Import: semicolons or commas, with or without
the byte order mark, the German or English column names, archive rules as `archive` /
`destroy` / `evaluate` or the usual letters A (archivieren), V (vernichten), B (bewerten).
Every row is checked before anything is saved; errors name the line."""

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from rathaus.core.errors import DomainError

from .models import ArchiveRule

COLUMNS = {  # field → accepted column names (the first is written)
    "number": ("Nummer", "number"),
    "parent": ("Übergeordnet", "parent"),
    "title": ("Titel", "title"),
    "retention_years": ("Aufbewahrungsfrist (Jahre)", "retention_years", "Aufbewahrungsfrist"),
    "archive_rule": ("Archivierung", "archive_rule"),
}
RULES = {
    "archive": ArchiveRule.ARCHIVE,
    "a": ArchiveRule.ARCHIVE,
    "archivieren": ArchiveRule.ARCHIVE,
    "destroy": ArchiveRule.DESTROY,
    "v": ArchiveRule.DESTROY,
    "vernichten": ArchiveRule.DESTROY,
    "evaluate": ArchiveRule.EVALUATE,
    "b": ArchiveRule.EVALUATE,
    "bewerten": ArchiveRule.EVALUATE,
}
RULE_LETTERS = {ArchiveRule.ARCHIVE: "A", ArchiveRule.DESTROY: "V", ArchiveRule.EVALUATE: "B"}
NUMBER_MAX, TITLE_MAX = 40, 200


class FilePlanCsvError(DomainError):
    """The CSV cannot be imported; `errors` lists every problem with its line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(
            _("The file plan was not imported: %(errors)s") % {"errors": " ".join(errors)}
        )
        self.errors = errors


@dataclass(frozen=True)
class PlanRow:
    line: int
    number: str
    parent: str
    title: str
    retention_years: int | None
    archive_rule: str


def plan_rows_parse(data: bytes | str) -> list[PlanRow]:
    """The rows of a file plan CSV, every row checked (FilePlanCsvError lists the problems)."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=";" if ";" in first else ",")
    header = next(reader, None)
    if not header:
        raise FilePlanCsvError([_("The file is empty.")])
    names = [name.strip().lower() for name in header]
    position: dict[str, int] = {}
    for field, accepted in COLUMNS.items():
        for name in accepted:
            if name.lower() in names:
                position[field] = names.index(name.lower())
                break
    missing = [COLUMNS[f][0] for f in ("number", "title") if f not in position]
    if missing:
        raise FilePlanCsvError(
            [_("Line 1: the column %(name)s is missing.") % {"name": name} for name in missing]
        )
    rows: list[PlanRow] = []
    errors: list[str] = []
    seen: set[str] = set()
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue

        def cell(field: str, record: list[str] = record) -> str:
            index = position.get(field)
            return record[index].strip() if index is not None and index < len(record) else ""

        number = cell("number")
        row, problems = _row_checked(
            line,
            number,
            cell("parent"),
            cell("title"),
            cell("retention_years"),
            cell("archive_rule"),
        )
        if number and number in seen:
            problems.append(_("the number %(number)s appears twice") % {"number": number})
        if problems or row is None:
            errors.append(
                _("Line %(line)d: %(problems)s.") % {"line": line, "problems": "; ".join(problems)}
            )
            continue
        seen.add(number)
        rows.append(row)
    if errors:
        raise FilePlanCsvError(errors)
    return rows


def plan_row_check(
    *, number: str, parent: str, title: str, retention_years: int | None, archive_rule: str
) -> PlanRow:
    """One item checked as an import checks a row (DomainError naming the problems)."""
    retention = "" if retention_years is None else str(retention_years)
    row, problems = _row_checked(0, number.strip(), parent, title.strip(), retention, archive_rule)
    if problems or row is None:
        raise DomainError(
            _("The file plan item is not valid: %(problems)s.") % {"problems": "; ".join(problems)}
        )
    return row


def _row_checked(
    line: int, number: str, parent: str, title: str, retention_text: str, rule_text: str
) -> tuple[PlanRow | None, list[str]]:
    problems = []
    if not number:
        problems.append(_("the number is missing"))
    elif len(number) > NUMBER_MAX:
        problems.append(_("the number is longer than 40 characters"))
    if not title:
        problems.append(_("the title is missing"))
    elif len(title) > TITLE_MAX:
        problems.append(_("the title is longer than 200 characters"))
    if parent and parent == number:
        problems.append(_("an item cannot be its own parent"))
    retention: int | None = None
    if retention_text:
        try:
            retention = int(retention_text)
            if not 0 <= retention <= 1000:
                raise ValueError
        except ValueError:
            problems.append(
                _("the retention must be a number of years, not %(value)s")
                % {"value": retention_text}
            )
    rule = ""
    if rule_text:
        rule = RULES.get(rule_text.lower(), "")
        if not rule:
            problems.append(_("unknown archive rule %(value)s (A, V or B)") % {"value": rule_text})
    if problems:
        return None, problems
    return PlanRow(line, number, parent, title, retention, rule), []


def plan_csv_format(rows: list[PlanRow]) -> bytes:
    """The CSV of `rows` (export): German column names, semicolons, UTF-8 with BOM."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([accepted[0] for accepted in COLUMNS.values()])
    for row in rows:
        writer.writerow(
            [
                row.number,
                row.parent,
                row.title,
                "" if row.retention_years is None else row.retention_years,
                RULE_LETTERS.get(ArchiveRule(row.archive_rule), "") if row.archive_rule else "",
            ]
        )
    return out.getvalue().encode("utf-8-sig")
