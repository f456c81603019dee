"""The Postfach API: messages (with files) and acts of specialist systems to a case's
applicant, message state, content, files and receipts, receipt verification, and the citizen's
own mailbox; scopes and isolation (another municipality's token, another citizen: 404). Every
response is validated against the served OpenAPI document."""

import base64
import io
import json
import zipfile

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from openapi_schema_validator import OAS31Validator

from rathaus.accounts.selectors import consent_text_current
from rathaus.accounts.services import consent_give
from rathaus.core.actors import Actor
from rathaus.core.models import AuditEvent
from rathaus.mailbox import services
from rathaus.mailbox.attachments import attachment_rescan
from rathaus.mailbox.content import sha256_hex
from rathaus.mailbox.models import Message, MessageAttachment, Provision, Thread
from rathaus.mailbox.provisions import CONSENT_KEY
from tests.api.test_submissions_api import bearer_for, post
from tests.applications import upload_samples as samples
from tests.applications.inbox_data import make_submission
from tests.evidence.conftest import demo_seal  # noqa: F401 (a fixture)
from tests.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def config_key(settings, tmp_path):
    """A fresh configuration key (it encrypts the municipalities' KEKs); files in tmp."""
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def submission():
    return make_submission()


@pytest.fixture
def writer(submission):
    return bearer_for(submission.municipality, "mailbox:read", "mailbox:write", name="Schreiber")


@pytest.fixture
def reader(submission):
    return bearer_for(submission.municipality, "mailbox:read", name="Leser")


@pytest.fixture
def foreign():
    municipality = OfficeFactory().municipality
    return bearer_for(municipality, "mailbox:read", "mailbox:write", name="Fremd")


def send(api, submission, headers, **body):
    return post(api, f"/api/v1/submissions/{submission.pk}/messages/", body, **headers)


def act_body(level="substantial"):
    return {
        "subject": "Hundesteuerbescheid 2027",
        "body": "Festsetzung: 120 Euro.",
        "required_level": level,
        "document": {
            "name": "bescheid.pdf",
            "content": base64.b64encode(samples.pdf()).decode(),
        },
    }


def consent(user):
    consent_give(user=user, text=consent_text_current(key=CONSENT_KEY), language="de")


def test_a_message_starts_the_case_thread_and_the_next_replies_in_it(api, submission, writer):
    without_subject = send(api, submission, writer, body="Guten Tag")
    problem = api.assert_problem(without_subject, 400, "ValidationProblem")
    assert "subject" in problem["errors"]
    assert not Thread.objects.exists()

    first = send(api, submission, writer, subject="Ihr Antrag", body="Wir prüfen ihn.")
    assert first.status_code == 201, first.content
    state = first.json()
    assert state["direction"] == "outgoing"
    assert state["case"] == {"id": str(submission.case_id), "reference": submission.reference}
    assert state["deliveries"][0]["mailbox_kind"] == "person"
    assert state["retrieved_at"] is None and state["provision"] is None
    second = send(api, submission, writer, body="Noch eine Frage.").json()
    assert second["thread"] == state["thread"]

    threads = api.get(f"/api/v1/submissions/{submission.pk}/threads/", **writer)
    assert threads.status_code == 200
    [thread] = threads.json()
    assert thread["subject"] == "Ihr Antrag"
    assert [m["id"] for m in thread["messages"]] == [state["id"], second["id"]]
    assert "body" not in thread["messages"][0]  # state only; the content is read one by one

    # The applicant has it in their mailbox; the API client is recorded as itself.
    applicant_box = services.mailbox_of_user(user=submission.applicant)
    assert applicant_box.participations.get().unread == 2
    audit = AuditEvent.objects.filter(action="mailbox.message_send").latest("occurred_at")
    assert audit.actor_type == "api_client"

    unknown_thread = send(
        api, submission, writer, body="x", thread="00000000-0000-4000-8000-000000000000"
    )
    api.assert_problem(unknown_thread, 404)


