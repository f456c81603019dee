"""Reads of the staff pages of the records (/intern/akten/): the open files and the unfiled
cases of the clerk's offices, the file plan as a tree with its files counted, one file with
its cases, documents and history, one document with its versions.

Need to know as everywhere in the records: files, documents and cases exist only for the
offices' case-handling roles (`permissions`: NotFound for anyone else); a file plan for the
staff of its municipality."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from rathaus.cases.models import Case
from rathaus.core.actors import Actor
from rathaus.core.errors import NotFound, NotPermitted
from rathaus.core.models import AuditEvent
from rathaus.municipalities.models import Municipality, Office
from rathaus.staff.selectors import sees_all_offices, staff_offices

# `selectors` as a module, not its names: selectors may re-export these reads without a cycle.
from .models import ArchiveRule, CaseFiling, Document, DocumentVersion, FilePlanItem, RecordFile
from .permissions import ensure_file_reader, ensure_plan_keeper, readable_office_ids

if TYPE_CHECKING:
    from .selectors import PlanEntry

OVERVIEW_LIMIT = 50  # files and unfiled cases on the overview; more: the search finds them
FILE_CHOICES_LIMIT = 100  # open files offered per office when a case is filed by hand
HISTORY_LIMIT = 50


def _office_filter(qs: QuerySet[Any], *, actor: Actor, office_field: str) -> QuerySet[Any]:
    """`qs` narrowed to the offices whose files `actor` reads (all for None)."""
    office_ids = readable_office_ids(actor=actor)
    if office_ids is None:
        return qs
    return qs.filter(**{f"{office_field}__in": office_ids})


def files_open(*, actor: Actor, limit: int = OVERVIEW_LIMIT) -> list[RecordFile]:
    """The open files of the offices whose files `actor` reads, newest first, each with its
    `document_count`; at most `limit` + 1 (the caller tells whether there are more)."""
    qs = _office_filter(
        RecordFile.objects.filter(status=RecordFile.Status.OPEN),
        actor=actor,
        office_field="office_id",
    )
    return list(
        qs.select_related("office", "plan_item", "municipality")
        .annotate(document_count=Count("documents"))
        .order_by("-created_at", "-pk")[: limit + 1]
    )


def cases_unfiled(*, actor: Actor, limit: int = OVERVIEW_LIMIT) -> list[Case]:
    """The cases of `actor`'s offices that are filed in no file yet, newest first (at most
    `limit` + 1)."""
    qs = _office_filter(
        Case.objects.filter(~Exists(CaseFiling.objects.filter(case_id=OuterRef("pk")))),
        actor=actor,
        office_field="office_id",
    )
    return list(qs.select_related("office", "service").order_by("-opened_at", "-pk")[: limit + 1])


def open_files_by_office(
    *, office_ids: set[UUID], limit: int = FILE_CHOICES_LIMIT
) -> dict[UUID, list[RecordFile]]:
    """The open files of `office_ids` (newest year first, at most `limit` per office) — what
    a case of the office can be filed in."""
    found: dict[UUID, list[RecordFile]] = {}
    files = RecordFile.objects.filter(office_id__in=office_ids, status=RecordFile.Status.OPEN)
    for record in files.order_by("office_id", "-year", "file_reference"):
        bucket = found.setdefault(record.office_id, [])
        if len(bucket) < limit:
            bucket.append(record)
    return found


def plan_municipalities(*, actor: Actor) -> list[Municipality]:
    """The municipalities whose file plan `actor` reads: those of the offices where they hold
    a role (superusers and the system: all)."""
    if actor.is_system or (actor.is_person and sees_all_offices(user=actor.user)):
        return list(Municipality.objects.order_by("name"))
    if not actor.is_person:
        return []
    found = {
        office.municipality_id: office.municipality for office in staff_offices(user=actor.user)
    }
    return sorted(found.values(), key=lambda m: m.name)


def plan_municipality_get(*, actor: Actor, municipality_id: UUID | str) -> Municipality:
    """The municipality `municipality_id` if `actor` reads its file plan, else NotFound."""
    for municipality in plan_municipalities(actor=actor):
        if str(municipality.pk) == str(municipality_id):
            return municipality
    raise NotFound(_("No such file plan."))


def plan_keeper(*, actor: Actor, municipality: Municipality) -> bool:
    """Whether `actor` keeps (imports, changes) `municipality`'s file plan."""
    try:
        ensure_plan_keeper(actor=actor, municipality=municipality)
    except NotPermitted:
        return False
    return True


