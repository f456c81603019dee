"""The Postfach API for specialist systems (Fachverfahren) and the citizen's own mailbox.

Specialist systems act from the mailboxes of their municipality's offices with a bearer token
(scopes `mailbox:read`, `mailbox:write`; `rathaus.mailbox.permissions`): they write to the
applicant of a submission's case, provide administrative acts for retrieval (§41 (2a)
VwVfG), read the state of every message (delivered, retrieved, notified, ended), its content
and its receipts, and verify receipts. Another municipality's cases and messages are 404.

Messages carry files: sent as `{name, content (base64)}` in the JSON body (or as parts of
a multipart/form-data body), checked, scanned and stored by the Postfach's services; they are
downloaded one by one or as a ZIP once scanned clean.

A logged-in citizen reads their own mailbox (`/api/v1/my-mailbox/…`, session) and downloads
its files; anyone else's threads are 404.
"""

import base64
import binascii
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.urls import path, re_path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
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
from rathaus.api.schema import NamedChoiceField
from rathaus.api.submissions import AttachmentNotReadyProblemSerializer
from rathaus.cases.models import Case
from rathaus.core.actors import Actor
from rathaus.core.downloads import bytes_download
from rathaus.core.errors import DomainError, NotFound
from rathaus.evidence.verification import receipt_verify
from rathaus.federation.actors import request_actor
from rathaus.mailbox import selectors as mailbox_selectors
from rathaus.mailbox import services as mailbox_services
from rathaus.mailbox.models import Mailbox, Message, MessageAttachment, MessageReceipt, Thread

PROBLEM = "application/problem+json"
READ = "mailbox:read"
WRITE = "mailbox:write"
UUID_RE = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
LEVELS = ("low", "substantial", "high")


_problems = token_problem_responses


SUBMISSION_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Submission id."
)
MESSAGE_ID = OpenApiParameter(
    "message_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Message id."
)
THREAD_ID = OpenApiParameter(
    "thread_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Thread id."
)
ATTACHMENT_ID = OpenApiParameter(
    "attachment_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="File id."
)
NO_SUBMISSION = "No such submission for the token's municipality."
NO_MESSAGE = "No such message in the mailboxes of the token's municipality."
NOT_READY = {
    (409, PROBLEM): OpenApiResponse(
        AttachmentNotReadyProblemSerializer,
        description="The file (for the ZIP: every file) has not been scanned clean (yet).",
    )
}
FILE_RESPONSE = {
    (200, "*/*"): OpenApiResponse(
        OpenApiTypes.BINARY,
        description="The file, with the type detected from its content; saved under the "
        "Content-Disposition name.",
    )
}
ZIP_RESPONSE = {
    (200, "application/zip"): OpenApiResponse(
        OpenApiTypes.BINARY,
        description="Every file scanned clean (names made unique); files not (yet) scanned "
        "clean are left out.",
    )
}


