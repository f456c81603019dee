"""Reads of the records: the file plan (with inherited retention and archive rule) and
files."""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import QuerySet

from rathaus.core.actors import Actor
from rathaus.municipalities.models import Municipality

from .browse import (
    HISTORY_LIMIT as HISTORY_LIMIT,
)
from .browse import (
    OVERVIEW_LIMIT as OVERVIEW_LIMIT,
)
from .browse import (
    cases_unfiled as cases_unfiled,
)
from .browse import (
    document_get as document_get,
)
from .browse import (
    document_has_version as document_has_version,
)
from .browse import (
    document_versions as document_versions,
)
from .browse import (
    file_cases as file_cases,
)
from .browse import (
    file_documents as file_documents,
)
from .browse import (
    file_history as file_history,
)
from .browse import (
    files_open as files_open,
)
from .browse import (
    offices_keeping_files as offices_keeping_files,
)
from .browse import (
    open_files_by_office as open_files_by_office,
)
from .browse import (
    plan_items_active as plan_items_active,
)
from .browse import (
    plan_keeper as plan_keeper,
)
from .browse import (
    plan_municipalities as plan_municipalities,
)
from .browse import (
    plan_municipality_get as plan_municipality_get,
)
from .browse import (
    plan_tree as plan_tree,
)
from .browse import (
    record_file_get as record_file_get,
)
from .disposal_overview import disposal_offer_get as disposal_offer_get
from .disposal_overview import disposal_rows as disposal_rows
from .file_plan_csv import PlanRow, plan_csv_format
from .inspection import inspection_get as inspection_get
from .inspection import inspections_of as inspections_of
from .models import FilePlanItem, RecordFile
from .permissions import readable_office_ids as readable_office_ids
from .retention import files_due as files_due
from .scanning import checks_waiting as checks_waiting
from .scanning import originals_due as originals_due
from .search import PAGE_SIZE, SearchPage, document_search


@dataclass(frozen=True)
class PlanEntry:
    """An item of the file plan with its depth and what it inherits."""

    item: FilePlanItem
    depth: int
    retention_years: int | None  # own, else the nearest ancestor's
    archive_rule: str  # own, else the nearest ancestor's ("" when none sets one)


def file_plan(*, municipality: Municipality) -> list[PlanEntry]:
    """The municipality's file plan in order (parents before their children), one query."""
    items = list(FilePlanItem.objects.filter(municipality=municipality).order_by("number"))
    by_id = {item.pk: item for item in items}
    children: dict[UUID | None, list[FilePlanItem]] = {}
    for item in items:
        parent = item.parent_id if item.parent_id in by_id else None
        children.setdefault(parent, []).append(item)
    entries: list[PlanEntry] = []

    def walk(parent: UUID | None, depth: int, retention: int | None, rule: str) -> None:
        for item in children.get(parent, []):
            own_retention = item.retention_years if item.retention_years is not None else retention
            own_rule = item.archive_rule or rule
            entries.append(PlanEntry(item, depth, own_retention, own_rule))
            walk(item.pk, depth + 1, own_retention, own_rule)

    walk(None, 0, None, "")
    return entries


def file_plan_csv(*, municipality: Municipality) -> bytes:
    """The municipality's file plan as CSV (the import's format, `file_plan_csv`)."""
    entries = file_plan(municipality=municipality)
    numbers = {e.item.pk: e.item.number for e in entries}
    rows = [
        PlanRow(
            line=0,
            number=e.item.number,
            parent=numbers.get(e.item.parent_id, "") if e.item.parent_id else "",
            title=e.item.title,
            retention_years=e.item.retention_years,
            archive_rule=e.item.archive_rule,
            active=e.item.active,
        )
        for e in entries
    ]
    return plan_csv_format(rows)


def plan_entry(*, item: FilePlanItem) -> PlanEntry:
    """`item` with what it inherits from its ancestors."""
    for entry in file_plan(municipality=item.municipality):
        if entry.item.pk == item.pk:
            return entry
    raise FilePlanItem.DoesNotExist


def files_of_office(*, office_id: UUID) -> QuerySet[RecordFile]:
    return RecordFile.objects.filter(office_id=office_id).select_related("plan_item")


def documents_find(
    *, actor: Actor, query: str, cursor: str = "", limit: int = PAGE_SIZE
) -> SearchPage:
    """The documents `actor` may read (need to know: the offices whose files it reads)
    matching `query`, ranked (`rathaus.records.search`), one page from `cursor`."""
    return document_search(
        query=query, office_ids=readable_office_ids(actor=actor), cursor=cursor, limit=limit
    )
