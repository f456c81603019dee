"""`POST /api/v1/mailbox/batches/`: a specialist system's batch of messages to the applicants
of many submissions — sent all or none, each message as a single send makes it (thread,
delivery, unread count, audit, receipts), its rows written together (the statements do not
grow with the batch); a batch with messages not right names each and sends nothing. Every
response is validated against the served OpenAPI document."""

import json

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openapi_schema_validator import OAS31Validator

from rathaus.core.models import AuditEvent, OutboxMessage
from rathaus.core.outbox_runner import outbox_drain
from rathaus.mailbox import services
from rathaus.mailbox.models import Message, MessageAttachment, MessageReceipt, Thread
from tests.api.test_mailbox_api import b64_file, download, send
from tests.api.test_submissions_api import bearer_for, post
from tests.applications import upload_samples as samples
from tests.applications.inbox_data import make_submission
from tests.evidence.conftest import demo_seal  # noqa: F401 (a fixture)
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db
BATCH = "/api/v1/mailbox/batches/"


@pytest.fixture(autouse=True)
def config_key(settings, tmp_path):
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def office():
    return OfficeFactory()


@pytest.fixture
def submissions(office):
    return [make_submission(office=office) for _ in range(6)]


@pytest.fixture
def writer(office):
    return bearer_for(office.municipality, "mailbox:read", "mailbox:write", name="Steuer")


def item(submission, **fields):
    return {"submission": str(submission.pk), "body": "Ihr Bescheid liegt bereit.", **fields}


@pytest.mark.usefixtures("clamav", "demo_seal")
def test_a_batch_sends_each_message_as_a_single_send_would(api, submissions, writer):
    first, second, third = submissions[:3]
    earlier = send(api, first, writer, subject="Ihr Antrag", body="Eine Frage").json()
    response = post(
        api,
        BATCH,
        {
            "messages": [
                item(first, attachments=[b64_file("bescheid.pdf", samples.pdf())]),
                item(second, subject="Grundsteuer 2027"),
                item(third, subject="Grundsteuer 2027", body="Zweite Seite folgt."),
                item(third, subject="ignored: the thread exists", body="Seite zwei."),
            ]
        },
        **writer,
    )
    assert response.status_code == 201, response.content
    sent = response.json()["messages"]
    assert [m["submission"] for m in sent] == [str(s.pk) for s in (first, second, third, third)]
    assert sent[0]["thread"] == earlier["thread"]  # a reply in the case's thread
    assert sent[2]["thread"] == sent[3]["thread"] != sent[1]["thread"]  # one new thread a case
    assert Thread.objects.get(pk=sent[1]["thread"]).case_id == second.case_id
    # Two messages of one batch into one thread keep their order.
    third_thread = Thread.objects.get(pk=sent[2]["thread"])
    in_order = third_thread.messages.order_by("sent_at", "pk").values_list("pk", flat=True)
    assert [str(pk) for pk in in_order] == [sent[2]["id"], sent[3]["id"]]

    # Each applicant has it in their mailbox, unread, as from a single send.
    for submission, unread in ((first, 2), (second, 1), (third, 2)):
        box = services.mailbox_of_user(user=submission.applicant)
        assert box.participations.get().unread == unread
    state = api.get(sent[0]["url"].removeprefix("http://testserver"), **writer).json()
    assert state["body"] == "Ihr Bescheid liegt bereit."
    assert [a["content_type"] for a in state["attachments"]] == ["application/pdf"]
    assert download(api, state["attachments"][0]["url"], **writer).content == samples.pdf()
    assert AuditEvent.objects.filter(action="mailbox.message_send").count() == 5
    assert AuditEvent.objects.filter(action="mailbox.thread_start").count() == 3
    audit = AuditEvent.objects.filter(action="mailbox.message_send").latest("id")
    assert audit.actor_type == "api_client"
    assert audit.details["attachments"] == []

    # Receipts and e-mails follow from the outbox for every message of the batch.
    while outbox_drain(batch_size=50, limit=50):
        pass
    for message_id in (m["id"] for m in sent):
        kinds = set(
            MessageReceipt.objects.filter(message_id=message_id).values_list("kind", flat=1)
        )
        assert kinds == {"dispatch", "delivery"}


def test_the_statements_of_a_batch_do_not_grow_with_it(api, submissions, writer):
    def batch(chosen):
        with CaptureQueriesContext(connection) as queries:
            response = post(
                api,
                BATCH,
                {"messages": [item(s, subject="Erinnerung") for s in chosen]},
                **writer,
            )
        assert response.status_code == 201, response.content
        return len(queries)

    batch(submissions[:1])  # the office's mailbox, its key-encryption key: made once
    assert batch(submissions[1:3]) == batch(submissions[3:])  # 2 new threads, then 3


