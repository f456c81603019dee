"""`/api/v1/records/`: the E-Akte for specialist systems (Fachverfahren), issue 11 §7.

A specialist system acts with a bearer token of its municipality (scopes `records:read`,
`records:write`) on the files of that municipality's offices (`rathaus.records.permissions`):
it lists and reads files with their cases and documents, creates files (with the next file
reference), closes them (zdA) and reopens them with a reason, files cases in them, adds
documents and new versions, downloads a version's content (hash-checked, audited
`records.document_read` with the client as the actor) and searches the documents' full text.
Another municipality's files, documents and cases are 404. The client is recorded in the
audit trail as itself.

Files travel as in the Postfach API: `{name, content (base64)}` in a JSON body, or a part
named `file` of a multipart/form-data body. Every upload is checked (type by content, size)
and virus-scanned by the records' services before anything is stored.
"""

import uuid
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from rathaus.api.authentication import ApiTokenAuthentication, HasScope, api_actor
from rathaus.api.mailbox import Base64FileField
from rathaus.api.pagination import MAX_PAGE_SIZE, CursorPagination
from rathaus.api.problems import (
    Problem,
    ProblemSerializer,
    token_problem_responses,
)
from rathaus.api.schema import NamedChoiceField
from rathaus.cases.models import Case
from rathaus.core.actors import Actor
from rathaus.core.downloads import bytes_download
from rathaus.core.errors import DomainError, NotFound, NotPermitted
from rathaus.core.json_input import JSONInputError, json_parse
from rathaus.municipalities.models import Office
from rathaus.records import selectors as records_selectors
from rathaus.records import services as records_services
from rathaus.records.models import (
    CaseFiling,
    Document,
    DocumentVersion,
    FilePlanItem,
    RecordFile,
)

PROBLEM = "application/problem+json"
READ = "records:read"
WRITE = "records:write"
UUID_RE = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
SEARCH_PAGE_SIZE = 20


_problems = token_problem_responses


FILE_ID = OpenApiParameter(
    "file_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="File id."
)
DOCUMENT_ID = OpenApiParameter(
    "document_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Document id."
)
VERSION_NUMBER = OpenApiParameter(
    "number", OpenApiTypes.INT, OpenApiParameter.PATH, description="Version number: 1, 2, …"
)
NO_FILE = "No such file in the offices of the token's municipality."
NO_DOCUMENT = "No such document in the files of the token's municipality."
UPLOAD_REFUSED = (
    "Invalid body, or the file refused before anything was stored (`errors.file`): a type "
    "not accepted, too large, a virus, the virus scanner not available (try again later), "
    "not base64."
)
FILE_CLOSED = "The file is closed (zdA) or has left the records: reopen it to change it."


# --- Serializers (shapes only) ---


class RecordOfficeSerializer(serializers.Serializer[Any]):
    slug = serializers.SlugField()
    name = serializers.CharField()


class RecordPlanItemSerializer(serializers.Serializer[Any]):
    number = serializers.CharField(help_text="Number in the municipality's file plan, e.g. 963.")
    title = serializers.CharField()


class RecordFileSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    url = serializers.URLField(help_text="The file with its cases and documents.")
    file_reference = serializers.CharField(
        help_text="The file reference (Aktenzeichen), from the municipality's pattern, e.g. "
        "STEUERAMT-963/2026/1."
    )
    title = serializers.CharField()
    office = RecordOfficeSerializer(help_text="The office that keeps the file.")
    plan_item = RecordPlanItemSerializer(help_text="The file plan item it is filed under.")
    year = serializers.IntegerField()
    status = NamedChoiceField(
        enum_name="RecordFileStatusEnum",
        choices=RecordFile.Status.values,
        help_text="open; closed (zdA: its retention runs); archived or destroyed (it has left "
        "the records).",
    )
    closed_at = serializers.DateTimeField(allow_null=True)
    disposal_date = serializers.DateField(
        allow_null=True,
        help_text="When its retention ends (closed files whose plan item names a retention).",
    )
    created_at = serializers.DateTimeField()


class RecordCaseSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    reference = serializers.CharField(help_text="The case's reference number.")


class RecordFileRefSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    file_reference = serializers.CharField()
    url = serializers.URLField()


class RecordVersionSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField(help_text="1, 2, …; a version never changes.")
    file_name = serializers.CharField(help_text="The file name as uploaded.")
    content_type = serializers.CharField(help_text="The format, detected from the content.")
    size = serializers.IntegerField(help_text="Bytes.")
    sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()
    download_url = serializers.URLField(help_text="Where to download the content (audited).")


class RecordDocumentSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    url = serializers.URLField()
    file = RecordFileRefSerializer()
    case = RecordCaseSerializer(allow_null=True, help_text="The case it belongs to, if any.")
    title = serializers.CharField()
    kind = NamedChoiceField(
        enum_name="DocumentKindEnum",
        choices=Document.Kind.values,
        help_text="incoming, outgoing or an internal note.",
    )
    document_date = serializers.DateField(allow_null=True)
    sender = serializers.CharField(allow_blank=True)
    recipient = serializers.CharField(allow_blank=True)
    keywords = serializers.ListField(child=serializers.CharField())
    metadata = serializers.DictField(help_text="Free metadata (JSON object).")
    created_at = serializers.DateTimeField(help_text="When it was filed.")
    versions = RecordVersionSerializer(many=True, help_text="Oldest first.")


class RecordFileDetailSerializer(RecordFileSerializer):
    cases = RecordCaseSerializer(many=True, help_text="The cases filed in it.")
    documents = RecordDocumentSerializer(many=True, help_text="Its documents, oldest first.")


class RecordCaseFilingSerializer(serializers.Serializer[Any]):
    case = RecordCaseSerializer()
    file = RecordFileRefSerializer(help_text="The file the case is filed in now.")


class RecordSearchHitSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    url = serializers.URLField()
    title = serializers.CharField()
    kind = NamedChoiceField(enum_name="DocumentKindEnum", choices=Document.Kind.values)
    file_reference = serializers.CharField()
    date = serializers.DateField(help_text="The document's date, else the day it was filed.")
    tier = serializers.IntegerField(
        help_text="1: every word is in the metadata (title, keywords, sender, recipient, file "
        "reference and title, case reference, file name); 2: found in the text."
    )


class RecordSearchPageSerializer(serializers.Serializer[Any]):
    next = serializers.URLField(allow_null=True, help_text="The next page; null on the last.")
    results = RecordSearchHitSerializer(many=True)


class RecordFileCreateSerializer(serializers.Serializer[Any]):
    office = serializers.SlugField(help_text="The office that keeps the file (its slug).")
    plan_item = serializers.CharField(
        max_length=40, help_text="The number of an active item of the municipality's file plan."
    )
    title = serializers.CharField(max_length=300)
    year = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="1900 to 2200; default: the current year (Europe/Berlin).",
    )


class RecordReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500, help_text="Why (kept in the audit trail).")


class RecordCaseFileSerializer(serializers.Serializer[Any]):
    case = serializers.CharField(
        max_length=60, help_text="A case of the municipality: its id or its reference number."
    )
    reason = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required to move a case filed in another file.",
    )


class RecordDocumentAddSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=300)
    kind = NamedChoiceField(
        enum_name="DocumentKindEnum",
        choices=Document.Kind.values,
        help_text="incoming, outgoing or note (internal).",
    )
    document_date = serializers.DateField(required=False, allow_null=True, default=None)
    sender = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    recipient = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    keywords = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        default=list,
        help_text="Each kept once, at most 30.",
    )
    metadata = serializers.DictField(
        required=False, default=dict, help_text="Free metadata (a JSON object)."
    )
    case = serializers.CharField(
        max_length=60,
        required=False,
        allow_null=True,
        default=None,
        help_text="A case filed in this file (its id or reference number).",
    )
    file = Base64FileField(
        help_text="The content: its name and its bytes base64-encoded (types and sizes as for "
        "every upload)."
    )