def _b64_bytes(text: str) -> bytes | None:
    """`text` decoded from strict base64; None when it is not base64."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


# --- Serializers (shapes only) ---


class MailOfficeSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()


class MailCaseSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    reference = serializers.CharField()


class DeliveryStateSerializer(serializers.Serializer[Any]):
    mailbox_kind = NamedChoiceField(
        enum_name="MailboxKindEnum",
        choices=Mailbox.Kind.values,
        help_text="The recipient: person, organisation or office.",
    )
    delivered_at = serializers.DateTimeField()
    retrieved_at = serializers.DateTimeField(
        allow_null=True, help_text="When the recipient first opened it; null: not yet."
    )
    notified_at = serializers.DateTimeField(
        allow_null=True, help_text="When the recipient was told by e-mail (a link, no content)."
    )


class ProvisionStateSerializer(serializers.Serializer[Any]):
    status = NamedChoiceField(
        enum_name="ProvisionStatusEnum",
        choices=["open", "retrieved", "ended"],
        help_text="open: waiting for retrieval; retrieved: notified on `notified_on`; "
        "ended: not retrieved in time, not notified (notify otherwise).",
    )
    required_level = NamedChoiceField(choices=list(LEVELS), enum_name="LevelOfAssuranceEnum")
    notice_sent_at = serializers.DateTimeField()
    last_day = serializers.DateField(help_text="Last day of retrieval (Europe/Berlin).")
    ends_at = serializers.DateTimeField()
    retrieved_at = serializers.DateTimeField(allow_null=True)
    notified_on = serializers.DateField(
        allow_null=True, help_text="Deemed notified on (§41 (2a) VwVfG)."
    )
    ended_at = serializers.DateTimeField(allow_null=True)


class AttachmentStateSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    position = serializers.IntegerField(help_text="1, 2, … in the order sent.")
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    sha256 = serializers.CharField()
    scan_status = NamedChoiceField(
        choices=["pending", "clean", "infected"],
        enum_name="MailAttachmentScanEnum",
        help_text="pending: waiting for the virus scan; only clean files can be downloaded.",
    )
    url = serializers.URLField(help_text="Where to download it (once clean).")


class ReceiptRefSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    kind = NamedChoiceField(choices=MessageReceipt.Kind.values, enum_name="ReceiptKindEnum")
    issued_at = serializers.DateTimeField()


class MessageStateSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    url = serializers.URLField()
    thread = serializers.UUIDField()
    case = MailCaseSerializer(allow_null=True)
    office = MailOfficeSerializer()
    direction = NamedChoiceField(
        enum_name="MessageDirectionEnum",
        choices=["outgoing", "incoming"],
        help_text="outgoing: sent by the office; incoming: sent to it by a citizen or "
        "an organisation.",
    )
    author = serializers.CharField(allow_blank=True, help_text="Who wrote it (a name).")
    sent_at = serializers.DateTimeField()
    body_sha256 = serializers.CharField(help_text="SHA-256 of the body (what receipts state).")
    written_form = serializers.BooleanField(help_text="Meets the written form (§3a VwVfG).")
    delivered_at = serializers.DateTimeField(allow_null=True)
    retrieved_at = serializers.DateTimeField(
        allow_null=True, help_text="When the recipient first opened it; null: not yet."
    )
    deliveries = DeliveryStateSerializer(many=True)
    provision = ProvisionStateSerializer(
        allow_null=True, help_text="Set for an act provided for retrieval."
    )
    attachments = AttachmentStateSerializer(many=True)
    receipts = ReceiptRefSerializer(many=True)


class AttachmentDetailSerializer(AttachmentStateSerializer):
    name = serializers.CharField(
        allow_blank=True,
        help_text="The file name as sent (decrypted: content, like the body; empty while the "
        "message is withheld).",
    )


class MessageDetailSerializer(MessageStateSerializer):
    attachments = AttachmentDetailSerializer(many=True)
    subject = serializers.CharField(help_text="The thread's subject.")
    body = serializers.CharField(help_text="The text (plain text, decrypted).")
    retrieved_now = serializers.BooleanField(
        help_text="This request retrieved the messages delivered to the office in the thread."
    )


class ThreadStateSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    subject = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField(allow_null=True)
    messages = MessageStateSerializer(many=True)


class Base64FileSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200, help_text="File name, e.g. bescheid.pdf.")
    content = serializers.CharField(help_text="The file's content, base64-encoded.")


@extend_schema_field(Base64FileSerializer)
class Base64FileField(serializers.Field):
    """A file in a JSON body, `{"name": …, "content": "<base64>"}`, read into an in-memory
    upload for the Postfach's services (which check type, size and viruses); a file part of a
    multipart body is taken as it is."""

    default_error_messages = {
        "invalid": gettext_lazy(
            "Please send the file as an object with “name” (the file name) and “content” (the "
            "content, base64-encoded)."
        ),
        "name": gettext_lazy("Please give the file’s name (at most 200 characters)."),
        "base64": gettext_lazy("This is not valid base64."),
    }

    def to_internal_value(self, data: Any) -> UploadedFile:
        if isinstance(data, UploadedFile):
            return data
        if not (
            isinstance(data, dict)
            and isinstance(data.get("name"), str)
            and isinstance(data.get("content"), str)
        ):
            self.fail("invalid")
        name = data["name"].strip()
        if not name or len(name) > 200:
            self.fail("name")
        content = _b64_bytes(data["content"])
        if content is None:
            self.fail("base64")
        # The type given here is never trusted: the services detect it from the content.
        return SimpleUploadedFile(name, content, content_type="application/octet-stream")

    def to_representation(self, value: Any) -> Any:
        raise NotImplementedError("a request field only")


class Base64FileListField(serializers.ListField):
    """Files in a JSON body; a refused one is named by its number in one flat list of
    messages (`errors.attachments`), as the services name theirs."""

    child = Base64FileField()

    def run_child_validation(self, data: list[Any]) -> list[Any]:
        files: list[Any] = []
        errors: list[str] = []
        for number, item in enumerate(data, start=1):
            try:
                files.append(self.child.run_validation(item))
            except serializers.ValidationError as exc:
                details = exc.detail if isinstance(exc.detail, list) else [exc.detail]
                errors += [
                    _("File %(number)d: %(message)s") % {"number": number, "message": str(d)}
                    for d in details
                ]
        if errors:
            raise serializers.ValidationError(errors)
        return files


class MessageSendRequestSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(
        trim_whitespace=False, help_text="Plain text (at most 20,000 characters)."
    )
    subject = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed only when the case has no thread yet (it starts one).",
    )
    thread = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A thread of the case to reply in; default: the case's first thread.",
    )
    attachments = Base64FileListField(
        required=False,
        default=list,
        help_text="Files (at most 10; types and sizes as for every upload), each with its "
        "name and its content base64-encoded.",
    )


class MessageSendFormSerializer(MessageSendRequestSerializer):
    """The message as multipart/form-data: the same fields, each file a part named
    `attachments`."""

    attachments = serializers.ListField(  # type: ignore[assignment]
        child=serializers.FileField(allow_empty_file=True, use_url=False),
        required=False,
        default=list,
        help_text="Files (at most 10), each a part named `attachments`.",
    )


class ActProvideRequestSerializer(serializers.Serializer[Any]):
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField(trim_whitespace=False)
    required_level = NamedChoiceField(
        enum_name="LevelOfAssuranceEnum",
        choices=list(LEVELS),
        help_text="Level of assurance retrieving the act needs.",
    )
    document = Base64FileField(help_text="The act as a PDF file.")


class ConsentMissingProblemSerializer(ProblemSerializer):
    """The applicant has not consented to notification by retrieval (type
    `urn:rathaus:problem:consent-missing`): notify the act another way, e.g. by post."""


class ReceiptContentSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    kind = NamedChoiceField(choices=MessageReceipt.Kind.values, enum_name="ReceiptKindEnum")
    sequence = serializers.IntegerField()
    issued_at = serializers.DateTimeField()
    sha256 = serializers.CharField(help_text="SHA-256 of receipt.json.")
    receipt_json = serializers.CharField(help_text="receipt.json (canonical JSON), base64.")
    signature = serializers.CharField(help_text="receipt.p7s (CMS, DER), base64.")
    timestamp = serializers.CharField(help_text="receipt.tsr (RFC 3161, DER), base64.")
    bundle_url = serializers.URLField(help_text="The ZIP bundle to verify offline.")


class ReceiptVerifyRequestSerializer(serializers.Serializer[Any]):
    receipt_json = serializers.CharField(help_text="receipt.json, base64.")
    signature = serializers.CharField(help_text="receipt.p7s, base64.")
    timestamp = serializers.CharField(help_text="receipt.tsr, base64.")
    files = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        default=dict,
        help_text='Files to check against the receipt, name → base64 ("body": the message '
        "body as UTF-8).",
    )


class CheckSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(help_text='"document", "signature", "timestamp", "file:NAME" …')
    passed = serializers.BooleanField()
    message = serializers.CharField()


class ReceiptVerdictSerializer(serializers.Serializer[Any]):
    valid = serializers.BooleanField(help_text="Every check passed.")
    checks = CheckSerializer(many=True)
    document = serializers.DictField(allow_null=True, help_text="The receipt's facts.")
    signed_at = serializers.DateTimeField(allow_null=True)
    timestamped_at = serializers.DateTimeField(allow_null=True)


class OwnThreadSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    subject = serializers.CharField()
    office = MailOfficeSerializer()
    unread = serializers.IntegerField()
    archived = serializers.BooleanField()
    last_activity_at = serializers.DateTimeField()


class OwnAttachmentSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    position = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    scan_status = NamedChoiceField(
        choices=["pending", "clean", "infected"], enum_name="MailAttachmentScanEnum"
    )
    url = serializers.URLField(help_text="Where to download it (once clean).")


class OwnMessageSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    mine = serializers.BooleanField(help_text="Sent from your mailbox.")
    author = serializers.CharField(allow_blank=True)
    sent_at = serializers.DateTimeField()
    body = serializers.CharField(allow_blank=True, help_text="Empty while withheld.")
    withheld = NamedChoiceField(
        enum_name="WithheldEnum",
        choices=["", "level", "ended"],
        help_text="level: log in at the level the act needs; ended: no longer provided.",
    )
    provision = ProvisionStateSerializer(allow_null=True)
    attachments = OwnAttachmentSerializer(many=True, help_text="None while withheld.")


class OwnThreadDetailSerializer(OwnThreadSerializer):
    messages = OwnMessageSerializer(many=True)


# --- Reads for API clients (the client's municipality only) ---


def _client_case(actor: Actor, submission_id: Any) -> Case:
    """The case of a submission of the API client's municipality; NotFound otherwise."""
    case = (
        Case.objects.select_related("office", "municipality", "applicant")
        .filter(municipality_id=actor.municipality_id, submission__pk=submission_id)
        .first()
        if actor.municipality_id is not None
        else None
    )
    if case is None:
        raise NotFound(_("No such application."))
    return case


