"""`POST /api/v1/mailbox/batches/`: a specialist system sends up to 50 messages to the
applicants of as many submissions in one request (`rathaus.mailbox.batches`): all are
checked (text, thread, each file's type, size and virus scan) before any is sent, and a batch
with one message not right is refused as a whole, naming each such message
(`errors["messages[3].body"]`).

As JSON, files are `{name, content (base64)}` objects in each message's `attachments` (the
whole body at most DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB by default: 413 beyond); as
multipart/form-data, the part `messages` holds the same JSON array without files and the
files of message i are parts named `attachments.i` (at most DATA_UPLOAD_MAX_NUMBER_FILES in
one request, 100 by default)."""

import json
from typing import Any

from django.db.models import F
from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rathaus.api.authentication import ApiTokenAuthentication, HasScope, api_actor
from rathaus.api.mailbox import WRITE, MessageSendRequestSerializer
from rathaus.api.problems import Problem, token_problem_responses
from rathaus.cases.models import Case
from rathaus.core.actors import Actor
from rathaus.mailbox.services import BATCH_MAX, BatchRefused, CaseMessage, case_messages_send


class BatchMessageSerializer(MessageSendRequestSerializer):
    submission = serializers.UUIDField(help_text="The submission whose applicant it goes to.")


class BatchRequestSerializer(serializers.Serializer[Any]):
    messages = BatchMessageSerializer(
        many=True,
        help_text=f"1 to {BATCH_MAX} messages, each as `POST /submissions/{{id}}/messages/` "
        "takes it, with the submission's id.",
    )


class BatchFormSerializer(serializers.Serializer[Any]):
    """The batch as multipart/form-data."""

    messages = serializers.CharField(
        help_text="The messages as a JSON array (as in the JSON body, without `attachments`); "
        "the files of the first message are parts named `attachments.0`, of the second "
        "`attachments.1`, and so on."
    )


class BatchMessageResultSerializer(serializers.Serializer[Any]):
    submission = serializers.UUIDField()
    id = serializers.UUIDField(help_text="The message.")
    thread = serializers.UUIDField()
    url = serializers.URLField(help_text="Its state: delivered, retrieved, receipts.")


class BatchResultSerializer(serializers.Serializer[Any]):
    messages = BatchMessageResultSerializer(many=True, help_text="In the order sent.")


