"""The E-Akte API for specialist systems (issue 11 §7): files created with the next file
reference, listed and read with their cases and documents; closed and reopened; cases filed;
documents and versions added as base64 JSON or multipart, checked and scanned by a real clamd;
contents downloaded hash-checked and audited with the client as the actor; full-text search.
Scopes (401 without a token, 403 without the scope) and isolation (another municipality's
files, documents and cases: 404). Every response is validated against the served OpenAPI
document."""

import base64
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openapi_schema_validator import OAS31Validator

from rathaus.core.actors import Actor
from rathaus.core.models import AuditEvent
from rathaus.core.outbox_runner import outbox_drain
from rathaus.records import services
from rathaus.records.content import records_storage
from rathaus.records.models import CaseFiling, Document, FilePlanItem, StoredContent
from tests.api.test_submissions_api import bearer_for, post
from tests.applications import upload_samples as samples
from tests.applications.inbox_data import make_submission
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")
PLAN = (
    "Nummer;Übergeordnet;Titel;Aufbewahrungsfrist (Jahre);Archivierung\n"
    "9;;Finanzen;;B\n"
    "963;9;Hundesteuer;10;V\n"
    "964;9;Vergnügungssteuer;10;V\n"
)
FILES = "/api/v1/records/files/"


@pytest.fixture
def submission(media_root):
    submission = make_submission()
    services.file_plan_import(actor=SYSTEM, municipality=submission.municipality, data=PLAN)
    return submission


@pytest.fixture
def office(submission):
    return submission.office


@pytest.fixture
def writer(submission):
    return bearer_for(submission.municipality, "records:read", "records:write", name="Schreiber")


@pytest.fixture
def reader(submission):
    return bearer_for(submission.municipality, "records:read", name="Leser")


@pytest.fixture
def foreign_office(media_root):
    office = OfficeFactory()
    services.file_plan_import(actor=SYSTEM, municipality=office.municipality, data=PLAN)
    return office


@pytest.fixture
def foreign(foreign_office):
    municipality = foreign_office.municipality
    return bearer_for(municipality, "records:read", "records:write", name="Fremd")


def create(api, headers, office, *, plan_item="963", title="Hundesteuer 2026", year=2026):
    body = {"office": office.slug, "plan_item": plan_item, "title": title}
    if year is not None:
        body["year"] = year
    return post(api, FILES, body, **headers)


@pytest.fixture
def record(api, writer, office):
    response = create(api, writer, office)
    assert response.status_code == 201, response.content
    return response.json()


def b64_file(name, content):
    return {"name": name, "content": base64.b64encode(content).decode()}


def add_document(api, headers, file_id, content, *, name="antrag.pdf", **fields):
    body = {"title": "Antrag", "kind": "incoming", "file": b64_file(name, content), **fields}
    return post(api, f"{FILES}{file_id}/documents/", body, **headers)