def test_scopes_are_required(api, submission, reader):
    path = f"/api/v1/submissions/{submission.pk}/threads/"
    api.assert_problem(api.get(path), 401)
    applications_only = bearer_for(submission.municipality, "applications:read", name="Antrag")
    api.assert_problem(api.get(path, **applications_only), 403)
    assert api.get(path, **reader).status_code == 200
    api.assert_problem(send(api, submission, reader, subject="S", body="B"), 403)
    api.assert_problem(
        post(api, f"/api/v1/submissions/{submission.pk}/acts/", act_body(), **reader), 403
    )


def test_another_municipalitys_token_finds_nothing(api, submission, writer, foreign):
    message_id = send(api, submission, writer, subject="Ihr Antrag", body="Text").json()["id"]
    api.assert_problem(api.get(f"/api/v1/submissions/{submission.pk}/threads/", **foreign), 404)
    api.assert_problem(send(api, submission, foreign, subject="S", body="B"), 404)
    api.assert_problem(
        post(api, f"/api/v1/submissions/{submission.pk}/acts/", act_body(), **foreign), 404
    )
    api.assert_problem(api.get(f"/api/v1/mailbox/messages/{message_id}/", **foreign), 404)
    api.assert_problem(api.get(f"/api/v1/mailbox/messages/{message_id}/receipts/", **foreign), 404)
    assert api.get("/api/v1/mailbox/messages/", **foreign).json()["results"] == []
    assert Message.objects.count() == 1


def test_an_act_needs_the_applicants_consent(api, submission, writer):
    refused = post(api, f"/api/v1/submissions/{submission.pk}/acts/", act_body(), **writer)
    problem = api.assert_problem(refused, 409, "ConsentMissingProblem")
    assert problem["type"] == "urn:rathaus:problem:consent-missing"
    assert "41" in problem["detail"]  # names the rule and says to notify otherwise
    assert not Provision.objects.exists()

    not_pdf = act_body()
    not_pdf["document"]["content"] = base64.b64encode(b"plain text, no PDF").decode()
    consent(submission.applicant)
    bad = post(api, f"/api/v1/submissions/{submission.pk}/acts/", not_pdf, **writer)
    assert "document" in api.assert_problem(bad, 400, "ValidationProblem")["errors"]
    garbled = act_body()
    garbled["document"]["content"] = "not base64!"
    bad = post(api, f"/api/v1/submissions/{submission.pk}/acts/", garbled, **writer)
    assert "document" in api.assert_problem(bad, 400, "ValidationProblem")["errors"]


def test_an_act_provided_then_retrieved_by_the_citizen_shows_notified_on(
    api, client, submission, writer
):
    consent(submission.applicant)
    provided = post(api, f"/api/v1/submissions/{submission.pk}/acts/", act_body("low"), **writer)
    assert provided.status_code == 201, provided.content
    state = provided.json()
    assert state["provision"]["status"] == "open"
    assert state["provision"]["required_level"] == "low"
    assert state["provision"]["notified_on"] is None
    assert [a["content_type"] for a in state["attachments"]] == ["application/pdf"]

    # The applicant opens it through their own mailbox API: retrieved, notified tomorrow.
    client.force_login(submission.applicant)
    opened = api.get(f"/api/v1/my-mailbox/threads/{state['thread']}/")
    assert opened.status_code == 200, opened.content
    assert opened.json()["messages"][0]["body"] == "Festsetzung: 120 Euro."
    client.logout()

    after = api.get(f"/api/v1/mailbox/messages/{state['id']}/", **writer).json()
    assert after["provision"]["status"] == "retrieved"
    assert after["provision"]["notified_on"] is not None
    assert after["retrieved_at"] is not None
    assert after["retrieved_now"] is False  # the office opened nothing: it sent the act