class RecordDocumentAddFormSerializer(RecordDocumentAddSerializer):
    """The document as multipart/form-data: the same fields, `keywords` repeated, `metadata`
    a JSON object as text, the content a part named `file`."""

    # Declared fields are collected by DRF's metaclass; the names only clash for mypy.
    metadata = serializers.CharField(  # type: ignore[assignment]
        required=False, default="{}", help_text="Free metadata: a JSON object as text."
    )
    file = serializers.FileField(  # type: ignore[assignment]
        allow_empty_file=True, use_url=False, help_text="The content."
    )

    def validate_metadata(self, value: str) -> dict[str, Any]:
        try:
            data = json_parse(value or "{}")
        except JSONInputError as exc:
            raise serializers.ValidationError(exc.message) from None
        if not isinstance(data, dict):
            raise serializers.ValidationError(_("Please give the metadata as a JSON object."))
        return data


class RecordVersionAddSerializer(serializers.Serializer[Any]):
    file = Base64FileField(help_text="The new content: its name and its bytes base64-encoded.")


class RecordVersionAddFormSerializer(serializers.Serializer[Any]):
    """The new version as multipart/form-data: the content a part named `file`."""

    file = serializers.FileField(allow_empty_file=True, use_url=False, help_text="The content.")


class RecordSearchQuerySerializer(serializers.Serializer[Any]):
    q = serializers.CharField(max_length=500)
    cursor = serializers.CharField(required=False, allow_blank=True, default="")
    page_size = serializers.IntegerField(
        required=False, default=SEARCH_PAGE_SIZE, min_value=1, max_value=MAX_PAGE_SIZE
    )


# --- Reads for API clients (the client's municipality only) ---


def _municipality_id(actor: Actor) -> uuid.UUID:
    """The API client's municipality (every client belongs to one)."""
    if actor.municipality_id is None:
        raise NotPermitted(_("The token is not valid for this municipality."))
    return actor.municipality_id


def _client_files(actor: Actor) -> QuerySet[RecordFile]:
    """The files of the offices of the API client's municipality (an API client keeps and
    reads them all: `records.permissions`)."""
    return RecordFile.objects.filter(municipality_id=_municipality_id(actor)).select_related(
        "office", "plan_item"
    )


def _client_file(actor: Actor, file_id: Any) -> RecordFile:
    record = _client_files(actor).filter(pk=file_id).first()
    if record is None:
        raise NotFound(pgettext("records", "No such file."))
    return record


def _versions() -> Prefetch:
    return Prefetch(
        "versions", queryset=DocumentVersion.objects.select_related("content").order_by("number")
    )


def _client_document(actor: Actor, document_id: Any) -> Document:
    document = (
        Document.objects.filter(file__municipality_id=_municipality_id(actor), pk=document_id)
        .select_related("file", "case")
        .prefetch_related(_versions())
        .first()
    )
    if document is None:
        raise NotFound(_("No such document."))
    return document


def _client_case(actor: Actor, value: str) -> Case:
    """A case of the client's municipality by its id or its reference number."""
    cases = Case.objects.filter(municipality_id=_municipality_id(actor))
    try:
        case = cases.filter(pk=uuid.UUID(value)).first()
    except ValueError:
        case = cases.filter(reference=value.strip()).first()
    if case is None:
        raise NotFound(_("No such case."))
    return case


def _upload_checked(upload: UploadedFile) -> records_services.CheckedUpload:
    """`upload` checked and scanned (outside any transaction); a refusal names `file`."""
    try:
        return records_services.upload_checked(upload)
    except DomainError as exc:
        raise DomainError(exc.message, field="file") from exc


# --- Representation ---


def _url(request: Request, name: str, *args: Any) -> str:
    return request.build_absolute_uri(reverse(f"api:v1:{name}", args=args))


def _file_ref(request: Request, record: RecordFile) -> dict[str, Any]:
    return {
        "id": record.pk,
        "file_reference": record.file_reference,
        "url": _url(request, "records-file", record.pk),
    }


def _file(request: Request, record: RecordFile) -> dict[str, Any]:
    return {
        **_file_ref(request, record),
        "title": record.title,
        "office": {"slug": record.office.slug, "name": record.office.name},
        "plan_item": {"number": record.plan_item.number, "title": record.plan_item.title},
        "year": record.year,
        "status": record.status,
        "closed_at": record.closed_at,
        "disposal_date": record.disposal_date,
        "created_at": record.created_at,
    }