def download(api, url, **headers):
    """A download (openapi-core cannot check a binary body; problems are checked)."""
    response = api.get(url, validate=False, **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    return response


def validate(api, response, component):
    """A response openapi-core cannot validate (the request was multipart) against its
    component."""
    schema = {"$ref": f"#/components/schemas/{component}", "components": api.document["components"]}
    OAS31Validator(schema).validate(response.json())


# --- Files ---


def test_files_are_created_with_the_next_reference_listed_and_read(api, writer, office):
    first = create(api, writer, office)
    assert first.status_code == 201, first.content
    created = first.json()
    code = office.slug.upper()
    assert created["file_reference"] == f"{code}-963/2026/1"
    assert created["status"] == "open" and created["closed_at"] is None
    assert created["office"] == {"slug": office.slug, "name": office.name}
    assert created["plan_item"] == {"number": "963", "title": "Hundesteuer"}
    second = create(api, writer, office, title="Hundesteuer 2026 II").json()
    assert second["file_reference"] == f"{code}-963/2026/2"
    other_item = create(api, writer, office, plan_item="964", title="Kirmes").json()
    assert other_item["file_reference"] == f"{code}-964/2026/1"
    this_year = create(api, writer, office, title="Laufend", year=None).json()
    assert this_year["year"] == timezone.localdate().year
    audit = AuditEvent.objects.filter(action="records.file_create").latest("occurred_at")
    assert audit.actor_type == "api_client"
    assert audit.details["file_reference"] == this_year["file_reference"]

    listed = api.get(FILES, **writer).json()
    assert listed["next"] is None and listed["previous"] is None
    references = [f["file_reference"] for f in listed["results"]]
    assert references == sorted(references) and len(references) == 4
    by_item = api.get(FILES, {"plan_item": "964"}, **writer).json()["results"]
    assert [f["id"] for f in by_item] == [other_item["id"]]
    assert api.get(FILES, {"status": "closed"}, **writer).json()["results"] == []
    assert len(api.get(FILES, {"office": office.slug}, **writer).json()["results"]) == 4
    assert api.get(FILES, {"office": "anderes-amt"}, **writer).json()["results"] == []
    api.assert_problem(api.get(FILES, {"status": "lost"}, **writer), 400, "ValidationProblem")
    paged = api.get(FILES, {"page_size": 3}, **writer).json()
    assert len(paged["results"]) == 3
    rest = api.get(paged["next"], **writer).json()
    assert [f["file_reference"] for f in rest["results"]] == references[3:]

    detail = api.get(created["url"], **writer)
    assert detail.status_code == 200
    assert detail.json() == {**created, "cases": [], "documents": []}


def test_creating_a_file_names_what_is_wrong(api, writer, office, submission):
    unknown_office = post(
        api, FILES, {"office": "nirgendwo", "plan_item": "963", "title": "X"}, **writer
    )
    [message] = api.assert_problem(unknown_office, 400, "ValidationProblem")["errors"]["office"]
    assert message.startswith("In Ihrer Kommune gibt es keine Dienststelle „nirgendwo“.")
    unknown_item = create(api, writer, office, plan_item="999")
    assert "plan_item" in api.assert_problem(unknown_item, 400, "ValidationProblem")["errors"]
    api.assert_problem(create(api, writer, office, year=1850), 400, "ValidationProblem")
    api.assert_problem(create(api, writer, office, title="   "), 400, "ValidationProblem")
    FilePlanItem.objects.filter(municipality=submission.municipality, number="964").update(
        active=False
    )
    inactive = api.assert_problem(create(api, writer, office, plan_item="964"), 409)
    assert "inaktiven Aktenplanposition" in inactive["detail"]
    assert api.get(FILES, **writer).json()["results"] == []


def test_the_file_list_reads_no_more_queries_for_more_files(api, writer, office, count_queries):
    create(api, writer, office)
    with count_queries() as ctx:
        assert len(api.get(FILES, **writer).json()["results"]) == 1
    queries = len(ctx)
    for number in range(3):
        create(api, writer, office, plan_item=("963", "964")[number % 2], title=f"Akte {number}")
    with count_queries() as ctx:
        assert len(api.get(FILES, **writer).json()["results"]) == 4
    assert len(ctx) <= queries


def test_files_are_closed_and_reopened_once(api, writer, record):
    close = f"{FILES}{record['id']}/close/"
    reopen = f"{FILES}{record['id']}/reopen/"
    api.assert_problem(post(api, close, {}, **writer), 400, "ValidationProblem")
    api.assert_problem(post(api, close, {"reason": "  "}, **writer), 400, "ValidationProblem")
    closed = post(api, close, {"reason": "Erledigt"}, **writer)
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"]
    assert closed.json()["disposal_date"] == f"{timezone.localdate().year + 11}-01-01"
    again = api.assert_problem(post(api, close, {"reason": "Nochmals"}, **writer), 409)
    assert again["detail"] == "Die Akte ist bereits zu den Akten verfügt."
    assert api.get(FILES, {"status": "closed"}, **writer).json()["results"][0]["id"] == record["id"]

    reopened = post(api, reopen, {"reason": "Widerspruch eingegangen"}, **writer)
    assert reopened.status_code == 200, reopened.content
    assert reopened.json()["status"] == "open"
    assert reopened.json()["closed_at"] is None and reopened.json()["disposal_date"] is None
    again = api.assert_problem(post(api, reopen, {"reason": "Nochmals"}, **writer), 409)
    assert again["detail"] == "Die Akte ist offen."
    events = AuditEvent.objects.filter(action__in=["records.file_close", "records.file_reopen"])
    assert {(e.action, e.actor_type, e.details["reason"]) for e in events} == {
        ("records.file_close", "api_client", "Erledigt"),
        ("records.file_reopen", "api_client", "Widerspruch eingegangen"),
    }


# --- Cases and documents ---


@pytest.mark.usefixtures("clamav")
def test_a_closed_file_takes_no_document(api, writer, record):
    post(api, f"{FILES}{record['id']}/close/", {"reason": "Erledigt"}, **writer)
    refused = add_document(api, writer, record["id"], samples.pdf())
    assert "zdA" in api.assert_problem(refused, 409)["detail"]
    assert not Document.objects.exists()


def test_cases_are_filed_by_reference_or_id_and_moved_with_a_reason(
    api, writer, office, record, submission
):
    case = submission.case
    filed = post(api, f"{FILES}{record['id']}/cases/", {"case": case.reference}, **writer)
    assert filed.status_code == 200, filed.content
    assert filed.json() == {
        "case": {"id": str(case.pk), "reference": case.reference},
        "file": {k: record[k] for k in ("id", "file_reference", "url")},
    }
    assert str(CaseFiling.objects.get(case=case).file_id) == record["id"]
    # Filing brought what the platform holds about the case (the submission's data).
    detail = api.get(record["url"], **writer).json()
    assert detail["cases"] == [filed.json()["case"]]
    brought = [d for d in detail["documents"] if d["case"] == filed.json()["case"]]
    assert brought and all(d["file"]["id"] == record["id"] for d in brought)

    other = create(api, writer, office, title="Hundesteuer 2026 II").json()
    move = f"{FILES}{other['id']}/cases/"
    api.assert_problem(post(api, move, {"case": str(case.pk)}, **writer), 400, "ValidationProblem")
    moved = post(api, move, {"case": str(case.pk), "reason": "Falsch abgelegt"}, **writer)
    assert moved.status_code == 200, moved.content
    assert str(CaseFiling.objects.get(case=case).file_id) == other["id"]
    assert {d["id"] for d in api.get(other["url"], **writer).json()["documents"]} == {
        d["id"] for d in brought
    }
    assert AuditEvent.objects.filter(action="records.case_move", actor_type="api_client").exists()
    unknown = post(api, move, {"case": "2026-999999"}, **writer)
    api.assert_problem(unknown, 404)
    # Another office of the same municipality does not get the case.
    neighbour = OfficeFactory(municipality=office.municipality)
    theirs = create(api, writer, neighbour, title="Fremde Akte").json()
    refused = post(
        api, f"{FILES}{theirs['id']}/cases/", {"case": str(case.pk), "reason": "x"}, **writer
    )
    problem = api.assert_problem(refused, 400, "ValidationProblem")
    assert "zuständigen Dienststelle" in str(problem)
    assert str(CaseFiling.objects.get(case=case).file_id) == other["id"]


@pytest.mark.usefixtures("clamav")
def test_documents_and_versions_as_base64_json(api, writer, record, submission):
    case = submission.case
    post(api, f"{FILES}{record['id']}/cases/", {"case": case.reference}, **writer)
    pdf = samples.pdf()
    response = add_document(
        api,
        writer,
        record["id"],
        pdf,
        name="Antrag Müller.pdf",
        title="Antrag auf Anmeldung",
        kind="incoming",
        document_date="2026-03-14",
        sender="Erika Mustermann",
        keywords=["Hund", " Hund ", "Bello"],
        metadata={"Fachverfahren-ID": "HST-4711", "seiten": 1},
        case=str(case.pk),
    )
    assert response.status_code == 201, response.content
    document = response.json()
    assert document["case"] == {"id": str(case.pk), "reference": case.reference}
    assert document["keywords"] == ["Hund", "Bello"]
    assert document["metadata"] == {"Fachverfahren-ID": "HST-4711", "seiten": 1}
    assert document["document_date"] == "2026-03-14"
    [version] = document["versions"]
    assert version["number"] == 1 and version["file_name"] == "Antrag Müller.pdf"
    assert version["content_type"] == "application/pdf"
    assert (version["size"], version["sha256"]) == (len(pdf), hashlib.sha256(pdf).hexdigest())
    audit = AuditEvent.objects.filter(action="records.document_add").latest("occurred_at")
    assert (audit.actor_type, audit.details["document"]) == ("api_client", document["id"])

    new = samples.pdf(padding=b"Version 2")
    second = post(
        api, f"{document['url']}versions/", {"file": b64_file("antrag-v2.pdf", new)}, **writer
    )
    assert second.status_code == 201, second.content
    assert second.json()["number"] == 2
    assert second.json()["sha256"] == hashlib.sha256(new).hexdigest()
    read = api.get(document["url"], **writer)
    assert read.status_code == 200
    assert [v["number"] for v in read.json()["versions"]] == [1, 2]
    assert download(api, read.json()["versions"][0]["download_url"], **writer).content == pdf
    assert download(api, second.json()["download_url"], **writer).content == new
    in_file = api.get(record["url"], **writer).json()["documents"]
    assert read.json() in in_file

    not_filed_here = make_submission(office=submission.office).case
    refused = add_document(api, writer, record["id"], pdf, case=not_filed_here.reference)
    api.assert_problem(refused, 400, "ValidationProblem")
    garbled = post(
        api,
        f"{FILES}{record['id']}/documents/",
        {"title": "X", "kind": "note", "file": {"name": "a.pdf", "content": "kein base64!"}},
        **writer,
    )
    assert "file" in api.assert_problem(garbled, 400, "ValidationProblem")["errors"]
    unknown_kind = add_document(api, writer, record["id"], pdf, kind="fax")
    assert "kind" in api.assert_problem(unknown_kind, 400, "ValidationProblem")["errors"]


@pytest.mark.usefixtures("clamav")
def test_documents_and_versions_as_multipart_form_data(api, writer, record):
    png = samples.png()
    response = api.client.post(
        f"{FILES}{record['id']}/documents/",
        {
            "title": "Foto des Hundes",
            "kind": "incoming",
            "keywords": ["Hund", "Foto"],
            "metadata": '{"quelle": "Scan"}',
            "file": SimpleUploadedFile("foto.png", png),
        },
        **writer,
    )
    assert response.status_code == 201, response.content
    validate(api, response, "RecordDocument")
    document = response.json()
    assert document["keywords"] == ["Hund", "Foto"]
    assert document["metadata"] == {"quelle": "Scan"}
    assert document["case"] is None
    assert document["versions"][0]["content_type"] == "image/png"

    jpeg = samples.jpeg()
    version = api.client.post(
        f"{document['url']}versions/", {"file": SimpleUploadedFile("foto.jpg", jpeg)}, **writer
    )
    assert version.status_code == 201, version.content
    validate(api, version, "RecordVersion")
    assert version.json()["content_type"] == "image/jpeg"
    assert download(api, version.json()["download_url"], **writer).content == jpeg

    not_an_object = api.client.post(
        f"{FILES}{record['id']}/documents/",
        {"title": "X", "kind": "note", "metadata": "[1]", "file": SimpleUploadedFile("a.png", png)},
        **writer,
    )
    assert "metadata" in api.assert_problem(not_an_object, 400, "ValidationProblem")["errors"]


@pytest.mark.usefixtures("clamav")
def test_refused_uploads_store_nothing(api, writer, record):
    virus = add_document(api, writer, record["id"], samples.eicar_in_pdf(), name="bescheid.pdf")
    [message] = api.assert_problem(virus, 400, "ValidationProblem")["errors"]["file"]
    assert "„bescheid.pdf“ enthält einen Virus" in message
    program = add_document(api, writer, record["id"], samples.exe(), name="programm.pdf")
    assert "file" in api.assert_problem(program, 400, "ValidationProblem")["errors"]
    multipart = api.client.post(
        f"{FILES}{record['id']}/documents/",
        {
            "title": "X",
            "kind": "note",
            "file": SimpleUploadedFile("b.pdf", samples.eicar_in_pdf()),
        },
        **writer,
    )
    assert "file" in api.assert_problem(multipart, 400, "ValidationProblem")["errors"]
    assert not Document.objects.exists() and not StoredContent.objects.exists()


def test_no_document_is_stored_while_the_scanner_is_away(api, writer, record, settings, tmp_path):
    settings.RATHAUS_CLAMAV_URL = f"unix://{tmp_path}/no-clamd.sock"
    settings.RATHAUS_CLAMAV_TIMEOUT_SECONDS = 2
    refused = add_document(api, writer, record["id"], samples.pdf())
    assert "file" in api.assert_problem(refused, 400, "ValidationProblem")["errors"]
    assert not Document.objects.exists()


@pytest.mark.usefixtures("clamav")
def test_a_download_is_audited_with_the_client_and_never_serves_altered_bytes(
    api, writer, reader, record
):
    pdf = samples.pdf()
    document = add_document(api, writer, record["id"], pdf, name="bescheid.pdf").json()
    url = document["versions"][0]["download_url"]
    before = AuditEvent.objects.filter(action="records.document_read").count()
    response = download(api, url, **reader)
    assert response.content == pdf and response["Content-Type"] == "application/pdf"
    assert "bescheid.pdf" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    reads = AuditEvent.objects.filter(action="records.document_read")
    assert reads.count() == before + 1
    event = reads.latest("occurred_at")
    assert (event.actor_type, event.actor_label) == ("api_client", "Leser")
    assert event.details == {"document": document["id"], "version": 1}
    assert str(event.municipality_id) == str(
        Document.objects.get(pk=document["id"]).file.municipality_id
    )

    api.assert_problem(api.get(f"{document['url']}versions/2/content/", **reader), 404)
    content = Document.objects.get(pk=document["id"]).versions.get().content
    with records_storage().open(content.name, "wb") as handle:
        handle.write(b"%PDF-1.7 anders")
    altered = api.assert_problem(api.get(url, **reader), 409)
    assert altered["type"] == "urn:rathaus:problem:content-altered"
    assert reads.count() == before + 1  # nothing was read


# --- Search ---


@pytest.mark.usefixtures("clamav")
def test_search_finds_documents_by_metadata_first_then_by_their_text(
    api, writer, reader, foreign, record
):
    in_text = add_document(
        api,
        writer,
        record["id"],
        samples.docx(),  # its text: "Nachweis"
        name="anlage.docx",
        title="Anlage zum Antrag",
        document_date="2026-02-01",
    ).json()
    in_title = add_document(
        api, writer, record["id"], samples.pdf(), title="Nachweis der Impfung", kind="note"
    ).json()
    outbox_drain()  # the subscriber of records.documents_changed indexes them

    found = api.get("/api/v1/records/search/", {"q": "Nachweis"}, **reader)
    assert found.status_code == 200, found.content
    body = found.json()
    assert [(hit["id"], hit["tier"]) for hit in body["results"]] == [
        (in_title["id"], 1),
        (in_text["id"], 2),
    ]
    assert body["next"] is None
    hit = body["results"][1]
    assert hit["file_reference"] == record["file_reference"]
    assert (hit["kind"], hit["date"], hit["url"]) == ("incoming", "2026-02-01", in_text["url"])
    assert (
        api.get("/api/v1/records/search/", {"q": "anlage"}, **reader).json()["results"][0]["id"]
        == (in_text["id"])
    )

    first = api.get("/api/v1/records/search/", {"q": "nachweis", "page_size": 1}, **reader).json()
    assert [h["id"] for h in first["results"]] == [in_title["id"]]
    second = api.get(first["next"], **reader).json()
    assert [h["id"] for h in second["results"]] == [in_text["id"]] and second["next"] is None

    assert api.get("/api/v1/records/search/", {"q": "Nachweis"}, **foreign).json() == {
        "next": None,
        "results": [],
    }
    api.assert_problem(api.get("/api/v1/records/search/", **reader), 400, "ValidationProblem")


# --- Scopes and isolation ---


@pytest.mark.usefixtures("clamav")
def test_scopes_are_required(api, submission, reader, writer, office, record):
    api.assert_problem(api.get(FILES), 401)
    api.assert_problem(create(api, {}, office), 401)
    mailbox_only = bearer_for(submission.municipality, "mailbox:read", name="Postfach")
    api.assert_problem(api.get(FILES, **mailbox_only), 403)
    api.assert_problem(api.get(record["url"], **mailbox_only), 403)
    api.assert_problem(api.get("/api/v1/records/search/", {"q": "x"}, **mailbox_only), 403)
    assert api.get(FILES, **reader).status_code == 200
    assert api.get(record["url"], **reader).status_code == 200

    api.assert_problem(create(api, reader, office), 403)
    for action in ("close", "reopen"):
        api.assert_problem(
            post(api, f"{FILES}{record['id']}/{action}/", {"reason": "x"}, **reader), 403
        )
    api.assert_problem(
        post(api, f"{FILES}{record['id']}/cases/", {"case": submission.reference}, **reader), 403
    )
    api.assert_problem(add_document(api, reader, record["id"], samples.pdf()), 403)
    document = add_document(api, writer, record["id"], samples.pdf()).json()
    versions = f"{document['url']}versions/"
    api.assert_problem(
        post(api, versions, {"file": b64_file("a.pdf", samples.pdf())}, **reader), 403
    )
    api.assert_problem(api.get(document["url"], **mailbox_only), 403)
    assert Document.objects.get().versions.count() == 1
    assert api.get(FILES, **reader).json()["results"][0]["status"] == "open"


@pytest.mark.usefixtures("clamav")
def test_another_municipality_finds_nothing(
    api, writer, foreign, foreign_office, office, record, submission
):
    document = add_document(api, writer, record["id"], samples.pdf()).json()
    content = document["versions"][0]["download_url"]
    reads = AuditEvent.objects.filter(action="records.document_read").count()

    assert api.get(FILES, **foreign).json()["results"] == []
    api.assert_problem(api.get(record["url"], **foreign), 404)
    api.assert_problem(api.get(document["url"], **foreign), 404)
    api.assert_problem(api.get(content, **foreign), 404)
    for action in ("close", "reopen"):
        api.assert_problem(
            post(api, f"{FILES}{record['id']}/{action}/", {"reason": "x"}, **foreign), 404
        )
    cases = f"{FILES}{record['id']}/cases/"
    api.assert_problem(post(api, cases, {"case": submission.reference}, **foreign), 404)
    api.assert_problem(add_document(api, foreign, record["id"], samples.pdf()), 404)
    versions = f"{document['url']}versions/"
    api.assert_problem(
        post(api, versions, {"file": b64_file("a.pdf", samples.pdf())}, **foreign), 404
    )
    # Its own office slug is unknown in the writer's municipality, and the other way round.
    mistaken = api.assert_problem(create(api, foreign, office), 400, "ValidationProblem")
    assert "office" in mistaken["errors"]
    # Nor can it file the writer's case in a file of its own.
    own = create(api, foreign, foreign_office)
    assert own.status_code == 201, own.content
    own_cases = f"{FILES}{own.json()['id']}/cases/"
    api.assert_problem(post(api, own_cases, {"case": str(submission.case_id)}, **foreign), 404)

    assert Document.objects.get().versions.count() == 1
    assert AuditEvent.objects.filter(action="records.document_read").count() == reads
    assert api.get(record["url"], **writer).json()["status"] == "open"
    assert not CaseFiling.objects.exists()