def test_incoming_mail_is_a_work_queue_and_reading_it_retrieves_it(api, submission, writer):
    sent = send(api, submission, writer, subject="Ihr Antrag", body="Bitte antworten").json()
    thread = Thread.objects.get(pk=sent["thread"])
    applicant = submission.applicant
    reply = services.message_send(
        actor=Actor.person(applicant, level_of_assurance="substantial"),
        thread=thread,
        sender=services.mailbox_of_user(user=applicant),
        body="Hier ist meine Antwort.",
    )
    queue = api.get(
        "/api/v1/mailbox/messages/", {"direction": "incoming", "retrieved": "false"}, **writer
    ).json()
    assert [m["id"] for m in queue["results"]] == [str(reply.pk)]
    outgoing = api.get("/api/v1/mailbox/messages/", {"direction": "outgoing"}, **writer).json()
    assert [m["id"] for m in outgoing["results"]] == [sent["id"]]

    detail = api.get(f"/api/v1/mailbox/messages/{reply.pk}/", **writer)
    assert detail.status_code == 200
    body = detail.json()
    assert body["body"] == "Hier ist meine Antwort." and body["subject"] == "Ihr Antrag"
    assert body["direction"] == "incoming" and body["retrieved_now"] is True
    assert body["retrieved_at"] is not None
    assert AuditEvent.objects.filter(action="mailbox.message_retrieve").count() == 1

    queue = api.get(
        "/api/v1/mailbox/messages/", {"direction": "incoming", "retrieved": "false"}, **writer
    ).json()
    assert queue["results"] == []
    again = api.get(f"/api/v1/mailbox/messages/{reply.pk}/", **writer).json()
    assert again["retrieved_now"] is False
    bad = api.get("/api/v1/mailbox/messages/", {"direction": "sideways"}, **writer)
    api.assert_problem(bad, 400, "ValidationProblem")


