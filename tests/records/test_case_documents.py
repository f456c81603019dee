"""A filed case brings its documents (issue 11 §1): the submission's data, its proofs scanned
clean and its sealed receipt, the messages about the case with their attachments and
receipts — each filed once, by the subscribers of the apps' events, when a case is filed by
hand and before its file is closed; a closed file takes nothing."""

import json

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from rathaus.applications.events import AttachmentScanned
from rathaus.applications.models import Attachment
from rathaus.core.actors import Actor
from rathaus.core.events import event_publish
from rathaus.core.models import OutboxMessage
from rathaus.core.outbox_runner import outbox_drain
from rathaus.mailbox import services as mailbox
from rathaus.records import services
from rathaus.records.content import content_read
from rathaus.records.models import CaseFiling, Document, FilePlanItem
from rathaus.staff.models import Role
from tests.applications import upload_samples as samples
from tests.applications.inbox_data import add_attachment, make_submission
from tests.evidence.conftest import demo_seal  # noqa: F401 (a fixture)
from tests.factories import OfficeFactory
from tests.staff.people import make_staff

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")
PLAN = "Nummer;Titel\n963;Hundesteuer\n"


@pytest.fixture(autouse=True)
def keys_and_media(settings, media_root, demo_seal):  # noqa: F811
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]


@pytest.fixture
def office():
    office = OfficeFactory(slug="steueramt", name="Steueramt")
    services.file_plan_import(actor=SYSTEM, municipality=office.municipality, data=PLAN)
    item = FilePlanItem.objects.get(municipality=office.municipality, number="963")
    services.filing_rule_set(
        actor=SYSTEM, office=office, plan_item=item, file_title="Hundesteuer {year}"
    )
    return office


def filed(case):
    return {
        d.source.split(":")[0]: d
        for d in Document.objects.filter(case=case).prefetch_related("versions__content")
    }


def content(document):
    return content_read(document.versions.get().content)


def test_a_submission_files_its_data_proofs_and_receipt(office):
    submission = make_submission(office=office, data={"name": "Erika", "dogs": 1})
    add_attachment(submission, content=b"%PDF-1.4\nImpfpass\n%%EOF\n", name="impfpass.pdf")
    add_attachment(submission, name="virus.pdf", scan_status=Attachment.ScanStatus.INFECTED)
    outbox_drain()  # case.opened, submission.created, the receipt and its event
    documents = filed(submission.case)
    assert set(documents) == {
        "applications.submission",
        "applications.attachment",
        "applications.receipt",
    }
    data = json.loads(content(documents["applications.submission"]))
    assert data["reference"] == submission.reference and data["data"]["dogs"] == 1
    proof = documents["applications.attachment"]
    assert (proof.title, proof.kind, proof.versions.get().file_name) == (
        "impfpass.pdf",
        "incoming",
        "impfpass.pdf",
    )
    assert content(proof) == b"%PDF-1.4\nImpfpass\n%%EOF\n"
    receipt = documents["applications.receipt"]
    submission.refresh_from_db()
    assert receipt.kind == "outgoing"
    assert receipt.versions.get().content.sha256 == submission.receipt_sha256
    record = CaseFiling.objects.get(case=submission.case).file
    assert {d.file_id for d in documents.values()} == {record.pk}
    # Filed once: again, or a late event, files nothing twice.
    assert services.case_documents_file(case_id=submission.case.pk) == []
    assert Document.objects.count() == 3


def test_a_proof_scanned_later_follows(office):
    submission = make_submission(office=office)
    outbox_drain()
    late = add_attachment(submission, scan_status=Attachment.ScanStatus.PENDING)
    late.scan_status = Attachment.ScanStatus.CLEAN
    late.save()
    with transaction.atomic():
        published = event_publish(
            AttachmentScanned(
                attachment_id=late.pk, draft_id=None, submission_id=submission.pk, result="clean"
            )
        )
        assert "attachment.scanned/records.proof_filing" in {m.topic for m in published}
        # An infected verdict or a draft's upload is none of the records' business.
        assert not [
            m
            for m in event_publish(
                AttachmentScanned(
                    attachment_id=late.pk, draft_id=None, submission_id=None, result="clean"
                )
            )
            if m.topic.startswith("attachment.scanned/records")
        ]
    outbox_drain()
    assert Document.objects.filter(source=f"applications.attachment:{late.pk}").exists()