def _client_messages(actor: Actor) -> QuerySet[Message]:
    """The sent messages in the threads of the client's municipality that its offices see
    (notes for the citizen's side only do not exist)."""
    if actor.municipality_id is None:
        return Message.objects.none()
    return (
        Message.objects.filter(thread__municipality_id=actor.municipality_id, sent_at__isnull=False)
        .filter(Q(visible_to__isnull=True) | Q(visible_to__kind=Mailbox.Kind.OFFICE))
        .select_related("thread__office", "thread__case", "sender", "provision")
        .prefetch_related(
            "deliveries__mailbox",
            "attachments",
            Prefetch("receipts", queryset=MessageReceipt.objects.order_by("created_at")),
        )
    )


def _client_message(actor: Actor, message_id: Any) -> Message:
    message = _client_messages(actor).filter(pk=message_id).first()
    if message is None:
        raise NotFound(_("No such message."))
    return message


def _office_box(thread: Thread) -> Mailbox:
    """The mailbox of the thread's office, from which the client reads and writes."""
    return mailbox_services.mailbox_of_office(office=thread.office)


# --- Representation ---


def _message_state(request: Request, message: Message) -> dict[str, Any]:
    """The state of `message` (prefetched as by `_client_messages`): no content (subject,
    body, file names), which `MessageDetailView` adds."""
    thread = message.thread
    deliveries = list(message.deliveries.all())
    first = deliveries[0] if deliveries else None
    provision = getattr(message, "provision", None)
    return {
        "id": message.pk,
        "url": request.build_absolute_uri(reverse("api:v1:mailbox-message", args=[message.pk])),
        "thread": thread.pk,
        "case": (
            {"id": thread.case.pk, "reference": thread.case.reference} if thread.case else None
        ),
        "office": {"id": thread.office.pk, "name": thread.office.name},
        "direction": "outgoing" if message.sender.kind == Mailbox.Kind.OFFICE else "incoming",
        "author": message.author_label,
        "sent_at": message.sent_at,
        "body_sha256": message.body_sha256,
        "written_form": message.written_form,
        "delivered_at": first.delivered_at if first else None,
        "retrieved_at": first.retrieved_at if first else None,
        "deliveries": [
            {
                "mailbox_kind": d.mailbox.kind,
                "delivered_at": d.delivered_at,
                "retrieved_at": d.retrieved_at,
                "notified_at": d.notified_at,
            }
            for d in deliveries
        ],
        "provision": None
        if provision is None
        else {
            "status": provision.status,
            "required_level": provision.required_level,
            "notice_sent_at": provision.notice_sent_at,
            "last_day": provision.last_day,
            "ends_at": provision.ends_at,
            "retrieved_at": provision.retrieved_at,
            "notified_on": provision.notified_on,
            "ended_at": provision.ended_at,
        },
        "attachments": [_attachment_state(request, message, a) for a in message.attachments.all()],
        "receipts": [
            {"id": r.pk, "kind": r.kind, "issued_at": r.created_at} for r in message.receipts.all()
        ],
    }