class MessageBatchView(APIView):
    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [HasScope.of(WRITE)]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="mailbox_batch_send",
        request={
            "application/json": BatchRequestSerializer,
            "multipart/form-data": BatchFormSerializer,
        },
        responses={
            201: BatchResultSerializer,
            **token_problem_responses(
                **{
                    "400": 'A message not right (`errors["messages[i].field"]`: its text, '
                    "an unknown submission or thread, a file refused) or the batch empty or "
                    f"larger than {BATCH_MAX}: nothing was sent.",
                    "413": "The request body is too large (send files as multipart/form-data).",
                }
            ),
        },
    )
    def post(self, request: Request) -> Response:
        """Send several messages of the offices to the applicants of their submissions at
        once: each a reply in its case's thread (or in `thread`) or a new thread with
        `subject`, with its files; checked and scanned all before any is sent, all or none.
        Receipts, e-mails and webhooks follow for each message as for a single one."""
        actor = api_actor(request)
        items = self._items(request, actor)
        try:
            sent = case_messages_send(actor=actor, items=items)
        except BatchRefused as refused:
            raise _refused(
                {
                    f"messages[{position}].{field}": texts
                    for position, fields in refused.errors.items()
                    for field, texts in fields.items()
                }
            ) from refused
        return Response(
            {
                "messages": [
                    {
                        "submission": item.case.submission_pk,
                        "id": message.pk,
                        "thread": message.thread_id,
                        "url": request.build_absolute_uri(
                            reverse("api:v1:mailbox-message", args=[message.pk])
                        ),
                    }
                    for item, message in zip(items, sent, strict=True)
                ]
            },
            status=status.HTTP_201_CREATED,
        )

    def _items(self, request: Request, actor: Actor) -> list[CaseMessage]:
        """The batch's messages with their cases (None for an unknown submission), those
        that do not read with their field errors; ValidationError when `messages` is no list
        of 1 to BATCH_MAX."""
        raw, files = _raw_messages(request)
        if not isinstance(raw, list) or not 1 <= len(raw) <= BATCH_MAX:
            raise _refused(
                {
                    "messages": [
                        _("Please send 1 to %(max)d messages as a list.") % {"max": BATCH_MAX}
                    ]
                }
            )
        if files is not None:
            stray = set(files) - {f"attachments.{n}" for n in range(len(raw))}
            if stray:  # a file that would go with no message is refused, never dropped
                raise _refused(
                    {
                        name: [
                            _(
                                "This file part belongs to no message: the files of the "
                                "first message are parts named attachments.0, of the second "
                                "attachments.1, and so on."
                            )
                        ]
                        for name in sorted(stray)
                    }
                )
        read: list[dict[str, Any]] = []  # per message its data, or its errors
        valid: list[bool] = []
        for position, data in enumerate(raw):
            misplaced = files is not None and isinstance(data, dict) and "attachments" in data
            if files is not None and isinstance(data, dict):
                data = {**data, "attachments": []}
            body = BatchMessageSerializer(data=data)
            ok = body.is_valid() and not misplaced
            valid.append(ok)
            if ok:
                if files is not None:
                    body.validated_data["attachments"] = files.getlist(f"attachments.{position}")
                read.append(body.validated_data)
                continue
            errors = {field: [str(t) for t in texts] for field, texts in body.errors.items()}
            if misplaced:
                errors["attachments"] = [
                    _(
                        "In a multipart batch the files are parts named attachments.%(n)d, "
                        "not part of the JSON."
                    )
                    % {"n": position}
                ]
            read.append(errors)
        cases = _cases(
            actor, {data["submission"] for data, ok in zip(read, valid, strict=True) if ok}
        )
        return [
            CaseMessage(
                case=cases.get(data["submission"]),
                body=data["body"],
                subject=data["subject"],
                thread_id=data["thread"],
                uploads=data["attachments"],
            )
            if ok
            else CaseMessage(case=None, unreadable=data)
            for data, ok in zip(read, valid, strict=True)
        ]


def _raw_messages(request: Request) -> tuple[Any, Any]:
    """The `messages` of the request and, for a multipart body, its files (else None)."""
    if (request.content_type or "").startswith("multipart/"):
        try:
            form: Any = request.data
            return json.loads(form.get("messages") or ""), request.FILES
        except ValueError:
            return None, request.FILES
    data = request.data
    return (data.get("messages") if isinstance(data, dict) else None), None


def _cases(actor: Actor, submission_ids: set[Any]) -> dict[Any, Case]:
    """The cases of the submissions `submission_ids` of the client's municipality, by
    submission id (`case.submission_pk`)."""
    if actor.municipality_id is None or not submission_ids:
        return {}
    found = (
        Case.objects.select_related("office", "municipality")
        .filter(municipality_id=actor.municipality_id, submission__pk__in=submission_ids)
        .annotate(submission_pk=F("submission__pk"))
    )
    return {case.submission_pk: case for case in found}


def _refused(errors: dict[str, Any]) -> Problem:
    return Problem(
        status_code=status.HTTP_400_BAD_REQUEST,
        problem_type="batch-refused",
        title=_("Batch refused"),
        detail=_("The batch was refused, nothing was sent: `errors` names what is not right."),
        errors=errors,
    )


# Included into the v1 patterns of rathaus.api.urls.
urlpatterns = [path("mailbox/batches/", MessageBatchView.as_view(), name="mailbox-batch")]
