"""Writes of the records: the file plan (items one by one or a CSV import), the file
reference pattern, files (create, close "zdA", reopen). Every change is audited in its
transaction; the permissions are in `permissions`."""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.cases.models import Case
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict, DomainError
from rathaus.municipalities.models import Municipality, Office

from . import documents
from .case_documents import case_documents_file as case_documents_file
from .content import ContentAltered as ContentAltered
from .disposal import disposal_destroy as disposal_destroy
from .disposal import disposal_offer_create as disposal_offer_create
from .disposal import disposal_transfer as disposal_transfer
from .documents import CheckedUpload as CheckedUpload
from .documents import document_add as document_add  # the public face of the records' writes
from .documents import document_version_read as document_version_read
from .documents import upload_checked as upload_checked
from .documents import version_add as version_add
from .file_plan_csv import FilePlanCsvError as FilePlanCsvError
from .file_plan_csv import plan_row_check, plan_rows_parse
from .file_references import file_reference_next, pattern_check
from .filing import case_file_by_rule as case_file_by_rule
from .filing import filing_rule_set as filing_rule_set
from .handover import files_hand_over as files_hand_over
from .inspection import inspection_document_read as inspection_document_read
from .inspection import inspection_grant as inspection_grant
from .inspection import inspection_revoke as inspection_revoke
from .message_import import archive_inbox_process as archive_inbox_process
from .message_import import message_import as message_import
from .models import CaseFiling, FilePlanItem, FileReferencePattern, RecordFile
from .permissions import ensure_file_keeper, ensure_plan_keeper
from .retention import file_disposal_date
from .scanning import original_destroyed as original_destroyed
from .scanning import scan_batch_create as scan_batch_create
from .scanning import scan_check as scan_check
from .scanning import scan_read as scan_read
from .xdomea import SchemaUnavailable as SchemaUnavailable

YEAR_MIN, YEAR_MAX = 1900, 2200


@dataclass
class PlanImportResult:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)  # kept as they are


def _plan_item_write(
    *, actor: Actor, municipality: Municipality, number: str, values: dict[str, Any]
) -> str:
    """Create or change one item; "created", "changed" or "unchanged" (audited if not)."""
    item = FilePlanItem.objects.filter(municipality=municipality, number=number).first()
    if item is None:
        item = FilePlanItem.objects.create(municipality=municipality, number=number, **values)
        audit_record(
            actor=actor,
            action="records.plan_item_create",
            obj=item,
            details={"number": number, **_plain(values)},
        )
        return "created"
    changes = {
        name: {"old": _plain_value(getattr(item, name)), "new": _plain_value(value)}
        for name, value in values.items()
        if getattr(item, name) != value
    }
    if not changes:
        return "unchanged"
    for name, value in values.items():
        setattr(item, name, value)
    item.save()
    audit_record(
        actor=actor,
        action="records.plan_item_change",
        obj=item,
        details={"number": number, "changes": changes},
    )
    return "changed"


def _plain_value(value: Any) -> Any:
    return str(value) if value is not None and not isinstance(value, int | str | bool) else value


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {name: _plain_value(value) for name, value in values.items()}


@transaction.atomic
def plan_item_save(
    *,
    actor: Actor,
    municipality: Municipality,
    number: str,
    title: str,
    parent: FilePlanItem | None = None,
    retention_years: int | None = None,
    archive_rule: str = "",
    active: bool = True,
) -> FilePlanItem:
    """Create the item `number` of `municipality`'s file plan or change it."""
    ensure_plan_keeper(actor=actor, municipality=municipality)
    if parent is not None and parent.municipality_id != municipality.pk:
        raise DomainError(_("The parent item belongs to another municipality's file plan."))
    row = plan_row_check(
        number=number,
        parent=parent.number if parent else "",
        title=title,
        retention_years=retention_years,
        archive_rule=archive_rule,
    )
    if parent is not None and _descends_from(parent, number=row.number):
        raise DomainError(_("An item cannot be placed below itself."))
    _plan_item_write(
        actor=actor,
        municipality=municipality,
        number=row.number,
        values={
            "title": row.title,
            "parent_id": parent.pk if parent else None,
            "retention_years": row.retention_years,
            "archive_rule": row.archive_rule,
            "active": active,
        },
    )
    return FilePlanItem.objects.get(municipality=municipality, number=row.number)


