"""`/api/v1/submissions/`: submissions for specialist systems (Fachverfahren), pulled with a
bearer token of the municipality (scopes `applications:read`, `applications:write`).

A client sees only its municipality's submissions; another municipality's are 404.
"""

from typing import Any

from django.http import FileResponse, HttpResponseBase
from django.urls import path, re_path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rathaus.api.authentication import ApiTokenAuthentication, HasScope, api_actor
from rathaus.api.pagination import CursorPagination
from rathaus.api.problems import (
    Problem,
    ProblemSerializer,
    token_problem_responses,
)
from rathaus.applications import selectors as application_selectors
from rathaus.applications.models import Submission
from rathaus.applications.selectors import AttachmentNotReady, attachment_open, download_response
from rathaus.cases import selectors as case_selectors
from rathaus.cases.models import Case
from rathaus.cases.selectors import API_READ_SCOPE, API_WRITE_SCOPE
from rathaus.cases.services import (
    StatusTransitionNotAllowed,
    case_acknowledge,
    case_status_change,
)

PROBLEM = "application/problem+json"


_problems = token_problem_responses


class AttachmentNotReadyProblemSerializer(ProblemSerializer):
    """The file cannot be downloaded (type `urn:rathaus:problem:attachment-not-ready`): it
    waits for the virus scan (`pending`; try again later) or a virus was found (`infected`)."""

    scan_status = serializers.ChoiceField(choices=["pending", "infected"])


NOT_FOUND = "No such submission for the token's municipality."
ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Submission id.")


# --- Serializers ---


class SubmissionServiceSerializer(serializers.Serializer[Any]):
    slug = serializers.SlugField()
    name = serializers.CharField()
    leika_key = serializers.CharField(help_text="Key in the Leistungskatalog (LeiKa).")


class SubmissionOfficeSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()


class SubmissionSummarySerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    reference = serializers.CharField(help_text="Reference number of the submission.")
    url = serializers.URLField()
    service = SubmissionServiceSerializer()
    office = SubmissionOfficeSerializer()
    status = serializers.ChoiceField(choices=Case.Status.choices)
    submitted_at = serializers.DateTimeField()
    status_changed_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)


class PaymentSummarySerializer(serializers.Serializer[Any]):
    status = serializers.CharField(help_text="open, pending, paid, failed, cancelled, refunded")
    amount_cents = serializers.IntegerField()
    reference = serializers.CharField()


class AttachmentMetaSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField(help_text="File name given by the applicant.")
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    sha256 = serializers.CharField()
    scan_status = serializers.ChoiceField(
        choices=["pending", "clean", "infected"],
        help_text="Only clean files can be downloaded.",
    )
    document_request = serializers.UUIDField(
        allow_null=True, help_text="The Nachforderung the file answers, if any."
    )
    download_url = serializers.URLField()


class StatusChangeSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=Case.Status.choices)
    note = serializers.CharField(allow_blank=True)
    changed_by = serializers.CharField(allow_blank=True)
    changed_at = serializers.DateTimeField()


class DocumentRequestSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    message = serializers.CharField()
    deadline = serializers.DateField()
    status = serializers.CharField(help_text="open, fulfilled or cancelled")
    closed_at = serializers.DateTimeField(allow_null=True)


class SubmissionDetailSerializer(SubmissionSummarySerializer):
    schema_version = serializers.IntegerField(help_text="Version of the form filled in.")
    # Declared fields are collected by DRF's metaclass; the name only clashes for mypy.
    data = serializers.DictField(  # type: ignore[assignment]
        help_text="The data as entered (JSON, per the form schema)."
    )
    computed = serializers.DictField(help_text="Values computed by the form.")
    declarations = serializers.DictField(
        child=serializers.CharField(), help_text="Declaration id → time of acceptance."
    )
    language = serializers.CharField()
    fee_cents = serializers.IntegerField()
    payment = PaymentSummarySerializer(allow_null=True)
    acknowledged_by = serializers.CharField(allow_blank=True)
    receipt_url = serializers.URLField(allow_null=True)
    attachments = AttachmentMetaSerializer(many=True)
    status_history = StatusChangeSerializer(many=True)
    document_requests = DocumentRequestSerializer(many=True)


class StatusChangeRequestSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=Case.Status.choices)
    note = serializers.CharField(
        allow_blank=True, required=False, default="", help_text="Shown to the applicant."
    )


class AcknowledgementSerializer(serializers.Serializer[Any]):
    acknowledged_at = serializers.DateTimeField()
    acknowledged_by = serializers.CharField()


class SubmissionFilterSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=Case.Status.choices, required=False)
    acknowledged = serializers.BooleanField(required=False, allow_null=True, default=None)
    since = serializers.DateTimeField(required=False)
    office = serializers.UUIDField(required=False)


