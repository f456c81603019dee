"""`/api/v1/submissions/`: scopes, municipality isolation, acknowledgement, status, files;
every response validated against the served OpenAPI document."""

import datetime as dt
import json

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from rathaus.apitokens.services import client_create, token_issue
from rathaus.applications.models import Attachment
from rathaus.cases.models import Case
from rathaus.cases.services import document_request_create
from rathaus.core.actors import Actor, actor_of
from rathaus.core.models import AuditEvent
from rathaus.staff.models import Role
from tests.applications.inbox_data import PDF, add_attachment, make_submission
from tests.factories import OfficeFactory
from tests.staff.people import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def submission():
    return make_submission()


def bearer_for(municipality, *scopes, name="Fachverfahren"):
    system = Actor.system("tests")
    client = client_create(actor=system, name=name, municipality=municipality, scopes=list(scopes))
    return {"HTTP_AUTHORIZATION": f"Bearer {token_issue(actor=system, client=client).plaintext}"}


@pytest.fixture
def reader(submission):
    return bearer_for(submission.municipality, "applications:read", name="Leser")


@pytest.fixture
def writer(submission):
    return bearer_for(submission.municipality, "applications:read", "applications:write")


def post(api, path, body=None, **headers):
    response = api.client.post(
        path, json.dumps(body or {}), content_type="application/json", **headers
    )
    api.validate(response)
    return response


def test_list_shows_only_the_municipality_and_filters(api, submission, reader, count_queries):
    make_submission()  # another municipality
    second = make_submission(office=submission.office)
    Case.objects.filter(pk=second.case_id).update(acknowledged_at=timezone.now())
    with count_queries() as ctx:
        response = api.get("/api/v1/submissions/", **reader)
    assert response.status_code == 200
    body = response.json()
    assert [item["reference"] for item in body["results"]] == [  # newest first
        second.reference,
        submission.reference,
    ]
    queries = len(ctx)
    for _ in range(3):
        make_submission(office=submission.office)
    with count_queries() as ctx:
        assert len(api.get("/api/v1/submissions/", **reader).json()["results"]) == 5
    assert len(ctx) <= queries  # no query per submission (the first also records the token use)

    open_ = api.get("/api/v1/submissions/", {"acknowledged": "false"}, **reader).json()
    assert second.reference not in [item["reference"] for item in open_["results"]]
    since = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    assert api.get("/api/v1/submissions/", {"since": since}, **reader).json()["results"] == []
    assert api.get("/api/v1/submissions/", {"status": "closed"}, **reader).json()["results"] == []
    bad = api.get("/api/v1/submissions/", {"status": "nope"}, **reader)
    api.assert_problem(bad, 400, "ValidationProblem")


def test_scopes_are_required(api, submission):
    api.assert_problem(api.get("/api/v1/submissions/"), 401)
    catalog_only = bearer_for(submission.municipality, "catalog:read")
    api.assert_problem(api.get("/api/v1/submissions/", **catalog_only), 403)
    reader = bearer_for(submission.municipality, "applications:read", name="Leser")
    path = f"/api/v1/submissions/{submission.pk}/acknowledge/"
    assert post(api, path, **reader).status_code == 403


def test_detail_of_another_municipality_is_404(api, submission):
    foreign = bearer_for(OfficeFactory().municipality, "applications:read", "applications:write")
    response = api.get(f"/api/v1/submissions/{submission.pk}/", **foreign)
    api.assert_problem(response, 404)
    response = post(
        api, f"/api/v1/submissions/{submission.pk}/status/", {"status": "closed"}, **foreign
    )
    assert response.status_code == 404


def test_detail_carries_data_files_and_history(api, submission, reader):
    clean = add_attachment(submission)
    add_attachment(submission, name="wait.pdf", scan_status=Attachment.ScanStatus.PENDING)
    clerk = make_staff("clerk", (submission.office, Role.CASE_WORKER))
    document_request_create(
        case=submission.case,
        message="Bitte Nachweis",
        deadline=timezone.localdate() + dt.timedelta(days=7),
        actor=actor_of(clerk),
    )
    response = api.get(f"/api/v1/submissions/{submission.pk}/", **reader)
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == submission.data
    assert body["schema_version"] == submission.schema_version
    assert body["payment"] is None and body["receipt_url"] is None
    assert [s["status"] for s in body["status_history"]] == ["submitted", "query"]
    assert body["document_requests"][0]["message"] == "Bitte Nachweis"
    files = {a["name"]: a for a in body["attachments"]}
    assert files["nachweis.pdf"]["sha256"] == clean.sha256
    assert files["wait.pdf"]["scan_status"] == "pending"

    # Binary bodies are checked here, not by openapi-core (it validates text only).
    download = api.get(files["nachweis.pdf"]["download_url"], validate=False, **reader)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    waiting = api.get(files["wait.pdf"]["download_url"], **reader)
    body = api.assert_problem(waiting, 409, "AttachmentNotReadyProblem")
    assert body["scan_status"] == "pending"
    assert body["type"] == "urn:rathaus:problem:attachment-not-ready"


def test_receipt_download(api, submission, reader):
    api.assert_problem(api.get(f"/api/v1/submissions/{submission.pk}/receipt/", **reader), 404)
    submission.receipt.save("r.pdf", ContentFile(PDF), save=True)
    detail = api.get(f"/api/v1/submissions/{submission.pk}/", **reader).json()
    assert detail["receipt_url"].endswith(f"/api/v1/submissions/{submission.pk}/receipt/")
    response = api.get(f"/api/v1/submissions/{submission.pk}/receipt/", validate=False, **reader)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_file_downloads_are_documented_as_binary(served_document):
    paths = served_document["paths"]
    attachment = paths["/api/v1/submissions/{id}/attachments/{attachment_id}/"]["get"]
    receipt = paths["/api/v1/submissions/{id}/receipt/"]["get"]
    assert attachment["responses"]["200"]["content"]["*/*"]["schema"]["format"] == "binary"
    assert set(attachment["responses"]) >= {"401", "403", "404", "409"}
    assert receipt["responses"]["200"]["content"]["application/pdf"]["schema"]["format"] == "binary"
    assert paths["/api/v1/submissions/"]["get"]["security"] == [{"ApiToken": []}]


def test_acknowledge_is_idempotent(api, submission, writer):
    path = f"/api/v1/submissions/{submission.pk}/acknowledge/"
    first = post(api, path, **writer)
    assert first.status_code == 200
    assert first.json()["acknowledged_by"] == "Fachverfahren"
    second = post(api, path, **writer)
    assert second.json()["acknowledged_at"] == first.json()["acknowledged_at"]
    assert AuditEvent.objects.filter(action="submission.acknowledge").count() == 1


def test_status_change_and_refused_transition(api, submission, writer):
    path = f"/api/v1/submissions/{submission.pk}/status/"
    response = post(api, path, {"status": "decided", "note": "Bescheid erlassen"}, **writer)
    assert response.status_code == 200
    assert response.json()["status"] == "decided"
    submission.case.refresh_from_db()
    assert submission.case.status == "decided"
    refused = post(api, path, {"status": "in_progress"}, **writer)
    body = api.assert_problem(refused, 409)
    assert body["type"] == "urn:rathaus:problem:status-transition-not-allowed"
    invalid = post(api, path, {"status": "bogus"}, **writer)
    api.assert_problem(invalid, 400, "ValidationProblem")