def _case(case: Case | None) -> dict[str, Any] | None:
    return None if case is None else {"id": case.pk, "reference": case.reference}


def _version(request: Request, version: DocumentVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "file_name": version.file_name,
        "content_type": version.content_type,
        "size": version.content.size,
        "sha256": version.content.sha256,
        "created_at": version.created_at,
        "download_url": _url(
            request, "records-version-content", version.document_id, version.number
        ),
    }


def _document(request: Request, document: Document, record: RecordFile) -> dict[str, Any]:
    """`document` of `record`, its versions prefetched (`_versions`)."""
    return {
        "id": document.pk,
        "url": _url(request, "records-document", document.pk),
        "file": _file_ref(request, record),
        "case": _case(document.case),
        "title": document.title,
        "kind": document.kind,
        "document_date": document.document_date,
        "sender": document.sender,
        "recipient": document.recipient,
        "keywords": list(document.keywords),
        "metadata": dict(document.metadata),
        "created_at": document.created_at,
        "versions": [_version(request, v) for v in document.versions.all()],
    }


# --- Views ---


_READS = HasScope.of(READ)
_WRITES = HasScope.of(WRITE)


class _ClientView(APIView):
    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [_READS]
    renderer_classes = [JSONRenderer]


class _WriteView(_ClientView):
    permission_classes = [_WRITES]


def _form(request: Request) -> bool:
    return (request.content_type or "").startswith("multipart/")