def _attachment_state(request: Request, message: Message, a: MessageAttachment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "position": a.position,
        "content_type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "scan_status": a.scan_status,
        "url": request.build_absolute_uri(
            reverse("api:v1:mailbox-attachment", args=[message.pk, a.pk])
        ),
    }


def _not_ready(exc: mailbox_services.AttachmentNotReady, states: list[str]) -> Problem:
    """The 409 problem for files not scanned clean; `states` are the scan states of the
    files asked for (a pending one means: try again later)."""
    return Problem(
        status_code=status.HTTP_409_CONFLICT,
        problem_type="attachment-not-ready",
        title=_("Document not available"),
        detail=exc.message,
        scan_status=(
            MessageAttachment.ScanStatus.PENDING
            if MessageAttachment.ScanStatus.PENDING in states or not states
            else MessageAttachment.ScanStatus.INFECTED
        ),
    )


def _attachment_download(
    *,
    actor: Actor,
    mailbox: Mailbox,
    message: Message,
    attachments: list[MessageAttachment],
    attachment_id: Any,
) -> HttpResponseBase:
    """One file of `message` from `mailbox` (or, without `attachment_id`, every clean one as a
    ZIP) as a download; 409 problem while not scanned clean, 404 for a message without files."""
    if not attachments:
        raise NotFound(_("This message has no files."))
    try:
        name, content_type, data = mailbox_services.attachment_download(
            actor=actor,
            mailbox=mailbox,
            thread_id=message.thread_id,
            message_id=message.pk,
            attachment_id=attachment_id,
        )
    except mailbox_services.AttachmentNotReady as exc:
        asked = [a for a in attachments if attachment_id is None or str(a.pk) == str(attachment_id)]
        raise _not_ready(exc, [a.scan_status for a in asked]) from exc
    return bytes_download(data, filename=name, content_type=content_type)


def _b64(data: str, field: str) -> bytes:
    content = _b64_bytes(data)
    if content is None:
        raise DomainError(_("This is not valid base64."), field=field)
    return content


# --- Views of API clients ---


class _ClientView(APIView):
    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [HasScope.of(READ)]
    renderer_classes = [JSONRenderer]


class CaseThreadsView(_ClientView):
    @extend_schema(
        operation_id="submission_threads_list",
        parameters=[SUBMISSION_ID],
        responses={200: ThreadStateSerializer(many=True), **_problems(**{"404": NO_SUBMISSION})},
    )
    def get(self, request: Request, id: Any) -> Response:
        """The threads about the submission's case, oldest first, with the state of every
        message (no bodies: `GET /mailbox/messages/{id}/` reads one)."""
        actor = api_actor(request)
        case = _client_case(actor, id)
        threads = mailbox_selectors.case_threads(case=case)
        subjects = mailbox_selectors.subjects_open(threads)
        messages: dict[UUID, list[Message]] = {}
        for message in _client_messages(actor).filter(thread__case=case).order_by("sent_at", "pk"):
            messages.setdefault(message.thread_id, []).append(message)
        return Response(
            [
                {
                    "id": thread.pk,
                    "subject": subjects[thread.pk],
                    "created_at": thread.created_at,
                    "last_message_at": thread.last_message_at,
                    "messages": [_message_state(request, m) for m in messages.get(thread.pk, [])],
                }
                for thread in threads
            ]
        )


