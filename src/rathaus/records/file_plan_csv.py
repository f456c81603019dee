"""The file plan as CSV (import and export): one row per item with its number, the number of
its parent (empty at the top), title, retention in years after closing (empty: inherited),
archive rule (empty: inherited) and whether it is active.

Export: semicolon-separated UTF-8 with a byte order mark, so that spreadsheet programs open
it with umlauts intact; German column names; a cell that a spreadsheet would take for a
formula (starting with = + - @) is written with a leading apostrophe, which the import
removes. Import: semicolons or commas; UTF-8 with or without the byte order mark, or
Windows-1252 (what a German spreadsheet program saves as plain "CSV"); the German or English
column names, unknown columns refused; archive rules as `archive` / `destroy` / `evaluate` or
the usual letters A (archivieren), V (vernichten), B (bewerten). Only number and title are
required columns: a column left out keeps what the plan holds (new items: top level, rules
inherited, active). Every row is checked before anything is saved; errors name the line."""

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
    "active": ("Aktiv", "active"),
}
YES, NO = (
    ("ja", "yes", "j", "y", "1", "true", "wahr", ""),
    ("nein", "no", "n", "0", "false", "falsch"),
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
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
    active: bool = True
    given: frozenset[str] = frozenset(COLUMNS)  # the columns the file has


def _text(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise FilePlanCsvError(
            [_("The file is not readable text. Please save it as “CSV UTF-8”.")]
        ) from None


def _unquoted(cell: str) -> str:
    """A cell as typed: without the apostrophe the export puts before formula characters."""
    cell = cell.strip()
    return cell[1:] if cell.startswith("'") and cell[1:2] in FORMULA_START else cell


def _positions(header: list[str]) -> dict[str, int]:
    names = [name.strip().lower() for name in header]
    known = {name.lower(): field for field, accepted in COLUMNS.items() for name in accepted}
    unknown = [header[i].strip() for i, name in enumerate(names) if name and name not in known]
    if unknown:
        raise FilePlanCsvError(
            [
                _("Line 1: unknown column %(name)s; the columns are: %(known)s.")
                % {"name": name, "known": ", ".join(a[0] for a in COLUMNS.values())}
                for name in unknown
            ]
        )
    position = {known[name]: i for i, name in enumerate(names) if name}
    missing = [COLUMNS[f][0] for f in ("number", "title") if f not in position]
    if missing:
        raise FilePlanCsvError(
            [_("Line 1: the column %(name)s is missing.") % {"name": name} for name in missing]
        )
    return position


def plan_rows_parse(data: bytes | str) -> list[PlanRow]:
    """The rows of a file plan CSV, every row checked (FilePlanCsvError lists the problems)."""
    text = _text(data)
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=";" if ";" in first else ",")
    header = next(reader, None)
    if not header or not any(name.strip() for name in header):
        raise FilePlanCsvError([_("The file is empty.")])
    position = _positions(header)
    given = frozenset(position)
    rows: list[PlanRow] = []
    errors: list[str] = []
    seen: set[str] = set()
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue

        def cell(field: str, record: list[str] = record) -> str:
            index = position.get(field)
            return _unquoted(record[index]) if index is not None and index < len(record) else ""

        number = cell("number")
        row, problems = _row_checked(
            line,
            number,
            cell("parent"),
            cell("title"),
            cell("retention_years"),
            cell("archive_rule"),
            cell("active"),
            given,
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
    row, problems = _row_checked(
        0, number.strip(), parent, title.strip(), retention, archive_rule, "ja", frozenset(COLUMNS)
    )
    if problems or row is None:
        raise DomainError(
            _("The file plan item is not valid: %(problems)s.") % {"problems": "; ".join(problems)}
        )
    return row


def _row_checked(
    line: int,
    number: str,
    parent: str,
    title: str,
    retention_text: str,
    rule_text: str,
    active_text: str,
    given: frozenset[str],
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
    active = active_text.lower() in YES
    if not active and active_text.lower() not in NO:
        problems.append(_("active must be ja or nein, not %(value)s") % {"value": active_text})
    if problems:
        return None, problems
    return PlanRow(line, number, parent, title, retention, rule, active, given), []


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def plan_csv_format(rows: list[PlanRow]) -> bytes:
    """The CSV of `rows` (export): German column names, semicolons, UTF-8 with BOM."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([accepted[0] for accepted in COLUMNS.values()])
    for row in rows:
        rule = RULE_LETTERS.get(ArchiveRule(row.archive_rule), "") if row.archive_rule else ""
        writer.writerow(
            [
                _cell(row.number),
                _cell(row.parent),
                _cell(row.title),
                _cell(row.retention_years),
                rule,
                "ja" if row.active else "nein",
            ]
        )
    return out.getvalue().encode("utf-8-sig")
