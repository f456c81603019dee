"""The records (E-Akte) under /intern/akten/: the open files and unfiled cases of the clerk's
offices, the file plan of a municipality (tree, CSV export and import, new files), a file
(cases, documents, history; documents added, closed zdA and reopened), a document with its
versions (downloads audited and hash-checked), the full-text search.

Need to know: files, documents and cases exist only for their office's case-handling roles
(404 for everyone else); a file plan for the staff of its municipality."""

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from rathaus.backoffice.disposal_views import SCHEMAS_MISSING
from rathaus.backoffice.records_forms import (
    CaseFileForm,
    DocumentAddForm,
    FileCloseForm,
    FileCreateForm,
    FileReopenForm,
    HandOverForm,
    PlanImportForm,
    VersionAddForm,
)
from rathaus.cases.selectors import inbox_case_get
from rathaus.core.downloads import bytes_download
from rathaus.core.error_responses import form_error_add
from rathaus.core.errors import Conflict, DomainError, NotFound
from rathaus.core.forms import KernForm
from rathaus.core.models import AuditEvent
from rathaus.federation.actors import request_actor
from rathaus.municipalities.models import Municipality
from rathaus.records import selectors as records_selectors
from rathaus.records import services as records_services
from rathaus.records.models import ArchiveRule, Document, RecordFile
from rathaus.uploads.checks import UploadRefused

SEARCH_QUERY_MAX = 200

# What the history of a file says about each audited action on it.
HISTORY_ACTIONS = {
    "records.file_create": gettext_lazy("File created"),
    "records.file_close": gettext_lazy("File closed (zdA)"),
    "records.file_reopen": gettext_lazy("File reopened"),
    "records.case_file": gettext_lazy("Case filed"),
    "records.case_move": gettext_lazy("Case moved into this file"),
    "records.document_add": gettext_lazy("Document added"),
    "records.version_add": gettext_lazy("New version added"),
    "records.document_read": gettext_lazy("Document read"),
    "records.inspection_grant": gettext_lazy("File inspection granted"),
    "records.inspection_revoke": gettext_lazy("File inspection revoked"),
    "records.inspection_read": gettext_lazy("Document read in a file inspection"),
    "records.file_delete": gettext_lazy("Contents deleted after disposal"),
}


# --- Overview ----------------------------------------------------------------------------