# --- Representation ---


def _summary(request: Request, submission: Submission, case: Case) -> dict[str, Any]:
    # The submission is what was sent in; its case (status, acknowledgement) is how the
    # authority handles it. The API shows both as one resource, as it did before cases.
    return {
        "id": submission.pk,
        "reference": submission.reference,
        "url": request.build_absolute_uri(
            reverse("api:v1:submission-detail", args=[submission.pk])
        ),
        "service": {
            "slug": case.service.slug,
            "name": case.service.name_de,
            "leika_key": case.service.leika_key,
        },
        "office": {"id": case.office.pk, "name": case.office.name},
        "status": case.status,
        "submitted_at": submission.submitted_at,
        "status_changed_at": case.status_changed_at,
        "acknowledged_at": case.acknowledged_at,
    }


def _detail(request: Request, submission: Submission) -> dict[str, Any]:
    payment = submission.payment
    case = submission.case
    return {
        **_summary(request, submission, case),
        "schema_version": submission.schema_version,
        "data": submission.data,
        "computed": submission.computed,
        "declarations": submission.declarations,
        "language": submission.language,
        "fee_cents": submission.fee_cents,
        "payment": None
        if payment is None
        else {
            "status": payment.status,
            "amount_cents": payment.amount_cents,
            "reference": payment.reference,
        },
        "acknowledged_by": case.acknowledged_by,
        "receipt_url": request.build_absolute_uri(
            reverse("api:v1:submission-receipt", args=[submission.pk])
        )
        if submission.receipt
        else None,
        "attachments": [
            {
                "id": a.pk,
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "scan_status": a.scan_status,
                "document_request": a.document_request_id,
                "download_url": request.build_absolute_uri(
                    reverse("api:v1:submission-attachment", args=[submission.pk, a.pk])
                ),
            }
            for a in submission.attachments.all()
        ],
        "status_history": [
            {
                "status": change.status,
                "note": change.note,
                "changed_by": change.actor_label,
                "changed_at": change.created_at,
            }
            for change in case.status_changes.all()
        ],
        "document_requests": [
            {
                "id": r.pk,
                "message": r.message,
                "deadline": r.deadline,
                "status": r.status,
                "closed_at": r.closed_at,
            }
            for r in case.document_requests.all()
        ],
    }


# --- Views ---


class _SubmissionView(APIView):
    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [HasScope.of(API_READ_SCOPE)]
    renderer_classes = [JSONRenderer]

    def submission(self, request: Request, submission_id: Any) -> Submission:
        return application_selectors.client_submission_get(
            actor=api_actor(request), submission_id=submission_id
        )


@extend_schema_view(
    get=extend_schema(
        operation_id="submission_list",
        parameters=[
            OpenApiParameter("status", str, enum=Case.Status.values, description="Status."),
            OpenApiParameter(
                "acknowledged", bool, description="false: only those not yet acknowledged."
            ),
            OpenApiParameter(
                "since", OpenApiTypes.DATETIME, description="Submitted at or after (ISO 8601)."
            ),
            OpenApiParameter("office", OpenApiTypes.UUID, description="Only this office."),
        ],
        responses={
            200: SubmissionSummarySerializer(many=True),
            **_problems(**{"400": "Invalid query parameters or cursor."}),
        },
    )
)
class SubmissionListView(_SubmissionView, ListAPIView):
    """Submissions to the token's municipality, newest first, in pages linked by `next` and
    `previous` cursors (no `count`: every page costs what the first one costs)."""

    filter_backends: list[Any] = []
    pagination_class = CursorPagination
    pagination_ordering = case_selectors.LIST_ORDERING

    def get_queryset(self) -> Any:
        params = SubmissionFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return case_selectors.client_cases(actor=api_actor(self.request), **params.validated_data)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        return self.get_paginated_response([_summary(request, c.submission, c) for c in page])


class SubmissionDetailView(_SubmissionView):
    @extend_schema(
        operation_id="submission_get",
        parameters=[ID],
        responses={200: SubmissionDetailSerializer, **_problems(**{"404": NOT_FOUND})},
    )
    def get(self, request: Request, id: Any) -> Response:
        return Response(_detail(request, self.submission(request, id)))


FILE_RESPONSE = {
    (200, "*/*"): OpenApiResponse(
        OpenApiTypes.BINARY, description="The file, with the content type detected at upload."
    )
}


