"""Documents in files (issue 11 §1): cases filed in files and moved with a reason; documents
with versions whose content is immutable and stored once per SHA-256; uploads checked by type
and scanned by a real clamd before anything is stored; only open files take documents; only
the office reads them (404 for others), every read audited, an altered object detected."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rathaus.core.actors import Actor
from rathaus.core.errors import Conflict, DomainError, NotFound, NotPermitted
from rathaus.core.models import AuditEvent
from rathaus.records import services
from rathaus.records.content import ContentAltered, records_storage
from rathaus.records.models import CaseFiling, Document, FilePlanItem, StoredContent
from rathaus.staff.models import Role
from rathaus.uploads.checks import UploadRefused
from tests.applications import upload_samples as samples
from tests.applications.inbox_data import make_submission
from tests.factories import OfficeFactory
from tests.staff.people import make_staff

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")
PLAN = "Nummer;Übergeordnet;Titel;Aufbewahrungsfrist (Jahre);Archivierung\n963;;Hundesteuer;10;V\n"


@pytest.fixture
def world(media_root):
    submission = make_submission()
    case, office = submission.case, submission.office
    services.file_plan_import(actor=SYSTEM, municipality=office.municipality, data=PLAN)
    item = FilePlanItem.objects.get(municipality=office.municipality, number="963")
    record = services.file_create(actor=SYSTEM, office=office, plan_item=item, title="Hunde 2026")
    clerk = make_staff("sachbearbeitung", (office, Role.CASE_WORKER))
    return {"case": case, "office": office, "item": item, "record": record, "clerk": clerk}


def upload(content: bytes, name: str = "antrag.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_a_document_with_versions_stored_once_per_content(clamav, world):
    clerk = Actor.person(world["clerk"])
    pdf = samples.pdf()
    services.case_file(actor=clerk, case=world["case"], record=world["record"])
    # Filing the case brought the submission's data (rathaus.records.case_documents).
    brought = StoredContent.objects.count()
    document = services.document_add(
        actor=clerk,
        record=world["record"],
        case=world["case"],
        title="Antrag auf Anmeldung",
        kind=Document.Kind.INCOMING,
        upload=services.upload_checked(upload(pdf)),
        sender="Erika Mustermann",
        keywords=["Hund", " Hund ", "Bello"],
    )
    assert document.keywords == ["Hund", "Bello"]
    twin = services.document_add(
        actor=clerk,
        record=world["record"],
        title="Kopie",
        kind=Document.Kind.NOTE,
        upload=services.upload_checked(upload(pdf, "kopie.pdf")),
    )
    assert StoredContent.objects.count() == brought + 1  # identical bytes stored once
    content = document.versions.get().content
    assert content.sha256 == hashlib.sha256(pdf).hexdigest()
    assert records_storage().exists(
        f"records/{content.sha256[:2]}/{content.sha256[2:4]}/{content.sha256}"
    )
    second = services.version_add(
        actor=clerk,
        document=document,
        upload=services.upload_checked(upload(samples.pdf(padding=b"v2"))),
    )
    assert [v.number for v in document.versions.all()] == [1, 2]
    assert StoredContent.objects.count() == brought + 2
    first = document.versions.get(number=1)
    read = services.document_version_read(actor=clerk, version_id=first.pk)
    assert (read.data, read.content_type, read.name) == (pdf, "application/pdf", "antrag.pdf")
    assert services.document_version_read(actor=clerk, version_id=second.pk).data != pdf
    assert twin.versions.get().content_id == first.content_id
    actions = list(
        AuditEvent.objects.filter(action__startswith="records.").values_list("action", flat=True)
    )
    for action in (
        "records.case_file",
        "records.document_add",
        "records.version_add",
        "records.document_read",
    ):
        assert action in actions


def test_uploads_are_checked_and_scanned_before_anything_is_stored(clamav, world):
    with pytest.raises(UploadRefused, match="enthält einen Virus"):
        services.upload_checked(upload(samples.eicar_in_pdf()))
    with pytest.raises(UploadRefused):
        services.upload_checked(upload(samples.exe(), "programm.pdf"))
    assert not StoredContent.objects.exists()


def test_no_document_is_stored_without_a_scan(settings, tmp_path, world):
    settings.RATHAUS_CLAMAV_URL = f"unix://{tmp_path}/no-clamd.sock"
    with pytest.raises(UploadRefused, match="Virenscanner ist gerade nicht erreichbar"):
        services.upload_checked(upload(samples.pdf()))


def test_closed_files_take_nothing_and_the_office_alone_reads(clamav, world):
    clerk = Actor.person(world["clerk"])
    checked = services.upload_checked(upload(samples.pdf()))
    document = services.document_add(
        actor=clerk, record=world["record"], title="Vermerk", kind="note", upload=checked
    )
    version = document.versions.get()
    other = make_staff(
        "anderes-amt", (OfficeFactory(municipality=world["office"].municipality), Role.CASE_WORKER)
    )
    with pytest.raises(NotFound):
        services.document_version_read(actor=Actor.person(other), version_id=version.pk)
    with pytest.raises(NotPermitted):
        services.document_add(
            actor=Actor.person(other),
            record=world["record"],
            title="X",
            kind="note",
            upload=checked,
        )
    services.file_close(actor=clerk, record=world["record"], reason="erledigt")
    with pytest.raises(Conflict, match="zdA"):
        services.document_add(
            actor=clerk, record=world["record"], title="Nachtrag", kind="note", upload=checked
        )
    with pytest.raises(Conflict):
        services.version_add(actor=clerk, document=document, upload=checked)
    assert services.document_version_read(actor=clerk, version_id=version.pk).data == samples.pdf()
    with pytest.raises(DomainError):
        services.document_add(
            actor=clerk, record=world["record"], title="X", kind="brief", upload=checked
        )


def test_an_altered_object_is_detected(clamav, world):
    clerk = Actor.person(world["clerk"])
    document = services.document_add(
        actor=clerk,
        record=world["record"],
        title="Vermerk",
        kind="note",
        upload=services.upload_checked(upload(samples.pdf())),
    )
    content = document.versions.get().content
    with records_storage().open(content.name, "wb") as handle:
        handle.write(b"%PDF-1.7 anders")
    with pytest.raises(ContentAltered):
        services.document_version_read(actor=clerk, version_id=document.versions.get().pk)
    records_storage().delete(content.name)
    with pytest.raises(ContentAltered, match="fehlt im Speicher"):
        services.document_version_read(actor=clerk, version_id=document.versions.get().pk)


def test_a_case_moves_to_another_file_only_with_a_reason(world):
    clerk = Actor.person(world["clerk"])
    services.case_file(actor=clerk, case=world["case"], record=world["record"])
    other_file = services.file_create(
        actor=clerk, office=world["office"], plan_item=world["item"], title="Hunde 2027"
    )
    with pytest.raises(DomainError, match="Bitte geben Sie einen Grund an"):
        services.case_file(actor=clerk, case=world["case"], record=other_file)
    services.case_file(actor=clerk, case=world["case"], record=other_file, reason="falsche Akte")
    assert CaseFiling.objects.get(case=world["case"]).file == other_file
    event = AuditEvent.objects.get(action="records.case_move")
    assert event.details["reason"] == "falsche Akte"
    foreign = make_submission().case
    with pytest.raises(DomainError):
        services.case_file(actor=SYSTEM, case=foreign, record=other_file)


def test_verify_records_names_what_is_missing_or_altered(clamav, world):
    from io import StringIO

    from django.core.management import CommandError, call_command

    clerk = Actor.person(world["clerk"])

    def add(title: str, content: bytes) -> Document:
        return services.document_add(
            actor=clerk,
            record=world["record"],
            title=title,
            kind="note",
            upload=services.upload_checked(upload(content)),
        )

    intact, altered, missing = (
        add("Vermerk", samples.pdf()),
        add("Bescheid", samples.pdf(padding=b"b")),
        add("Anlage", samples.pdf(padding=b"c")),
    )
    out = StringIO()
    call_command("verify_records", stdout=out)
    assert "All 3 stored contents are present and unaltered." in out.getvalue()
    with records_storage().open(altered.versions.get().content.name, "wb") as handle:
        handle.write(b"%PDF-1.7 anders")
    records_storage().delete(missing.versions.get().content.name)
    err = StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("verify_records", stderr=err)
    assert "2 stored content(s) missing or altered." in err.getvalue()
    reference = world["record"].file_reference
    assert (
        f"altered: {altered.versions.get().content.sha256} ({reference} „Bescheid“ v1)"
        in err.getvalue()
    )
    assert (
        f"missing: {missing.versions.get().content.sha256} ({reference} „Anlage“ v1)"
        in err.getvalue()
    )
    call_command("verify_records", "--document", str(intact.pk), stdout=out)
    with pytest.raises(CommandError, match="Not a document id"):
        call_command("verify_records", "--document", "123")