@dataclass
class PlanNode:
    """An item of the file plan with what it inherits, its number of files and its children."""

    entry: "PlanEntry"
    files: int
    children: list["PlanNode"] = field(default_factory=list)

    @property
    def archive_rule_label(self) -> str:
        """The archive rule the item has or inherits, in the reader's language ("" if none)."""
        rule = self.entry.archive_rule
        return str(ArchiveRule(rule).label) if rule in ArchiveRule.values else ""

    @property
    def inherits_retention(self) -> bool:
        return self.entry.item.retention_years is None and self.entry.retention_years is not None

    @property
    def inherits_archive_rule(self) -> bool:
        return not self.entry.item.archive_rule and bool(self.entry.archive_rule)


def plan_tree(*, municipality: Municipality) -> list[PlanNode]:
    """`municipality`'s file plan as a tree (the top-level items), each item with its number
    of files (of every office); two queries."""
    counts = dict(
        RecordFile.objects.filter(municipality=municipality)
        .order_by()
        .values_list("plan_item_id")
        .annotate(n=Count("pk"))
        .values_list("plan_item_id", "n")
    )
    roots: list[PlanNode] = []
    path: list[PlanNode] = []  # the current node's ancestors (file_plan: parents first)
    from .selectors import file_plan  # the selectors re-export this module's reads

    for entry in file_plan(municipality=municipality):
        node = PlanNode(entry, counts.get(entry.item.pk, 0))
        del path[entry.depth :]
        (path[-1].children if path else roots).append(node)
        path.append(node)
    return roots


def plan_items_active(*, municipality: Municipality) -> QuerySet[FilePlanItem]:
    """The items of `municipality`'s plan that take new files."""
    return FilePlanItem.objects.filter(municipality=municipality, active=True).order_by("number")


def offices_keeping_files(*, actor: Actor, municipality: Municipality) -> QuerySet[Office]:
    """The offices of `municipality` whose files `actor` creates (the case-handling roles)."""
    qs = _office_filter(
        Office.objects.filter(municipality=municipality), actor=actor, office_field="pk"
    )
    return qs.order_by("name")


def record_file_get(*, actor: Actor, file_id: UUID | str) -> RecordFile:
    """The file `file_id` for `actor` (need to know: the office's case-handling roles),
    NotFound for anyone else."""
    record = (
        RecordFile.objects.select_related("office", "municipality", "plan_item")
        .filter(pk=file_id)
        .first()
    )
    if record is None:
        raise NotFound(pgettext("records", "No such file."))
    try:
        ensure_file_reader(actor=actor, office=record.office)
    except NotFound:
        raise NotFound(pgettext("records", "No such file.")) from None
    return record


def file_cases(*, record: RecordFile) -> list[CaseFiling]:
    """The cases filed in `record`, newest first, each with `submission_pk` (the online
    application that opened it, None otherwise) for the link to its page."""
    return list(
        CaseFiling.objects.filter(file=record)
        .select_related("case__service")
        .annotate(submission_pk=F("case__submission__id"))
        .order_by("-case__opened_at", "-pk")
    )


def file_documents(*, record: RecordFile) -> list[Document]:
    """The documents of `record` (date of the document, else of filing, newest first), each
    with `version_count`, and its case."""
    return list(
        Document.objects.filter(file=record)
        .select_related("case")
        .annotate(version_count=Count("versions"))
        .order_by(F("document_date").desc(nulls_last=True), "-created_at", "-pk")
    )


def file_history(*, record: RecordFile, limit: int = HISTORY_LIMIT) -> list[AuditEvent]:
    """The audit events about `record`, newest first (at most `limit` + 1)."""
    return list(
        AuditEvent.objects.filter(
            object_type=RecordFile._meta.label_lower, object_id=str(record.pk)
        ).order_by("-occurred_at", "-id")[: limit + 1]
    )


def document_get(*, actor: Actor, document_id: UUID | str) -> Document:
    """The document `document_id` with its file for `actor` (need to know), else NotFound."""
    document = (
        Document.objects.select_related("file__office", "file__plan_item", "case")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        raise NotFound(_("No such document."))
    ensure_file_reader(actor=actor, office=document.file.office)
    return document


def document_versions(*, document: Document) -> list[DocumentVersion]:
    """The versions of `document`, the newest first, with their content and author."""
    return list(
        DocumentVersion.objects.filter(document=document)
        .select_related("content", "created_by")
        .order_by("-number")
    )


def document_has_version(*, document: Document, version_id: UUID | str) -> bool:
    """Whether `version_id` is a version of `document` (a download's address names both)."""
    return DocumentVersion.objects.filter(document=document, pk=version_id).exists()