def test_messages_about_the_case_follow_it_with_attachments_and_receipts(office, clamav):
    submission = make_submission(office=office)
    outbox_drain()
    clerk = make_staff("clerk-records", (office, Role.CASE_WORKER))
    message = mailbox.case_message_start(
        actor=Actor.person(clerk),
        case=submission.case,
        subject="Rückfrage zur Hundesteuer",
        body="Bitte senden Sie den Impfpass.",
        uploads=[SimpleUploadedFile("merkblatt.pdf", samples.pdf(), "application/pdf")],
    )
    assert OutboxMessage.objects.filter(topic="mailbox.message_sent/records.message_filing")
    outbox_drain()
    documents = {
        d.source.split(":")[0]: d for d in Document.objects.filter(source__startswith="mailbox.")
    }
    text = content(documents["mailbox.message"]).decode()
    assert documents["mailbox.message"].title == "Rückfrage zur Hundesteuer"
    assert documents["mailbox.message"].kind == "outgoing"
    assert "Bitte senden Sie den Impfpass." in text and "Steueramt" in text
    assert documents["mailbox.attachment"].title == "merkblatt.pdf"
    # The receipts issued after the message came: filed when the file is closed.
    record = CaseFiling.objects.get(case=submission.case).file
    services.file_close(actor=SYSTEM, record=record, reason="Erledigt")
    receipts = Document.objects.filter(source__startswith="mailbox.receipt:")
    assert receipts.count() == message.receipts.count() >= 1
    assert content(receipts.first())[:2] == b"PK"  # the bundle that verifies offline


def test_a_message_without_a_case_and_a_closed_file_take_nothing(office):
    submission = make_submission(office=office)
    outbox_drain()
    record = CaseFiling.objects.get(case=submission.case).file
    before = Document.objects.count()
    services.file_close(actor=SYSTEM, record=record, reason="Erledigt")
    clerk = make_staff("clerk-records", (office, Role.CASE_WORKER))
    mailbox.case_message_start(
        actor=Actor.person(clerk), case=submission.case, subject="Nachtrag", body="Noch etwas."
    )
    outbox_drain()
    assert Document.objects.count() == before  # closed: filed once it is reopened
    services.file_reopen(actor=SYSTEM, record=record, reason="Nachtrag")  # files it then
    late = Document.objects.filter(file=record).order_by("created_at")[before:]
    assert late[0].title == "Nachtrag"  # then its receipts
    assert services.case_documents_file(case_id=submission.case.pk) == []  # filed once
    topic = "mailbox.message_sent/records.message_filing"
    sent_about_cases = OutboxMessage.objects.filter(topic=topic).count()
    mailbox.thread_start(
        actor=Actor.person(submission.applicant, level_of_assurance="substantial"),
        sender=mailbox.mailbox_of_user(user=submission.applicant),
        recipient=mailbox.mailbox_of_office(office=office),
        subject="Allgemeine Frage",
        body="Ohne Vorgang.",
    )
    # A message about no case costs the records not even an outbox message.
    assert OutboxMessage.objects.filter(topic=topic).count() == sent_about_cases


def test_a_case_filed_by_hand_brings_its_documents():
    office = OfficeFactory(slug="ordnungsamt")
    services.file_plan_import(actor=SYSTEM, municipality=office.municipality, data=PLAN)
    submission = make_submission(office=office)
    outbox_drain()
    assert not Document.objects.exists()  # no rule: unfiled
    item = FilePlanItem.objects.get(municipality=office.municipality, number="963")
    record = services.file_create(actor=SYSTEM, office=office, plan_item=item, title="Hunde")
    clerk = make_staff("clerk-hand", (office, Role.CASE_WORKER))
    services.case_file(actor=Actor.person(clerk), case=submission.case, record=record)
    assert set(filed(submission.case)) == {"applications.submission", "applications.receipt"}


def test_a_backlog_of_messages_files_each_case_once_and_indexes_in_one_call(office, monkeypatch):
    """The outbox drain hands a backlog (a specialist system's batch) to the batch handlers:
    a case with several new messages is filed once for all of them, and the new documents
    are indexed in one call; every message and its document end up filed and findable."""
    from rathaus.records import subscribers
    from rathaus.records.search import document_search

    submissions = [make_submission(office=office) for _ in range(2)]
    outbox_drain()
    for submission, bodies in zip(submissions, (["Erste", "Zweite"], ["Dritte"]), strict=True):
        for body in bodies:
            mailbox.case_message_post(
                case=submission.case,
                subject="Hundesteuer",
                body=f"{body} Nachricht zum Zwingerbau",
                origin=f"test:{submission.pk}:{body}",
            )
    pending = OutboxMessage.objects.filter(status="pending")
    assert pending.filter(topic="mailbox.message_sent/records.message_filing").count() == 3
    filings, indexings = [], []
    real_file, real_index = subscribers.case_documents_file, subscribers.document_index
    monkeypatch.setattr(
        subscribers, "case_documents_file", lambda **kw: filings.append(kw) or real_file(**kw)
    )
    monkeypatch.setattr(
        subscribers, "document_index", lambda **kw: indexings.append(kw) or real_index(**kw)
    )
    outbox_drain()
    assert sorted(str(f["case_id"]) for f in filings) == sorted(
        str(s.case_id) for s in submissions
    )  # each case once, not once per message
    assert not OutboxMessage.objects.exclude(status="done").exists()
    messages = Document.objects.filter(source__startswith="mailbox.message:")
    assert messages.count() == 3
    # One call for the documents of both cases (the messages and the receipts issued so far).
    assert len(indexings) == 1
    assert set(messages.values_list("pk", flat=True)) <= set(indexings[0]["document_ids"])
    hits = document_search(query="Zwingerbau", office_ids=[office.pk])
    assert {d.pk for d in hits.documents} == set(messages.values_list("pk", flat=True))