@extend_schema_view(
    get=extend_schema(
        operation_id="records_file_list",
        parameters=[
            OpenApiParameter("office", str, description="Only this office's files (its slug)."),
            OpenApiParameter(
                "status", str, enum=RecordFile.Status.values, description="Only files in it."
            ),
            OpenApiParameter(
                "plan_item", str, description="Only files under this file plan item (number)."
            ),
        ],
        responses={
            200: RecordFileSerializer(many=True),
            **_problems(**{"400": "Invalid query parameters or cursor."}),
        },
    )
)
class FileListView(_ClientView, ListAPIView):
    """The files of the offices of the token's municipality by file reference, in pages
    linked by `next` and `previous` cursors; `POST` creates one."""

    filter_backends: list[Any] = []
    pagination_class = CursorPagination
    pagination_ordering = ("file_reference", "pk")

    class Filters(serializers.Serializer[Any]):
        office = serializers.SlugField(required=False)
        status = serializers.ChoiceField(choices=RecordFile.Status.values, required=False)
        plan_item = serializers.CharField(required=False, max_length=40)

    def get_permissions(self) -> list[BasePermission]:
        return [_WRITES() if self.request.method == "POST" else _READS()]

    def get_queryset(self) -> Any:
        params = self.Filters(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        qs = _client_files(api_actor(self.request))
        if data.get("office"):
            qs = qs.filter(office__slug=data["office"])
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        if data.get("plan_item"):
            qs = qs.filter(plan_item__number=data["plan_item"])
        return qs

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        return self.get_paginated_response([_file(request, f) for f in page])

    @extend_schema(
        operation_id="records_file_create",
        request=RecordFileCreateSerializer,
        responses={
            201: RecordFileSerializer,
            **_problems(
                **{
                    "400": "Invalid body: no such office (`errors.office`) or file plan item "
                    "(`errors.plan_item`) in the municipality, no title, a year outside "
                    "1900–2200.",
                    "409": "The file plan item is inactive: no new files under it.",
                }
            ),
        },
    )
    def post(self, request: Request) -> Response:
        """A new file of an office under a file plan item, with the next file reference of
        the municipality's pattern (audited `records.file_create`)."""
        body = RecordFileCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        actor = api_actor(request)
        municipality_id = _municipality_id(actor)
        office = Office.objects.filter(municipality_id=municipality_id, slug=data["office"]).first()
        if office is None:
            raise DomainError(
                _(
                    "There is no office “%(office)s” in your municipality. Please give the "
                    "slug of one of its offices."
                )
                % {"office": data["office"]},
                field="office",
            )
        item = FilePlanItem.objects.filter(
            municipality_id=municipality_id, number=data["plan_item"].strip()
        ).first()
        if item is None:
            raise DomainError(
                _(
                    "Your municipality's file plan has no item “%(number)s”. Please give the "
                    "number of one of its items."
                )
                % {"number": data["plan_item"]},
                field="plan_item",
            )
        record = records_services.file_create(
            actor=actor, office=office, plan_item=item, title=data["title"], year=data["year"]
        )
        return Response(
            _file(request, _client_file(actor, record.pk)), status=status.HTTP_201_CREATED
        )


class FileDetailView(_ClientView):
    @extend_schema(
        operation_id="records_file_get",
        parameters=[FILE_ID],
        responses={200: RecordFileDetailSerializer, **_problems(**{"404": NO_FILE})},
    )
    def get(self, request: Request, file_id: Any) -> Response:
        """One file with the cases filed in it and its documents with their versions."""
        record = _client_file(api_actor(request), file_id)
        filings = CaseFiling.objects.filter(file=record).select_related("case")
        documents = (
            Document.objects.filter(file=record)
            .select_related("case")
            .prefetch_related(_versions())
            .order_by("created_at", "pk")
        )
        return Response(
            {
                **_file(request, record),
                "cases": [_case(f.case) for f in filings.order_by("created_at", "pk")],
                "documents": [_document(request, d, record) for d in documents],
            }
        )


class _FileStatusView(_WriteView):
    def status_set(self, request: Request, file_id: Any, *, close: bool) -> Response:
        body = RecordReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actor = api_actor(request)
        record = _client_file(actor, file_id)
        change = records_services.file_close if close else records_services.file_reopen
        change(actor=actor, record=record, reason=body.validated_data["reason"])
        return Response(_file(request, _client_file(actor, record.pk)))


class FileCloseView(_FileStatusView):
    @extend_schema(
        operation_id="records_file_close",
        parameters=[FILE_ID],
        request=RecordReasonSerializer,
        responses={
            200: RecordFileSerializer,
            **_problems(
                **{
                    "400": "Invalid body (no reason).",
                    "404": NO_FILE,
                    "409": "The file is closed already or has left the records.",
                }
            ),
        },
    )
    def post(self, request: Request, file_id: Any) -> Response:
        """Close the file (zdA, "zu den Akten") with a reason: its retention starts
        (`disposal_date`). What the apps hold about its cases and is not filed yet is filed
        first. Audited `records.file_close`."""
        return self.status_set(request, file_id, close=True)


class FileReopenView(_FileStatusView):
    @extend_schema(
        operation_id="records_file_reopen",
        parameters=[FILE_ID],
        request=RecordReasonSerializer,
        responses={
            200: RecordFileSerializer,
            **_problems(
                **{
                    "400": "Invalid body (no reason).",
                    "404": NO_FILE,
                    "409": "The file is open already or has left the records.",
                }
            ),
        },
    )
    def post(self, request: Request, file_id: Any) -> Response:
        """Reopen a closed file with a reason (its disposal date is cleared). Audited
        `records.file_reopen`."""
        return self.status_set(request, file_id, close=False)


class FileCasesView(_WriteView):
    @extend_schema(
        operation_id="records_file_case_file",
        parameters=[FILE_ID],
        request=RecordCaseFileSerializer,
        responses={
            200: RecordCaseFilingSerializer,
            **_problems(
                **{
                    "400": "Invalid body, or a case filed in another file without a reason.",
                    "404": NO_FILE + " Or no such case.",
                    "409": FILE_CLOSED,
                }
            ),
        },
    )
    def post(self, request: Request, file_id: Any) -> Response:
        """File a case of the municipality in this open file, or move it here from another
        file (a reason is then required; its documents move along). A case filed for the
        first time brings the documents the platform holds about it (the submission, its
        proofs and receipt, the Postfach messages). Filing a case where it is already filed
        changes nothing. Audited `records.case_file` / `records.case_move`."""
        body = RecordCaseFileSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        actor = api_actor(request)
        record = _client_file(actor, file_id)
        case = _client_case(actor, data["case"])
        records_services.case_file(actor=actor, case=case, record=record, reason=data["reason"])
        return Response({"case": _case(case), "file": _file_ref(request, record)})


class FileDocumentsView(_WriteView):
    @extend_schema(
        operation_id="records_document_add",
        parameters=[FILE_ID],
        request={
            "application/json": RecordDocumentAddSerializer,
            "multipart/form-data": RecordDocumentAddFormSerializer,
        },
        responses={
            201: RecordDocumentSerializer,
            **_problems(
                **{
                    "400": UPLOAD_REFUSED + " Or the case is not filed in this file.",
                    "404": NO_FILE + " Or no such case.",
                    "409": FILE_CLOSED,
                }
            ),
        },
    )
    def post(self, request: Request, file_id: Any) -> Response:
        """Add a document with its first version to the open file (in one of the cases
        filed there, if `case` is given). The content is checked (type by content, size) and
        scanned for viruses before anything is stored; a refused file stores nothing (400,
        `errors.file`). Audited `records.document_add`; the search finds it once indexed
        (in the background)."""
        body = (RecordDocumentAddFormSerializer if _form(request) else RecordDocumentAddSerializer)(
            data=request.data
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        actor = api_actor(request)
        record = _client_file(actor, file_id)
        case = _client_case(actor, data["case"]) if data["case"] else None
        upload = _upload_checked(data["file"])
        document = records_services.document_add(
            actor=actor,
            record=record,
            title=data["title"],
            kind=data["kind"],
            upload=upload,
            case=case,
            document_date=data["document_date"],
            sender=data["sender"],
            recipient=data["recipient"],
            keywords=data["keywords"],
            metadata=data["metadata"],
        )
        document = _client_document(actor, document.pk)
        return Response(_document(request, document, document.file), status=status.HTTP_201_CREATED)


class DocumentDetailView(_ClientView):
    @extend_schema(
        operation_id="records_document_get",
        parameters=[DOCUMENT_ID],
        responses={200: RecordDocumentSerializer, **_problems(**{"404": NO_DOCUMENT})},
    )
    def get(self, request: Request, document_id: Any) -> Response:
        """One document: its metadata and versions (reading the content is
        `…/versions/{number}/content/`)."""
        document = _client_document(api_actor(request), document_id)
        return Response(_document(request, document, document.file))


class DocumentVersionsView(_WriteView):
    @extend_schema(
        operation_id="records_version_add",
        parameters=[DOCUMENT_ID],
        request={
            "application/json": RecordVersionAddSerializer,
            "multipart/form-data": RecordVersionAddFormSerializer,
        },
        responses={
            201: RecordVersionSerializer,
            **_problems(**{"400": UPLOAD_REFUSED, "404": NO_DOCUMENT, "409": FILE_CLOSED}),
        },
    )
    def post(self, request: Request, document_id: Any) -> Response:
        """A new version of the document (its file open), checked and scanned like the
        first; earlier versions stay as they were. Audited `records.version_add`."""
        body = (RecordVersionAddFormSerializer if _form(request) else RecordVersionAddSerializer)(
            data=request.data
        )
        body.is_valid(raise_exception=True)
        actor = api_actor(request)
        document = _client_document(actor, document_id)
        upload = _upload_checked(body.validated_data["file"])
        version = records_services.version_add(actor=actor, document=document, upload=upload)
        stored = DocumentVersion.objects.select_related("content").get(pk=version.pk)
        return Response(_version(request, stored), status=status.HTTP_201_CREATED)


class VersionContentView(_ClientView):
    @extend_schema(
        operation_id="records_version_content",
        parameters=[DOCUMENT_ID, VERSION_NUMBER],
        responses={
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The content, in the format detected at upload; saved under the "
                "Content-Disposition name.",
            ),
            **_problems(**{"404": NO_DOCUMENT + " Or no such version."}),
            (409, PROBLEM): OpenApiResponse(
                ProblemSerializer,
                description="`urn:rathaus:problem:content-altered`: the stored content is "
                "missing or no longer has its SHA-256; it is never served (the administrators "
                "find it with `manage.py verify_records`).",
            ),
        },
    )
    def get(self, request: Request, document_id: Any, number: str) -> HttpResponse:
        """The content of one version, checked against its SHA-256. Every read is audited
        (`records.document_read`, the client as the actor)."""
        actor = api_actor(request)
        version_id = (
            DocumentVersion.objects.filter(
                document__file__municipality_id=_municipality_id(actor),
                document_id=document_id,
                number=int(number),
            )
            .values_list("pk", flat=True)
            .first()
        )
        if version_id is None:
            raise NotFound(_("No such document version."))
        try:
            content = records_services.document_version_read(actor=actor, version_id=version_id)
        except records_services.ContentAltered as exc:
            raise Problem(
                status_code=status.HTTP_409_CONFLICT,
                problem_type="content-altered",
                title=_("Document not available"),
                detail=exc.message,
            ) from exc
        return bytes_download(
            content.data, filename=content.name, content_type=content.content_type
        )


class SearchView(_ClientView):
    @extend_schema(
        operation_id="records_search",
        parameters=[
            OpenApiParameter(
                "q",
                str,
                required=True,
                description="Words that must all occur (German folding and stems); a word "
                "ending in `*` is a prefix.",
            ),
            OpenApiParameter("cursor", str, description="From a `next` link."),
            OpenApiParameter(
                "page_size",
                OpenApiTypes.INT,
                description=f"Hits per page (default {SEARCH_PAGE_SIZE}, at most {MAX_PAGE_SIZE}).",
            ),
        ],
        responses={
            200: RecordSearchPageSerializer,
            **_problems(**{"400": "Invalid query parameters (no `q`)."}),
        },
    )
    def get(self, request: Request) -> Response:
        """Full-text search of the documents in the files of the municipality's offices: by
        their metadata and by their text (PDF text layers, OCR text included; ODT, DOCX).
        Documents whose metadata holds every word come first (tier 1), then those found in
        their text (tier 2); within a tier the newest document date first. New documents are
        found once the background indexing has run."""
        params = RecordSearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        page = records_selectors.documents_find(
            actor=api_actor(request),
            query=data["q"],
            cursor=data["cursor"],
            limit=data["page_size"],
        )
        next_url = (
            replace_query_param(request.build_absolute_uri(), "cursor", page.next_cursor)
            if page.next_cursor
            else None
        )
        return Response(
            {
                "next": next_url,
                "results": [
                    {
                        "id": d.pk,
                        "url": _url(request, "records-document", d.pk),
                        "title": d.title,
                        "kind": d.kind,
                        "file_reference": d.file.file_reference,
                        "date": d.document_date or timezone.localdate(d.created_at),
                        "tier": page.tiers[d.pk],
                    }
                    for d in page.documents
                ],
            }
        )


FILE = rf"^records/files/(?P<file_id>{UUID_RE})/"
DOCUMENT = rf"^records/documents/(?P<document_id>{UUID_RE})/"

# Included into the v1 patterns of rathaus.api.urls.
urlpatterns = [
    path("records/files/", FileListView.as_view(), name="records-file-list"),
    re_path(rf"{FILE}$", FileDetailView.as_view(), name="records-file"),
    re_path(rf"{FILE}close/$", FileCloseView.as_view(), name="records-file-close"),
    re_path(rf"{FILE}reopen/$", FileReopenView.as_view(), name="records-file-reopen"),
    re_path(rf"{FILE}cases/$", FileCasesView.as_view(), name="records-file-cases"),
    re_path(rf"{FILE}documents/$", FileDocumentsView.as_view(), name="records-file-documents"),
    re_path(rf"{DOCUMENT}$", DocumentDetailView.as_view(), name="records-document"),
    re_path(
        rf"{DOCUMENT}versions/$", DocumentVersionsView.as_view(), name="records-document-versions"
    ),
    re_path(
        rf"{DOCUMENT}versions/(?P<number>[0-9]{{1,9}})/content/$",
        VersionContentView.as_view(),
        name="records-version-content",
    ),
    path("records/search/", SearchView.as_view(), name="records-search"),
]