def _descends_from(item: FilePlanItem, *, number: str) -> bool:
    """Whether `item` is the item `number` or lies below it."""
    current: FilePlanItem | None = item
    while current is not None:
        if current.number == number:
            return True
        current = current.parent
    return False


@transaction.atomic
def file_plan_import(
    *, actor: Actor, municipality: Municipality, data: bytes | str
) -> PlanImportResult:
    """Import a file plan CSV (`file_plan_csv`) into `municipality`'s plan: items created or
    changed by number, items not in the file left as they are (they may hold files), columns
    not in the file left as the plan holds them. All or
    nothing: any problem (in a row, a parent that does not exist, a cycle) and nothing
    changes (FilePlanCsvError lists every problem with its line)."""
    ensure_plan_keeper(actor=actor, municipality=municipality)
    rows = plan_rows_parse(data)
    existing = {i.number: i for i in FilePlanItem.objects.filter(municipality=municipality)}
    numbers = {row.number for row in rows} | set(existing)
    number_of = {i.pk: n for n, i in existing.items()}
    parent_of = {
        n: (number_of.get(i.parent_id, "") if i.parent_id else "") for n, i in existing.items()
    }
    parent_of.update({row.number: row.parent for row in rows if "parent" in row.given})
    errors = [
        _("Line %(line)d: the parent %(parent)s is neither in the file nor in the plan.")
        % {"line": row.line, "parent": row.parent}
        for row in rows
        if row.parent and row.parent not in numbers
    ]
    for row in rows:  # a cycle through the parents
        seen, current = {row.number}, parent_of.get(row.number, "")
        while current:
            if current in seen:
                errors.append(
                    _("Line %(line)d: the parents of %(number)s form a cycle.")
                    % {"line": row.line, "number": row.number}
                )
                break
            seen.add(current)
            current = parent_of.get(current, "")
    if errors:
        raise FilePlanCsvError(errors)
    result = PlanImportResult()

    # Parents first: the rows sorted by their depth in the new plan.
    def depth(number: str) -> int:
        count, current = 0, parent_of.get(number, "")
        while current:
            count, current = count + 1, parent_of.get(current, "")
        return count

    ids = {n: i.pk for n, i in existing.items()}
    for row in sorted(rows, key=lambda r: (depth(r.number), r.line)):
        # A column the file does not have keeps what the plan holds (new items: defaults).
        values = {
            "title": row.title,
            "parent_id": ids[row.parent] if row.parent else None,
            "retention_years": row.retention_years,
            "archive_rule": row.archive_rule,
            "active": row.active,
        }
        if row.number in existing:
            for column, name in (
                ("parent", "parent_id"),
                ("retention_years", None),
                ("archive_rule", None),
                ("active", None),
            ):
                if column not in row.given:
                    values.pop(name or column)
        outcome = _plan_item_write(
            actor=actor, municipality=municipality, number=row.number, values=values
        )
        if row.number not in ids:
            ids[row.number] = FilePlanItem.objects.get(
                municipality=municipality, number=row.number
            ).pk
        getattr(result, outcome).append(row.number)
    result.not_in_file = sorted(set(existing) - {row.number for row in rows})
    if not (result.created or result.changed):
        return result  # nothing changed: nothing to record
    audit_record(
        actor=actor,
        action="records.plan_import",
        obj=municipality,
        details={
            "created": len(result.created),
            "changed": len(result.changed),
            "unchanged": len(result.unchanged),
            "not_in_file": result.not_in_file,
        },
    )
    return result


@transaction.atomic
def reference_pattern_set(*, actor: Actor, municipality: Municipality, pattern: str) -> str:
    """Set `municipality`'s file reference pattern (checked: `file_references.pattern_check`);
    references already issued stay as they are."""
    ensure_plan_keeper(actor=actor, municipality=municipality)
    pattern = pattern_check(pattern)
    row, _created = FileReferencePattern.objects.update_or_create(
        municipality=municipality, defaults={"pattern": pattern}
    )
    audit_record(
        actor=actor,
        action="records.reference_pattern_set",
        obj=municipality,
        details={"pattern": pattern},
    )
    return row.pattern