def _overview(
    request: HttpRequest,
    *,
    bound: CaseFileForm | None = None,
    bound_case: uuid.UUID | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request_actor(request)
    limit = records_selectors.OVERVIEW_LIMIT
    files = records_selectors.files_open(actor=actor, limit=limit)
    cases = records_selectors.cases_unfiled(actor=actor, limit=limit)
    choices = records_selectors.open_files_by_office(
        office_ids={case.office_id for case in cases[:limit]}
    )
    case_rows = [
        (
            case,
            bound
            if bound is not None and case.pk == bound_case
            else CaseFileForm(case=case, files=choices.get(case.office_id, [])),
        )
        for case in cases[:limit]
    ]
    return render(
        request,
        "backoffice/records/overview.html",
        {
            "files": files[:limit],
            "files_more": len(files) > limit,
            "case_rows": case_rows,
            "cases_more": len(cases) > limit,
            "limit": limit,
            "municipalities": records_selectors.plan_municipalities(actor=actor),
            "bound": bound,
        },
        status=status,
    )


@require_safe
def records_overview(request: HttpRequest) -> HttpResponse:
    return _overview(request)


@require_POST
def records_case_file(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """File an unfiled case of the clerk's office in one of the office's open files."""
    actor = request_actor(request)
    case = inbox_case_get(user=request.user, case_id=case_id)
    files = records_selectors.open_files_by_office(office_ids={case.office_id}).get(
        case.office_id, []
    )
    form = CaseFileForm(request.POST, case=case, files=files)
    if form.is_valid():
        try:
            record = records_selectors.record_file_get(
                actor=actor, file_id=form.cleaned_data["file"]
            )
            records_services.case_file(actor=actor, case=case, record=record)
        except DomainError as exc:
            form_error_add(form, exc, default="file")
        else:
            messages.success(
                request,
                _("The case %(case)s has been filed in %(file)s.")
                % {"case": case.reference, "file": record.file_reference},
            )
            return redirect("backoffice:records-file", record.pk)
    return _overview(request, bound=form, bound_case=case.pk, status=400)


# --- File plan ---------------------------------------------------------------------------


def _plan_render(
    request: HttpRequest,
    municipality: Municipality,
    *,
    import_form: PlanImportForm | None = None,
    create_form: FileCreateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request_actor(request)
    offices = records_selectors.offices_keeping_files(actor=actor, municipality=municipality)
    may_create = offices.exists()
    if create_form is None and may_create:
        create_form = FileCreateForm(
            offices=offices,
            items=records_selectors.plan_items_active(municipality=municipality),
            initial={"year": timezone.localdate().year},
        )
    may_import = records_selectors.plan_keeper(actor=actor, municipality=municipality)
    return render(
        request,
        "backoffice/records/plan.html",
        {
            "municipality": municipality,
            "tree": records_selectors.plan_tree(municipality=municipality),
            "import_form": (import_form or PlanImportForm()) if may_import else None,
            "create_form": create_form if may_create else None,
        },
        status=status,
    )


def _plan_municipality(request: HttpRequest, municipality_id: uuid.UUID) -> Municipality:
    return records_selectors.plan_municipality_get(
        actor=request_actor(request), municipality_id=municipality_id
    )


@require_safe
def records_plan(request: HttpRequest, municipality_id: uuid.UUID) -> HttpResponse:
    return _plan_render(request, _plan_municipality(request, municipality_id))


@require_safe
def records_plan_csv(request: HttpRequest, municipality_id: uuid.UUID) -> HttpResponse:
    municipality = _plan_municipality(request, municipality_id)
    return bytes_download(
        records_selectors.file_plan_csv(municipality=municipality),
        filename=f"aktenplan-{municipality.slug}.csv",
        content_type="text/csv; charset=utf-8",
    )


@require_POST
def records_plan_import(request: HttpRequest, municipality_id: uuid.UUID) -> HttpResponse:
    """Import a CSV into the plan (all or nothing; every problem shown with its line)."""
    municipality = _plan_municipality(request, municipality_id)
    form = PlanImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = records_services.file_plan_import(
                actor=request_actor(request),
                municipality=municipality,
                data=form.cleaned_data["csv_file"],
            )
        except DomainError as exc:
            # A refused file (FilePlanCsvError) lists every problem with its line.
            problems: list[str] = list(getattr(exc, "errors", None) or [])
            if not problems:
                form_error_add(form, exc, default="csv_file")
            for problem in problems:
                form.add_error("csv_file", problem)
        else:
            messages.success(
                request,
                _(
                    "The file plan has been imported: %(created)d items created, %(changed)d "
                    "changed, %(unchanged)d unchanged."
                )
                % {
                    "created": len(result.created),
                    "changed": len(result.changed),
                    "unchanged": len(result.unchanged),
                },
            )
            return redirect("backoffice:records-plan", municipality.pk)
    return _plan_render(request, municipality, import_form=form, status=400)


@require_POST
def records_file_create(request: HttpRequest, municipality_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    municipality = _plan_municipality(request, municipality_id)
    form = FileCreateForm(
        request.POST,
        offices=records_selectors.offices_keeping_files(actor=actor, municipality=municipality),
        items=records_selectors.plan_items_active(municipality=municipality),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            record = records_services.file_create(
                actor=actor,
                office=data["office"],
                plan_item=data["plan_item"],
                title=data["title"],
                year=data["year"],
            )
        except DomainError as exc:
            form_error_add(form, exc, default="title")
        else:
            messages.success(
                request,
                _("The file %(reference)s has been created.")
                % {"reference": record.file_reference},
            )
            return redirect("backoffice:records-file", record.pk)
    return _plan_render(request, municipality, create_form=form, status=400)


# --- A file ------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    occurred_at: Any
    actor: str
    action: str
    note: str


def _history_note(details: dict[str, Any], titles: dict[str, str]) -> str:
    """What the history shows of an event's details: the document, case, reason."""
    parts = []
    if "document" in details:
        title = titles.get(str(details["document"]), "")
        if title:
            parts.append(f"„{title}“")
        if details.get("version"):
            parts.append(_("version %(number)s") % {"number": details["version"]})
    if details.get("reference"):
        parts.append(_("case %(reference)s") % {"reference": details["reference"]})
    if details.get("from"):
        parts.append(_("from %(file)s") % {"file": details["from"]})
    if details.get("reason"):
        parts.append(_("reason: %(reason)s") % {"reason": details["reason"]})
    return ", ".join(str(part) for part in parts)


def _file_render(
    request: HttpRequest, record: RecordFile, *, status: int = 200, **forms: KernForm
) -> HttpResponse:
    filings = records_selectors.file_cases(record=record)
    documents = records_selectors.file_documents(record=record)
    titles = {str(d.pk): d.title for d in documents}
    events = records_selectors.file_history(record=record)
    history = [
        HistoryRow(
            event.occurred_at,
            str(AuditEvent.ActorType.SYSTEM.label)
            if event.actor_type == AuditEvent.ActorType.SYSTEM
            else event.actor_label,
            str(HISTORY_ACTIONS.get(event.action, event.action)),
            _history_note(event.details or {}, titles),
        )
        for event in events[: records_selectors.HISTORY_LIMIT]
    ]
    is_open = record.status == RecordFile.Status.OPEN
    entry = records_selectors.plan_entry(item=record.plan_item)
    context: dict[str, Any] = {
        "record": record,
        "entry": entry,
        "archive_rule_label": (
            str(ArchiveRule(entry.archive_rule).label) if entry.archive_rule else ""
        ),
        "filings": filings,
        "documents": documents,
        "history": history,
        "history_more": len(events) > records_selectors.HISTORY_LIMIT,
        "history_limit": records_selectors.HISTORY_LIMIT,
        "is_open": is_open,
        "is_closed": record.status == RecordFile.Status.CLOSED,
        "document_form": DocumentAddForm(prefix="document", filings=filings),
        "close_form": FileCloseForm(prefix="close"),
        "reopen_form": FileReopenForm(prefix="reopen"),
        "hand_over_form": HandOverForm(prefix="handover"),
    }
    context.update(forms)
    return render(request, "backoffice/records/file.html", context, status=status)


def _record(request: HttpRequest, file_id: uuid.UUID) -> RecordFile:
    return records_selectors.record_file_get(actor=request_actor(request), file_id=file_id)


@require_safe
def records_file(request: HttpRequest, file_id: uuid.UUID) -> HttpResponse:
    return _file_render(request, _record(request, file_id))


@require_POST
def records_document_add(request: HttpRequest, file_id: uuid.UUID) -> HttpResponse:
    """A document with its first version; the upload is checked and scanned first."""
    actor = request_actor(request)
    record = _record(request, file_id)
    form = DocumentAddForm(
        request.POST,
        request.FILES,
        prefix="document",
        filings=records_selectors.file_cases(record=record),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            checked = records_services.upload_checked(data["upload"])
            document = records_services.document_add(
                actor=actor,
                record=record,
                title=data["title"],
                kind=data["kind"],
                upload=checked,
                case=data["case"],
                document_date=data["document_date"],
                sender=data["sender"],
                recipient=data["recipient"],
                keywords=data["keywords"],
            )
        except UploadRefused as exc:
            form_error_add(form, exc, default="upload")
        except DomainError as exc:
            form_error_add(form, exc)
        else:
            messages.success(
                request, _("The document “%(title)s” has been added.") % {"title": document.title}
            )
            return redirect("backoffice:records-document", document.pk)
    return _file_render(request, record, document_form=form, status=400)


def _file_status_change(request: HttpRequest, file_id: uuid.UUID, *, close: bool) -> HttpResponse:
    actor = request_actor(request)
    record = _record(request, file_id)
    form: KernForm = (
        FileCloseForm(request.POST, prefix="close")
        if close
        else FileReopenForm(request.POST, prefix="reopen")
    )
    if form.is_valid():
        change = records_services.file_close if close else records_services.file_reopen
        try:
            change(actor=actor, record=record, reason=form.cleaned_data["reason"])
        except Conflict as exc:  # closed or open already: the form may not be on the page
            form_error_add(form, exc)
        except DomainError as exc:
            form_error_add(form, exc, default="reason")
        else:
            messages.success(
                request,
                _("The file has been closed (zdA).") if close else _("The file has been reopened."),
            )
            return redirect("backoffice:records-file", record.pk)
    return _file_render(
        request, record, status=400, **{"close_form" if close else "reopen_form": form}
    )


@require_POST
def records_file_close(request: HttpRequest, file_id: uuid.UUID) -> HttpResponse:
    return _file_status_change(request, file_id, close=True)


@require_POST
def records_file_reopen(request: HttpRequest, file_id: uuid.UUID) -> HttpResponse:
    return _file_status_change(request, file_id, close=False)


@require_POST
def records_file_hand_over(request: HttpRequest, file_id: uuid.UUID) -> HttpResponse:
    """Hand the file over to another authority (xdomea Abgabe 0401): the ZIP container for
    the receiving authority as a download; the file leaves the records once it confirms."""
    record = _record(request, file_id)
    form = HandOverForm(request.POST, prefix="handover")
    if form.is_valid():
        try:
            handed = records_services.files_hand_over(
                actor=request_actor(request),
                files=[record],
                recipient=form.cleaned_data["recipient"],
                recipient_code=form.cleaned_data["recipient_code"],
                version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            form_error_add(form, exc, default="recipient")
        except records_services.SchemaUnavailable:
            form.add_error("recipient", SCHEMAS_MISSING)
        else:
            return bytes_download(
                handed.container.data,
                filename=handed.container.file_name,
                content_type="application/zip",
            )
    return _file_render(request, record, status=400, hand_over_form=form)


# --- A document --------------------------------------------------------------------------


def _document_render(
    request: HttpRequest,
    document: Document,
    *,
    form: VersionAddForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "backoffice/records/document.html",
        {
            "document": document,
            "record": document.file,
            "versions": records_selectors.document_versions(document=document),
            "is_open": document.file.status == RecordFile.Status.OPEN,
            "form": form or VersionAddForm(),
        },
        status=status,
    )


def _document(request: HttpRequest, document_id: uuid.UUID) -> Document:
    return records_selectors.document_get(actor=request_actor(request), document_id=document_id)


@require_safe
def records_document(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    return _document_render(request, _document(request, document_id))


@require_POST
def records_version_add(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    document = _document(request, document_id)
    form = VersionAddForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            checked = records_services.upload_checked(form.cleaned_data["upload"])
            version = records_services.version_add(actor=actor, document=document, upload=checked)
        except DomainError as exc:
            form_error_add(form, exc, default="upload")
        else:
            messages.success(
                request, _("Version %(number)d has been added.") % {"number": version.number}
            )
            return redirect("backoffice:records-document", document.pk)
    return _document_render(request, document, form=form, status=400)


@require_safe
def records_version_download(
    request: HttpRequest, document_id: uuid.UUID, version_id: uuid.UUID
) -> HttpResponse:
    """The content of one version (audited, its hash checked): a missing or altered content
    is reported on a page of its own (409), never served."""
    actor = request_actor(request)
    document = _document(request, document_id)
    if not records_selectors.document_has_version(document=document, version_id=version_id):
        raise NotFound(_("No such document."))
    try:
        content = records_services.document_version_read(actor=actor, version_id=version_id)
    except records_services.ContentAltered as exc:
        return render(
            request,
            "backoffice/records/content_altered.html",
            {"message": exc.message, "document": document},
            status=409,
        )
    return bytes_download(content.data, filename=content.name, content_type=content.content_type)


# --- Search ------------------------------------------------------------------------------


@require_safe
def records_search(request: HttpRequest) -> HttpResponse:
    """Documents by their metadata and text (every word must occur), page by page."""
    query = " ".join(request.GET.get("q", "").split())[:SEARCH_QUERY_MAX]
    cursor = request.GET.get("weiter", "")[:SEARCH_QUERY_MAX]
    rows: list[tuple[Document, int]] = []
    next_url = ""
    if query:
        page = records_selectors.documents_find(
            actor=request_actor(request), query=query, cursor=cursor
        )
        rows = [(document, page.tiers.get(document.pk, 2)) for document in page.documents]
        if page.next_cursor:
            next_url = "?" + urlencode({"q": query, "weiter": page.next_cursor})
    return render(
        request,
        "backoffice/records/search.html",
        {
            "query": query,
            "searched": "q" in request.GET,
            "rows": rows,
            "next_url": next_url,
            "first_query": urlencode({"q": query}),
            "continued": bool(query and cursor),
        },
    )