class CaseMessageSendView(_ClientView):
    permission_classes = [HasScope.of(WRITE)]

    @extend_schema(
        operation_id="submission_message_send",
        parameters=[SUBMISSION_ID],
        request={
            "application/json": MessageSendRequestSerializer,
            "multipart/form-data": MessageSendFormSerializer,
        },
        responses={
            201: MessageStateSerializer,
            **_problems(
                **{
                    "400": "Invalid body (e.g. no subject for a case without a thread), or a "
                    "file refused (`errors.attachments`: type, size, a virus, too many, not "
                    "base64); nothing was sent.",
                    "404": NO_SUBMISSION + " Or the thread is not one of the case.",
                }
            ),
        },
    )
    def post(self, request: Request, id: Any) -> Response:
        """A message of the case's office to its applicant: a reply in the case's thread (or
        in `thread`), or a new thread with `subject` when the case has none; with files in
        `attachments`. Each file is checked (type by content, size) and scanned for viruses
        before the message is sent: a refused file stops the whole message (400)."""
        form = (request.content_type or "").startswith("multipart/")
        body = (MessageSendFormSerializer if form else MessageSendRequestSerializer)(
            data=request.data
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        actor = api_actor(request)
        case = _client_case(actor, id)
        threads = mailbox_selectors.case_threads(case=case)
        if data["thread"] is not None:
            threads = [t for t in threads if t.pk == data["thread"]]
            if not threads:
                raise NotFound(_("No such thread."))
        if threads:
            thread = threads[0]
            message = mailbox_services.message_send(
                actor=actor,
                thread=thread,
                sender=mailbox_services.mailbox_of_office(office=thread.office),
                body=data["body"],
                uploads=data["attachments"],
            )
        else:
            message = mailbox_services.case_message_start(
                actor=actor,
                case=case,
                subject=data["subject"],
                body=data["body"],
                uploads=data["attachments"],
            )
        state = _message_state(request, _client_message(actor, message.pk))
        return Response(state, status=status.HTTP_201_CREATED)


class CaseActProvideView(_ClientView):
    permission_classes = [HasScope.of(WRITE)]

    @extend_schema(
        operation_id="submission_act_provide",
        parameters=[SUBMISSION_ID],
        request=ActProvideRequestSerializer,
        responses={
            201: MessageStateSerializer,
            **_problems(
                **{
                    "400": "Invalid body (e.g. the document is not a PDF).",
                    "404": NO_SUBMISSION,
                }
            ),
            (409, PROBLEM): OpenApiResponse(
                ConsentMissingProblemSerializer,
                description="The applicant has not consented to notification by retrieval.",
            ),
        },
    )
    def post(self, request: Request, id: Any) -> Response:
        """Provide an administrative act for retrieval by the applicant (§41 (2a) VwVfG): a
        new thread of the case's office with the act's PDF; the applicant is told by e-mail
        and has ten days; retrieval at `required_level` makes it notified the next day."""
        body = ActProvideRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        actor = api_actor(request)
        case = _client_case(actor, id)
        try:
            message = mailbox_services.act_provide(
                actor=actor,
                case=case,
                subject=data["subject"],
                body=data["body"],
                required_level=data["required_level"],
                document=data["document"],
            )
        except mailbox_services.ConsentMissing as exc:
            raise Problem(
                status_code=status.HTTP_409_CONFLICT,
                problem_type="consent-missing",
                title=_("No consent to notification by retrieval"),
                detail=exc.message,
            ) from exc
        except DomainError as exc:
            if exc.field == "attachments":  # the upload checks name the document so
                raise DomainError(exc.message, field="document") from exc
            raise
        state = _message_state(request, _client_message(actor, message.pk))
        return Response(state, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        operation_id="mailbox_message_list",
        parameters=[
            OpenApiParameter(
                "direction",
                str,
                enum=["incoming", "outgoing"],
                description="incoming: sent to an office; outgoing: sent by one.",
            ),
            OpenApiParameter(
                "retrieved", bool, description="false: only those not yet opened by the recipient."
            ),
            OpenApiParameter("office", OpenApiTypes.UUID, description="Only this office."),
            OpenApiParameter(
                "since", OpenApiTypes.DATETIME, description="Sent at or after (ISO 8601)."
            ),
        ],
        responses={
            200: MessageStateSerializer(many=True),
            **_problems(**{"400": "Invalid query parameters or cursor."}),
        },
    )
)
class MessageListView(_ClientView, ListAPIView):
    """Messages of the offices of the token's municipality, newest first, cursor-paginated:
    e.g. `?direction=incoming&retrieved=false` is the work queue of incoming mail."""

    filter_backends: list[Any] = []
    pagination_class = CursorPagination
    pagination_ordering = ("-sent_at", "-pk")

    class Filters(serializers.Serializer[Any]):
        direction = serializers.ChoiceField(choices=["incoming", "outgoing"], required=False)
        retrieved = serializers.BooleanField(required=False, allow_null=True, default=None)
        office = serializers.UUIDField(required=False)
        since = serializers.DateTimeField(required=False)

    def get_queryset(self) -> Any:
        params = self.Filters(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        qs = _client_messages(api_actor(self.request))
        if data.get("direction") == "incoming":
            qs = qs.exclude(sender__kind=Mailbox.Kind.OFFICE)
        elif data.get("direction") == "outgoing":
            qs = qs.filter(sender__kind=Mailbox.Kind.OFFICE)
        if data.get("retrieved") is not None:
            unretrieved = Q(deliveries__retrieved_at__isnull=True)
            qs = qs.exclude(unretrieved) if data["retrieved"] else qs.filter(unretrieved)
        if data.get("office"):
            qs = qs.filter(thread__office_id=data["office"])
        if data.get("since"):
            qs = qs.filter(sent_at__gte=data["since"])
        # Only the deliveries join can repeat a message; without it the page is read along
        # the index on (sent_at, id) (a DISTINCT would sort every message of the municipality).
        return qs.distinct() if data.get("retrieved") is not None else qs

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        return self.get_paginated_response([_message_state(request, m) for m in page])


class MessageDetailView(_ClientView):
    @extend_schema(
        operation_id="mailbox_message_get",
        parameters=[MESSAGE_ID],
        responses={200: MessageDetailSerializer, **_problems(**{"404": NO_MESSAGE})},
    )
    def get(self, request: Request, message_id: Any) -> Response:
        """One message with its state and content (subject, body, file names). Reading a
        message delivered to the office is retrieving it (as when a clerk opens the thread):
        the messages delivered to the office in its thread and not yet opened count as
        retrieved now (receipts follow)."""
        actor = api_actor(request)
        message = _client_message(actor, message_id)
        office_box = _office_box(message.thread)
        retrieved = []
        if any(
            d.mailbox_id == office_box.pk and d.retrieved_at is None
            for d in message.deliveries.all()
        ):
            retrieved = mailbox_services.thread_open(
                actor=actor, thread=message.thread, mailbox=office_box
            )
            message = _client_message(actor, message_id)
        view = mailbox_selectors.thread_view(
            actor=actor, mailbox=office_box, thread_id=message.thread_id
        )
        found = next(m for m in view.messages if m.message.pk == message.pk)
        state = _message_state(request, message)
        names = {f.attachment.pk: f.name for f in found.attachments}
        return Response(
            {
                **state,
                "attachments": [
                    {**a, "name": names.get(a["id"], "")} for a in state["attachments"]
                ],
                "subject": view.subject,
                "body": found.body,
                "retrieved_now": bool(retrieved),
            }
        )


class MessageReceiptsView(_ClientView):
    @extend_schema(
        operation_id="mailbox_message_receipts",
        parameters=[MESSAGE_ID],
        responses={200: ReceiptContentSerializer(many=True), **_problems(**{"404": NO_MESSAGE})},
    )
    def get(self, request: Request, message_id: Any) -> Response:
        """The receipts of the message (dispatch, delivery, retrieval), each with its JSON,
        CMS signature and RFC 3161 time-stamp (base64), as issued."""
        actor = api_actor(request)
        message = _client_message(actor, message_id)
        office_box = _office_box(message.thread)
        # The permission check of the mailbox (scope, municipality) as for every read.
        mailbox_selectors.thread_view(actor=actor, mailbox=office_box, thread_id=message.thread_id)
        rows = MessageReceipt.objects.select_related("receipt").filter(message=message)
        return Response(
            [
                {
                    "id": row.pk,
                    "kind": row.kind,
                    "sequence": row.receipt.sequence,
                    "issued_at": row.receipt.created_at,
                    "sha256": row.receipt.sha256,
                    "receipt_json": base64.b64encode(row.receipt.document.encode()).decode(),
                    "signature": base64.b64encode(bytes(row.receipt.signature)).decode(),
                    "timestamp": base64.b64encode(bytes(row.receipt.timestamp)).decode(),
                    "bundle_url": request.build_absolute_uri(
                        reverse("api:v1:mailbox-receipt-bundle", args=[message.pk, row.pk])
                    ),
                }
                for row in rows.order_by("created_at")
            ]
        )


class MessageReceiptBundleView(_ClientView):
    @extend_schema(
        operation_id="mailbox_receipt_bundle",
        parameters=[
            MESSAGE_ID,
            OpenApiParameter(
                "receipt_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Receipt id."
            ),
        ],
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="receipt.json, receipt.p7s, receipt.tsr, ca.pem, tsa.pem, README.",
            ),
            **_problems(**{"404": NO_MESSAGE + " Or no such receipt."}),
        },
    )
    def get(self, request: Request, message_id: Any, receipt_id: Any) -> HttpResponse:
        actor = api_actor(request)
        message = _client_message(actor, message_id)
        receipt, bundle = mailbox_selectors.receipt_bundle_get(
            actor=actor,
            mailbox=_office_box(message.thread),
            thread_id=message.thread_id,
            receipt_id=receipt_id,
        )
        if receipt.message_id != message.pk:
            raise NotFound(_("No such receipt."))
        response = HttpResponse(bundle, content_type="application/zip")
        filename = mailbox_selectors.receipt_filename(receipt)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class MessageAttachmentView(_ClientView):
    @extend_schema(
        operation_id="mailbox_attachment_get",
        parameters=[MESSAGE_ID, ATTACHMENT_ID],
        responses={
            **FILE_RESPONSE,
            **_problems(**{"404": NO_MESSAGE + " Or no such file."}),
            **NOT_READY,
        },
    )
    def get(self, request: Request, message_id: Any, attachment_id: Any) -> HttpResponseBase:
        """One file of the message, once scanned clean. Downloading is reading: messages
        delivered to the office in the thread and not yet opened are retrieved first (as
        `GET /mailbox/messages/{id}/` does)."""
        actor = api_actor(request)
        message = _client_message(actor, message_id)
        return _attachment_download(
            actor=actor,
            mailbox=_office_box(message.thread),
            message=message,
            attachments=list(message.attachments.all()),
            attachment_id=attachment_id,
        )