@transaction.atomic
def file_create(
    *,
    actor: Actor,
    office: Office,
    plan_item: FilePlanItem,
    title: str,
    year: int | None = None,
) -> RecordFile:
    """A new file of `office` under `plan_item` with the next file reference."""
    ensure_file_keeper(actor=actor, office=office)
    if plan_item.municipality_id != office.municipality_id:
        raise DomainError(_("The file plan item belongs to another municipality."))
    if not plan_item.active:
        raise Conflict(_("No new files are created under an inactive file plan item."))
    title = " ".join(title.split())
    if not title:
        raise DomainError(_("A file needs a title."))
    year = year or timezone.localdate().year
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise DomainError(_("The year of a file must lie between 1900 and 2200."))
    record = RecordFile.objects.create(
        municipality_id=office.municipality_id,
        office=office,
        plan_item=plan_item,
        file_reference=file_reference_next(
            municipality=office.municipality, office=office, plan_item=plan_item, year=year
        ),
        title=title[:300],
        year=year,
        created_by=actor.user if actor.is_person else None,
    )
    audit_record(
        actor=actor,
        action="records.file_create",
        obj=record,
        details={"file_reference": record.file_reference, "plan_item": plan_item.number},
    )
    return record


def _reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError(_("Please give a reason."))
    return reason[:500]


def case_file(*, actor: Actor, case: Case, record: RecordFile, reason: str = "") -> CaseFiling:
    """File `case` in `record` or move it there (`documents.case_file`); a case filed for
    the first time brings the documents the apps hold about it."""
    filing = documents.case_file(actor=actor, case=case, record=record, reason=reason)
    case_documents_file(case_id=case.pk)
    return filing


def file_close(*, actor: Actor, record: RecordFile, reason: str) -> RecordFile:
    """Close the file (zdA: zu den Akten) with a reason; its retention starts. What the apps
    hold about its cases and is not filed yet is filed first."""
    ensure_file_keeper(actor=actor, office=record.office)
    for case_id in record.case_filings.values_list("case_id", flat=True):
        case_documents_file(case_id=case_id)
    return _file_status_set(
        actor=actor,
        record=record,
        reason=reason,
        status=RecordFile.Status.CLOSED,
        action="records.file_close",
        already=_("The file is already closed."),
    )


def file_reopen(*, actor: Actor, record: RecordFile, reason: str) -> RecordFile:
    """Reopen a closed file with a reason; what the apps hold about its cases and arrived
    while it was closed is filed then."""
    reopened = _file_status_set(
        actor=actor,
        record=record,
        reason=reason,
        status=RecordFile.Status.OPEN,
        action="records.file_reopen",
        already=_("The file is open."),
    )
    for case_id in reopened.case_filings.values_list("case_id", flat=True):
        case_documents_file(case_id=case_id)
    return reopened


@transaction.atomic
def _file_status_set(
    *, actor: Actor, record: RecordFile, reason: str, status: str, action: str, already: str
) -> RecordFile:
    """Close or reopen `record` (under its row lock) with a reason, audited as `action`;
    Conflict (`already`) when it has that status already."""
    ensure_file_keeper(actor=actor, office=record.office)
    reason = _reason(reason)
    locked = RecordFile.objects.select_for_update().get(pk=record.pk)
    if locked.status == status:
        raise Conflict(already)
    if locked.status not in (RecordFile.Status.OPEN, RecordFile.Status.CLOSED):
        raise Conflict(_("This file has left the records (archived or destroyed)."))
    locked.status = status
    locked.closed_at = timezone.now() if status == RecordFile.Status.CLOSED else None
    locked.disposal_date = file_disposal_date(locked)
    locked.save(update_fields=["status", "closed_at", "disposal_date", "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        obj=locked,
        details={"file_reference": locked.file_reference, "reason": reason},
    )
    return locked