class SubmissionAttachmentView(_SubmissionView):
    @extend_schema(
        operation_id="submission_attachment_get",
        parameters=[
            ID,
            OpenApiParameter(
                "attachment_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="File id."
            ),
        ],
        responses={
            **FILE_RESPONSE,
            **_problems(**{"404": NOT_FOUND}),
            (409, PROBLEM): OpenApiResponse(
                AttachmentNotReadyProblemSerializer,
                description="The file has not been scanned clean (yet).",
            ),
        },
    )
    def get(self, request: Request, id: Any, attachment_id: Any) -> HttpResponseBase:
        submission = self.submission(request, id)
        attachment = next(
            (a for a in submission.attachments.all() if str(a.pk) == str(attachment_id)), None
        )
        if attachment is None:
            raise Problem(
                status_code=status.HTTP_404_NOT_FOUND,
                problem_type="attachment-not-found",
                title=_("Not found"),
                detail=_("No such document."),
            )
        try:
            handle = attachment_open(attachment=attachment)
        except AttachmentNotReady as exc:
            raise Problem(
                status_code=status.HTTP_409_CONFLICT,
                problem_type="attachment-not-ready",
                title=_("Document not available"),
                detail=exc.message,
                scan_status=attachment.scan_status,
            ) from exc
        return download_response(
            handle, original_name=attachment.original_name, content_type=attachment.content_type
        )


class SubmissionReceiptView(_SubmissionView):
    @extend_schema(
        operation_id="submission_receipt_get",
        parameters=[ID],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The sealed receipt (PDF/A)."
            ),
            **_problems(**{"404": NOT_FOUND + " Or no receipt has been made yet."}),
        },
    )
    def get(self, request: Request, id: Any) -> HttpResponseBase:
        submission = self.submission(request, id)
        if not submission.receipt:
            raise Problem(
                status_code=status.HTTP_404_NOT_FOUND,
                problem_type="receipt-not-ready",
                title=_("Not found"),
                detail=_("The receipt has not been made yet."),
            )
        return FileResponse(
            submission.receipt.open("rb"),
            as_attachment=True,
            filename=f"{submission.reference}.pdf",
            content_type="application/pdf",
        )


class SubmissionAcknowledgeView(_SubmissionView):
    permission_classes = [HasScope.of(API_WRITE_SCOPE)]

    @extend_schema(
        operation_id="submission_acknowledge",
        parameters=[ID],
        request=None,
        responses={200: AcknowledgementSerializer, **_problems(**{"404": NOT_FOUND})},
    )
    def post(self, request: Request, id: Any) -> Response:
        case = case_acknowledge(case=self.submission(request, id).case, actor=api_actor(request))
        return Response(
            {
                "acknowledged_at": case.acknowledged_at,
                "acknowledged_by": case.acknowledged_by,
            }
        )


class SubmissionStatusView(_SubmissionView):
    permission_classes = [HasScope.of(API_WRITE_SCOPE)]

    @extend_schema(
        operation_id="submission_status_set",
        parameters=[ID],
        request=StatusChangeRequestSerializer,
        responses={
            200: StatusChangeSerializer,
            **_problems(
                **{
                    "400": "Invalid body.",
                    "404": NOT_FOUND,
                    "409": "The status cannot change to this one from the current one.",
                }
            ),
        },
    )
    def post(self, request: Request, id: Any) -> Response:
        body = StatusChangeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        submission = self.submission(request, id)
        try:
            change = case_status_change(
                case=submission.case,
                status=body.validated_data["status"],
                note=body.validated_data["note"],
                actor=api_actor(request),
            )
        except StatusTransitionNotAllowed as exc:
            raise Problem(
                status_code=status.HTTP_409_CONFLICT,
                problem_type="status-transition-not-allowed",
                title=_("Status change not allowed"),
                detail=exc.message,
            ) from exc
        return Response(
            {
                "status": change.status,
                "note": change.note,
                "changed_by": change.actor_label,
                "changed_at": change.created_at,
            }
        )


# Included into the v1 patterns of rathaus.api.urls. Ids are matched as UUID text (not
# converted), so that the request validation against the schema sees the path as sent.
UUID_RE = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
SUBMISSION = rf"^submissions/(?P<id>{UUID_RE})/"

urlpatterns = [
    path("submissions/", SubmissionListView.as_view(), name="submission-list"),
    re_path(rf"{SUBMISSION}$", SubmissionDetailView.as_view(), name="submission-detail"),
    re_path(
        rf"{SUBMISSION}attachments/(?P<attachment_id>{UUID_RE})/$",
        SubmissionAttachmentView.as_view(),
        name="submission-attachment",
    ),
    re_path(rf"{SUBMISSION}receipt/$", SubmissionReceiptView.as_view(), name="submission-receipt"),
    re_path(
        rf"{SUBMISSION}acknowledge/$",
        SubmissionAcknowledgeView.as_view(),
        name="submission-acknowledge",
    ),
    re_path(rf"{SUBMISSION}status/$", SubmissionStatusView.as_view(), name="submission-status"),
]