class MessageAttachmentsView(_ClientView):
    @extend_schema(
        operation_id="mailbox_attachments_zip",
        parameters=[MESSAGE_ID],
        responses={
            **ZIP_RESPONSE,
            **_problems(**{"404": NO_MESSAGE + " Or the message has no files."}),
            **NOT_READY,
        },
    )
    def get(self, request: Request, message_id: Any) -> HttpResponseBase:
        """All files of the message scanned clean, as one ZIP; 409 when none is (yet).
        Retrieves like reading the message."""
        actor = api_actor(request)
        message = _client_message(actor, message_id)
        return _attachment_download(
            actor=actor,
            mailbox=_office_box(message.thread),
            message=message,
            attachments=list(message.attachments.all()),
            attachment_id=None,
        )


class ReceiptVerifyView(_ClientView):
    @extend_schema(
        operation_id="mailbox_receipt_verify",
        request=ReceiptVerifyRequestSerializer,
        responses={200: ReceiptVerdictSerializer, **_problems(**{"400": "Invalid body."})},
    )
    def post(self, request: Request) -> Response:
        """Verify a receipt as `manage.py verify_receipt` does: its JSON, its seal (CMS) and
        its time-stamp against this installation's trust anchors and, given files, their
        SHA-256 against those the receipt names. 200 with `valid: false` for a receipt
        that does not verify."""
        body = ReceiptVerifyRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = receipt_verify(
            receipt_json=_b64(data["receipt_json"], "receipt_json"),
            signature=_b64(data["signature"], "signature"),
            timestamp=_b64(data["timestamp"], "timestamp"),
            files={name: _b64(value, "files") for name, value in data["files"].items()},
        )
        return Response(
            {
                "valid": result.ok,
                "checks": [
                    {"name": c.name, "passed": c.passed, "message": c.message}
                    for c in result.checks
                ],
                "document": dict(result.document) if result.document is not None else None,
                "signed_at": result.signed_at,
                "timestamped_at": result.timestamped_at,
            }
        )