@pytest.mark.usefixtures("demo_seal")
def test_receipts_can_be_fetched_and_verified(
    api, submission, writer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = send(api, submission, writer, subject="Ihr Antrag", body="Wir prüfen ihn.").json()
    state = api.get(f"/api/v1/mailbox/messages/{sent['id']}/", **writer).json()
    assert sorted(r["kind"] for r in state["receipts"]) == ["delivery", "dispatch"]

    listed = api.get(f"/api/v1/mailbox/messages/{sent['id']}/receipts/", **writer)
    assert listed.status_code == 200
    receipts = {r["kind"]: r for r in listed.json()}
    dispatch = receipts["dispatch"]
    document = json.loads(base64.b64decode(dispatch["receipt_json"]))
    assert document["message"] == sent["id"]

    bundle = api.get(dispatch["bundle_url"], validate=False, **writer)
    assert bundle.status_code == 200 and bundle["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        assert archive.read("receipt.json") == base64.b64decode(dispatch["receipt_json"])
    api.assert_problem(
        api.get(
            f"/api/v1/mailbox/messages/{sent['id']}/receipts/"
            "00000000-0000-4000-8000-000000000000/bundle/",
            **writer,
        ),
        404,
    )

    verify = "/api/v1/mailbox/receipts/verify/"
    fields = {k: dispatch[k] for k in ("receipt_json", "signature", "timestamp")}
    body_file = {"body": base64.b64encode("Wir prüfen ihn.".encode()).decode()}
    verdict = post(api, verify, {**fields, "files": body_file}, **writer).json()
    assert verdict["valid"] is True, verdict
    assert {c["name"] for c in verdict["checks"]} >= {"signature", "timestamp", "file:body"}

    wrong_body = {"body": base64.b64encode(b"Something else").decode()}
    verdict = post(api, verify, {**fields, "files": wrong_body}, **writer).json()
    assert verdict["valid"] is False
    assert [c["name"] for c in verdict["checks"] if not c["passed"]] == ["file:body"]

    tampered = document | {"body_sha256": "0" * 64}
    forged = base64.b64encode(json.dumps(tampered).encode()).decode()
    verdict = post(api, verify, {**fields, "receipt_json": forged}, **writer).json()
    assert verdict["valid"] is False

    garbled = post(api, verify, {**fields, "signature": "%%%"}, **writer)
    assert "signature" in api.assert_problem(garbled, 400, "ValidationProblem")["errors"]


def test_a_citizen_reads_only_their_own_mailbox(api, client, submission, writer):
    sent = send(api, submission, writer, subject="Ihr Antrag", body="Nur für Sie.").json()
    api.assert_problem(api.get("/api/v1/my-mailbox/threads/"), 401)

    other = UserFactory()
    client.force_login(other)
    assert api.get("/api/v1/my-mailbox/threads/").json() == []
    api.assert_problem(api.get(f"/api/v1/my-mailbox/threads/{sent['thread']}/"), 404)

    client.force_login(submission.applicant)
    [row] = api.get("/api/v1/my-mailbox/threads/").json()
    assert row["subject"] == "Ihr Antrag" and row["unread"] == 1
    thread = api.get(f"/api/v1/my-mailbox/threads/{sent['thread']}/").json()
    assert [m["body"] for m in thread["messages"]] == ["Nur für Sie."]
    assert thread["unread"] == 0
    # Opening through the API retrieved it, as the portal page does.
    state = api.get(f"/api/v1/mailbox/messages/{sent['id']}/", **writer).json()
    assert state["retrieved_at"] is not None


# --- Files ---


def b64_file(name, content):
    return {"name": name, "content": base64.b64encode(content).decode()}


def download(api, url, **headers):
    """A file download (openapi-core cannot check a binary body; errors are checked)."""
    response = api.get(url, validate=False, **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    return response


@pytest.mark.usefixtures("clamav")
def test_files_sent_are_listed_with_their_names_and_downloaded_as_sent(
    api, client, submission, writer
):
    pdf, png = samples.pdf(), samples.png()
    sent = send(
        api,
        submission,
        writer,
        subject="Ihr Antrag",
        body="Anbei der Bescheid und ein Foto.",
        attachments=[b64_file("Bescheid Müller.pdf", pdf), b64_file("foto.png", png)],
    )
    assert sent.status_code == 201, sent.content
    state = sent.json()
    files = state["attachments"]
    assert [(f["position"], f["content_type"]) for f in files] == [
        (1, "application/pdf"),
        (2, "image/png"),
    ]
    assert [f["sha256"] for f in files] == [sha256_hex(pdf), sha256_hex(png)]
    assert [f["size"] for f in files] == [len(pdf), len(png)]
    assert {f["scan_status"] for f in files} == {"clean"}
    # The applicant received them (the service stored what the API decoded).
    message = Message.objects.get(pk=state["id"])
    assert message.attachments.count() == 2

    first = download(api, files[0]["url"], **writer)
    assert first.content == pdf and first["Content-Type"] == "application/pdf"
    assert "Bescheid" in first["Content-Disposition"]
    assert download(api, files[1]["url"], **writer).content == png
    archive = download(api, f"/api/v1/mailbox/messages/{state['id']}/attachments/", **writer)
    assert archive["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        assert sorted(zipped.read(n) for n in zipped.namelist()) == sorted([pdf, png])
    # The names are content: the message's detail has them, the states (lists) do not.
    [thread] = api.get(f"/api/v1/submissions/{submission.pk}/threads/", **writer).json()
    assert thread["messages"][0]["attachments"] == files
    detail = api.get(f"/api/v1/mailbox/messages/{state['id']}/", **writer).json()
    assert detail["attachments"] == [
        {**files[0], "name": "Bescheid Müller.pdf"},
        {**files[1], "name": "foto.png"},
    ]

    # The applicant downloads them through their own mailbox API.
    client.force_login(submission.applicant)
    own = api.get(f"/api/v1/my-mailbox/threads/{state['thread']}/").json()
    [own_message] = own["messages"]
    assert [f["name"] for f in own_message["attachments"]] == ["Bescheid Müller.pdf", "foto.png"]
    assert download(api, own_message["attachments"][1]["url"]).content == png
    own_zip = download(
        api, f"/api/v1/my-mailbox/threads/{state['thread']}/messages/{state['id']}/attachments/"
    )
    with zipfile.ZipFile(io.BytesIO(own_zip.content)) as zipped:
        assert sorted(zipped.read(n) for n in zipped.namelist()) == sorted([pdf, png])
    # Someone else gets nothing.
    client.force_login(UserFactory())
    api.assert_problem(api.get(own_message["attachments"][1]["url"]), 404)


@pytest.mark.usefixtures("clamav")
def test_downloading_a_citizens_file_retrieves_the_message(api, submission, writer):
    sent = send(api, submission, writer, subject="Ihr Antrag", body="Bitte Nachweis senden").json()
    thread = Thread.objects.get(pk=sent["thread"])
    applicant = submission.applicant
    reply = services.message_send(
        actor=Actor.person(applicant, level_of_assurance="substantial"),
        thread=thread,
        sender=services.mailbox_of_user(user=applicant),
        body="Hier der Nachweis.",
        uploads=[SimpleUploadedFile("nachweis.pdf", samples.pdf())],
    )
    queue = "/api/v1/mailbox/messages/"
    unread = {"direction": "incoming", "retrieved": "false"}
    [listed] = api.get(queue, unread, **writer).json()["results"]
    assert [f["content_type"] for f in listed["attachments"]] == ["application/pdf"]

    assert download(api, listed["attachments"][0]["url"], **writer).content == samples.pdf()
    assert api.get(queue, unread, **writer).json()["results"] == []
    assert Message.objects.get(pk=reply.pk).deliveries.get().retrieved_at is not None


@pytest.mark.usefixtures("clamav")
def test_refused_files_stop_the_message(api, submission, writer):
    def refused(*attachments, status=400):
        response = send(
            api, submission, writer, subject="Ihr Antrag", body="Anbei", attachments=attachments
        )
        problem = api.assert_problem(response, status, "ValidationProblem")
        assert list(problem["errors"]) == ["attachments"], problem
        return problem["errors"]["attachments"]

    [virus] = refused(
        b64_file("ok.png", samples.png()), b64_file("bescheid.pdf", samples.eicar_in_pdf())
    )
    assert "bescheid.pdf" in virus
    [packed] = refused(b64_file("unterlagen.zip", samples.plain_zip()))
    assert "ZIP" in packed
    [garbled] = refused(b64_file("a.pdf", b"x"), {"name": "b.pdf", "content": "no base64!"})
    assert garbled.startswith(("File 2:", "Datei 2:"))
    assert len(refused({"name": "a.pdf"}, "text")) == 2  # each malformed entry named once
    assert refused(*[b64_file(f"{n}.png", samples.png()) for n in range(11)])
    assert not Message.objects.exists() and not Thread.objects.exists()
    assert not MessageAttachment.objects.exists()


def test_a_file_waits_for_the_scan_before_it_can_be_downloaded(
    api, submission, writer, settings, tmp_path, clamd_url
):
    settings.RATHAUS_CLAMAV_URL = f"unix://{tmp_path}/no-clamd.sock"  # no scanner answers
    settings.RATHAUS_CLAMAV_TIMEOUT_SECONDS = 2
    sent = send(
        api,
        submission,
        writer,
        subject="Ihr Antrag",
        body="Anbei",
        attachments=[b64_file("bescheid.pdf", samples.pdf())],
    )
    assert sent.status_code == 201, sent.content  # sent; the file stays closed until scanned
    [file] = sent.json()["attachments"]
    assert file["scan_status"] == "pending"
    zip_url = f"/api/v1/mailbox/messages/{sent.json()['id']}/attachments/"
    for url in (file["url"], zip_url):
        problem = api.assert_problem(api.get(url, **writer), 409, "AttachmentNotReadyProblem")
        assert problem["type"] == "urn:rathaus:problem:attachment-not-ready"
        assert problem["scan_status"] == "pending"

    settings.RATHAUS_CLAMAV_URL = clamd_url  # the outbox's next scan gets a verdict
    attachment_rescan(attachment_id=file["id"])
    assert download(api, file["url"], **writer).content == samples.pdf()
    state = api.get(f"/api/v1/mailbox/messages/{sent.json()['id']}/", **writer).json()
    assert state["attachments"][0]["scan_status"] == "clean"


@pytest.mark.usefixtures("clamav")
def test_another_municipality_cannot_download(api, submission, writer, foreign):
    sent = send(
        api,
        submission,
        writer,
        subject="Ihr Antrag",
        body="Anbei",
        attachments=[b64_file("bescheid.pdf", samples.pdf())],
    ).json()
    [file] = sent["attachments"]
    api.assert_problem(api.get(file["url"], **foreign), 404)
    api.assert_problem(
        api.get(f"/api/v1/mailbox/messages/{sent['id']}/attachments/", **foreign), 404
    )
    unknown = f"/api/v1/mailbox/messages/{sent['id']}/attachments/{sent['thread']}/"
    api.assert_problem(api.get(unknown, **writer), 404)
    without_files = send(api, submission, writer, body="Ohne Anhang").json()
    api.assert_problem(
        api.get(f"/api/v1/mailbox/messages/{without_files['id']}/attachments/", **writer), 404
    )
    reader_only = bearer_for(submission.municipality, "applications:read", name="Antrag")
    api.assert_problem(api.get(file["url"], **reader_only), 403)


@pytest.mark.usefixtures("clamav")
def test_files_can_be_sent_as_multipart_form_data(api, submission, writer):
    response = api.client.post(
        f"/api/v1/submissions/{submission.pk}/messages/",
        {
            "subject": "Ihr Antrag",
            "body": "Anbei",
            "attachments": [
                SimpleUploadedFile("bescheid.pdf", samples.pdf()),
                SimpleUploadedFile("foto.png", samples.png()),
            ],
        },
        **writer,
    )
    assert response.status_code == 201, response.content
    # The answer is checked against its schema (openapi-core would read the consumed body).
    components = api.document["components"]
    OAS31Validator(
        {"$ref": "#/components/schemas/MessageState", "components": components}
    ).validate(response.json())
    files = response.json()["attachments"]
    assert [f["content_type"] for f in files] == ["application/pdf", "image/png"]
    assert download(api, files[1]["url"], **writer).content == samples.png()
    detail = api.get(f"/api/v1/mailbox/messages/{response.json()['id']}/", **writer).json()
    assert [f["name"] for f in detail["attachments"]] == ["bescheid.pdf", "foto.png"]


@pytest.mark.usefixtures("clamav")
def test_the_message_list_shows_files_without_a_query_per_message(
    api, submission, writer, count_queries
):
    def add(number):
        for n in range(number):  # message n carries n + 1 files
            files = [b64_file(f"anlage-{k}.png", samples.png()) for k in range(n + 1)]
            send(api, submission, writer, subject="Ihr Antrag", body="Anbei", attachments=files)

    add(1)
    with count_queries() as ctx:
        assert len(api.get("/api/v1/mailbox/messages/", **writer).json()["results"]) == 1
    queries = len(ctx)
    add(3)
    with count_queries() as ctx:
        results = api.get("/api/v1/mailbox/messages/", **writer).json()["results"]
    assert [[a["position"] for a in r["attachments"]] for r in results] == [
        [1, 2, 3],
        [1, 2],
        [1],
        [1],
    ]
    assert len(ctx) <= queries