def test_a_batch_with_messages_not_right_names_each_and_sends_nothing(api, submissions, writer):
    elsewhere = make_submission()  # another municipality's: unknown to this client
    response = post(
        api,
        BATCH,
        {
            "messages": [
                item(submissions[0], subject="Gut"),
                item(submissions[1], subject="Leer", body="   "),
                item(elsewhere, subject="Fremd"),
                item(submissions[2]),  # no thread yet and no subject
                item(submissions[3], subject="S", attachments=[b64_file("x.exe", samples.exe())]),
                item(submissions[4], subject="S", thread="00000000-0000-4000-8000-000000000000"),
                {"body": "ohne Antrag"},
            ]
        },
        **writer,
    )
    problem = api.assert_problem(response, 400, "ValidationProblem")
    assert problem["type"] == "urn:rathaus:problem:batch-refused"
    assert sorted(problem["errors"]) == [
        "messages[1].body",
        "messages[2].submission",
        "messages[3].subject",
        "messages[4].attachments",
        "messages[5].thread",
        "messages[6].submission",
    ]
    assert not Message.objects.exists() and not Thread.objects.exists()
    assert not MessageAttachment.objects.exists()
    assert not OutboxMessage.objects.filter(topic__startswith="mailbox.").exists()

    for body in ({"messages": []}, {"messages": [item(submissions[0])] * 51}, {}, {"messages": 1}):
        refused = post(api, BATCH, body, **writer)
        assert "messages" in api.assert_problem(refused, 400, "ValidationProblem")["errors"]


@pytest.mark.usefixtures("clamav")
def test_files_of_a_batch_can_be_sent_as_multipart_parts(api, submissions, writer):
    first, second = submissions[:2]
    response = api.client.post(
        BATCH,
        {
            "messages": json.dumps(
                [item(first, subject="Bescheid"), item(second, subject="Bescheid")]
            ),
            "attachments.0": [
                SimpleUploadedFile("bescheid.pdf", samples.pdf()),
                SimpleUploadedFile("foto.png", samples.png()),
            ],
            "attachments.1": SimpleUploadedFile("anlage.png", samples.png()),
        },
        **writer,
    )
    assert response.status_code == 201, response.content
    components = api.document["components"]
    OAS31Validator({"$ref": "#/components/schemas/BatchResult", "components": components}).validate(
        response.json()
    )
    sent = response.json()["messages"]
    files = [
        list(
            Message.objects.get(pk=m["id"])
            .attachments.order_by("position")
            .values_list("content_type", flat=True)
        )
        for m in sent
    ]
    assert files == [["application/pdf", "image/png"], ["image/png"]]
    detail = api.get(f"/api/v1/mailbox/messages/{sent[1]['id']}/", **writer).json()
    assert download(api, detail["attachments"][0]["url"], **writer).content == samples.png()

    garbled = api.client.post(BATCH, {"messages": "[not json"}, **writer)
    assert "messages" in api.assert_problem(garbled, 400, "ValidationProblem")["errors"]

    # A file that would go with no message is refused, never dropped; so are files in the JSON.
    one = json.dumps([item(first)])
    for extra, key in (
        ({"attachments": SimpleUploadedFile("a.png", samples.png())}, "attachments"),
        ({"attachments.1": SimpleUploadedFile("a.png", samples.png())}, "attachments.1"),
    ):
        stray = api.client.post(BATCH, {"messages": one, **extra}, **writer)
        assert list(api.assert_problem(stray, 400, "ValidationProblem")["errors"]) == [key]
    inline = [item(first, attachments=[b64_file("a.png", samples.png())])]
    mixed = api.client.post(
        BATCH,
        {
            "messages": json.dumps(inline),
            "attachments.0": SimpleUploadedFile("b.png", samples.png()),
        },
        **writer,
    )
    errors = api.assert_problem(mixed, 400, "ValidationProblem")["errors"]
    assert list(errors) == ["messages[0].attachments"]
    assert Message.objects.count() == 2  # the first batch's only


def test_a_batch_too_large_in_all_is_refused(api, submissions, writer, settings):
    settings.RATHAUS_UPLOAD_MAX_TOTAL_BYTES = len(samples.pdf()) * 2
    pdf = b64_file("bescheid.pdf", samples.pdf())
    body = {"messages": [item(s, subject="S", attachments=[pdf]) for s in submissions[:3]]}
    problem = api.assert_problem(post(api, BATCH, body, **writer), 400, "ValidationProblem")
    assert list(problem["errors"]) == ["messages"]  # the batch as a whole: send smaller ones
    assert not Message.objects.exists()


def test_the_write_scope_is_needed(api, submissions, office):
    reader = bearer_for(office.municipality, "mailbox:read", name="Leser")
    api.assert_problem(post(api, BATCH, {"messages": [item(submissions[0])]}), 401)
    api.assert_problem(post(api, BATCH, {"messages": [item(submissions[0])]}, **reader), 403)
    assert not Message.objects.exists()