# --- The citizen's own mailbox (session) ---


class PortalSessionAuthentication(SessionAuthentication):
    """The portal's login session; without one the answer is 401 (DRF's session
    authentication names no scheme, so it would answer 403)."""

    def authenticate_header(self, request: Request) -> str:
        return 'Session realm="portal"'


class PortalSessionScheme(OpenApiAuthenticationExtension):
    """Documents the portal's session cookie as the `PortalSession` security scheme."""

    target_class = PortalSessionAuthentication
    name = "PortalSession"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "The session of a person logged in to the portal.",
        }


class _OwnView(APIView):
    authentication_classes = [PortalSessionAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    def actor_and_box(self, request: Request) -> tuple[Actor, Mailbox]:
        actor = request_actor(request._request)
        return actor, mailbox_services.mailbox_of_user(user=actor.user)


OWN_PROBLEMS = {
    (401, PROBLEM): OpenApiResponse(ProblemSerializer, description="Not logged in."),
}


class OwnThreadListView(_OwnView):
    @extend_schema(
        operation_id="my_mailbox_threads",
        responses={200: OwnThreadSerializer(many=True), **OWN_PROBLEMS},
    )
    def get(self, request: Request) -> Response:
        """The inbox of the logged-in person's mailbox, newest activity first (the first
        100 threads)."""
        _actor, box = self.actor_and_box(request)
        rows = list(mailbox_selectors.mailbox_threads(mailbox=box)[:100])
        subjects = mailbox_selectors.subjects_open([row.thread for row in rows])
        return Response([_own_thread(row, subjects[row.thread_id]) for row in rows])


def _own_thread(row: Any, subject: str) -> dict[str, Any]:
    return {
        "id": row.thread_id,
        "subject": subject,
        "office": {"id": row.thread.office.pk, "name": row.thread.office.name},
        "unread": row.unread,
        "archived": row.archived,
        "last_activity_at": row.last_activity_at,
    }


class OwnThreadDetailView(_OwnView):
    @extend_schema(
        operation_id="my_mailbox_thread_get",
        parameters=[THREAD_ID],
        responses={
            200: OwnThreadDetailSerializer,
            **OWN_PROBLEMS,
            (404, PROBLEM): OpenApiResponse(
                ProblemSerializer, description="No such thread in your mailbox."
            ),
        },
    )
    def get(self, request: Request, thread_id: Any) -> Response:
        """One thread of the person's mailbox with its messages. As on the portal's page,
        reading is retrieving: what was delivered and not yet opened is retrieved now (an
        act only at the level of assurance it needs)."""
        actor, box = self.actor_and_box(request)
        view = mailbox_selectors.thread_view(actor=actor, mailbox=box, thread_id=thread_id)
        if mailbox_services.thread_open(actor=actor, thread=view.thread, mailbox=box):
            view = mailbox_selectors.thread_view(actor=actor, mailbox=box, thread_id=thread_id)
        participant = view.participant
        participant.unread = 0
        return Response(
            {
                **_own_thread(participant, view.subject),
                "messages": [
                    {
                        "id": m.message.pk,
                        "mine": m.mine,
                        "author": m.message.author_label,
                        "sent_at": m.message.sent_at,
                        "body": m.body,
                        "withheld": m.withheld,
                        "provision": None
                        if m.provision is None
                        else {
                            "status": m.provision.status,
                            "required_level": m.provision.required_level,
                            "notice_sent_at": m.provision.notice_sent_at,
                            "last_day": m.provision.last_day,
                            "ends_at": m.provision.ends_at,
                            "retrieved_at": m.provision.retrieved_at,
                            "notified_on": m.provision.notified_on,
                            "ended_at": m.provision.ended_at,
                        },
                        "attachments": [
                            {
                                "id": f.attachment.pk,
                                "position": f.attachment.position,
                                "name": f.name,
                                "content_type": f.attachment.content_type,
                                "size": f.attachment.size,
                                "scan_status": f.attachment.scan_status,
                                "url": request.build_absolute_uri(
                                    reverse(
                                        "api:v1:my-mailbox-attachment",
                                        args=[view.thread.pk, m.message.pk, f.attachment.pk],
                                    )
                                ),
                            }
                            for f in m.attachments
                        ],
                    }
                    for m in view.messages
                ],
            }
        )


OWN_NO_MESSAGE = {
    (404, PROBLEM): OpenApiResponse(
        ProblemSerializer, description="No such message in your mailbox, or no such file."
    )
}


class _OwnAttachmentView(_OwnView):
    def download(
        self, request: Request, thread_id: Any, message_id: Any, attachment_id: Any
    ) -> HttpResponseBase:
        actor, box = self.actor_and_box(request)
        message, files = mailbox_selectors.message_attachments(
            actor=actor, mailbox=box, thread_id=thread_id, message_id=message_id
        )
        return _attachment_download(
            actor=actor,
            mailbox=box,
            message=message,
            attachments=[f.attachment for f in files],
            attachment_id=attachment_id,
        )


class OwnAttachmentView(_OwnAttachmentView):
    @extend_schema(
        operation_id="my_mailbox_attachment_get",
        parameters=[THREAD_ID, MESSAGE_ID, ATTACHMENT_ID],
        responses={**FILE_RESPONSE, **OWN_PROBLEMS, **OWN_NO_MESSAGE, **NOT_READY},
    )
    def get(
        self, request: Request, thread_id: Any, message_id: Any, attachment_id: Any
    ) -> HttpResponseBase:
        """One file of a message in your mailbox, once scanned clean; as opening the
        thread, downloading retrieves what was delivered to you and not yet opened."""
        return self.download(request, thread_id, message_id, attachment_id)


class OwnAttachmentsView(_OwnAttachmentView):
    @extend_schema(
        operation_id="my_mailbox_attachments_zip",
        parameters=[THREAD_ID, MESSAGE_ID],
        responses={**ZIP_RESPONSE, **OWN_PROBLEMS, **OWN_NO_MESSAGE, **NOT_READY},
    )
    def get(self, request: Request, thread_id: Any, message_id: Any) -> HttpResponseBase:
        """All files of a message in your mailbox scanned clean, as one ZIP."""
        return self.download(request, thread_id, message_id, None)


SUBMISSION = rf"^submissions/(?P<id>{UUID_RE})/"
MESSAGE = rf"^mailbox/messages/(?P<message_id>{UUID_RE})/"
OWN_MESSAGE = rf"^my-mailbox/threads/(?P<thread_id>{UUID_RE})/messages/(?P<message_id>{UUID_RE})/"

# Included into the v1 patterns of rathaus.api.urls.
urlpatterns = [
    re_path(rf"{SUBMISSION}threads/$", CaseThreadsView.as_view(), name="submission-threads"),
    re_path(rf"{SUBMISSION}messages/$", CaseMessageSendView.as_view(), name="submission-messages"),
    re_path(rf"{SUBMISSION}acts/$", CaseActProvideView.as_view(), name="submission-acts"),
    path("mailbox/messages/", MessageListView.as_view(), name="mailbox-message-list"),
    re_path(rf"{MESSAGE}$", MessageDetailView.as_view(), name="mailbox-message"),
    re_path(rf"{MESSAGE}receipts/$", MessageReceiptsView.as_view(), name="mailbox-receipts"),
    re_path(
        rf"{MESSAGE}attachments/$", MessageAttachmentsView.as_view(), name="mailbox-attachments"
    ),
    re_path(
        rf"{MESSAGE}attachments/(?P<attachment_id>{UUID_RE})/$",
        MessageAttachmentView.as_view(),
        name="mailbox-attachment",
    ),
    re_path(
        rf"{MESSAGE}receipts/(?P<receipt_id>{UUID_RE})/bundle/$",
        MessageReceiptBundleView.as_view(),
        name="mailbox-receipt-bundle",
    ),
    path("mailbox/receipts/verify/", ReceiptVerifyView.as_view(), name="mailbox-receipt-verify"),
    path("my-mailbox/threads/", OwnThreadListView.as_view(), name="my-mailbox-threads"),
    re_path(
        rf"^my-mailbox/threads/(?P<thread_id>{UUID_RE})/$",
        OwnThreadDetailView.as_view(),
        name="my-mailbox-thread",
    ),
    re_path(
        rf"{OWN_MESSAGE}attachments/$", OwnAttachmentsView.as_view(), name="my-mailbox-attachments"
    ),
    re_path(
        rf"{OWN_MESSAGE}attachments/(?P<attachment_id>{UUID_RE})/$",
        OwnAttachmentView.as_view(),
        name="my-mailbox-attachment",
    ),
]
