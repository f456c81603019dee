"""Files sent with Postfach messages: checked like every upload (type by content, size), scanned
by a real clamd before the message goes out (a virus stops it), stored only encrypted, opened
only when clean (one by one or as a ZIP), by the thread's two sides only; written form (§3a
VwVfG) marked where the office accepts it."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from rathaus.core.errors import NotFound
from rathaus.evidence.verification import receipt_verify
from rathaus.mailbox import services
from rathaus.mailbox.attachments import attachment_rescan
from rathaus.mailbox.models import Mailbox, Message, MessageAttachment
from rathaus.mailbox.receipts import receipts_for_sent
from rathaus.mailbox.services import AttachmentNotReady
from rathaus.staff.models import Role
from rathaus.uploads.checks import UploadRefused
from rathaus.uploads.scanners import ScannerUnavailable
from tests.applications import upload_samples as samples
from tests.factories import OfficeFactory, UserFactory
from tests.mailbox.conftest import act_pdf, person
from tests.staff.people import login_with_mfa, make_staff

pytestmark = pytest.mark.django_db

NAME = "Steuerbescheid_Mustermann_2026.pdf"


@pytest.fixture(autouse=True)
def no_scanner(settings, tmp_path):
    """No clamd unless a test asks for `clamav` (which overrides this)."""
    settings.RATHAUS_CLAMAV_URL = f"unix://{tmp_path}/no-clamd.sock"
    settings.RATHAUS_CLAMAV_TIMEOUT_SECONDS = 2


def write(citizen, office, *files, level="substantial") -> Message:
    return services.thread_start(
        actor=person(citizen, level),
        sender=services.mailbox_of_user(user=citizen),
        recipient=services.mailbox_of_office(office=office),
        subject="Widerspruch",
        body="Anbei mein Bescheid.",
        uploads=list(files),
    )


def stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


def test_sent_files_are_stored_encrypted_and_open_for_both_sides(
    clamav, client, citizen, clerk, office, mailbox_media
):
    pdf = samples.pdf()
    message = write(citizen, office, act_pdf(NAME, pdf), act_pdf("foto.png", samples.png()))
    attachments = list(message.attachments.order_by("position"))
    assert [a.scan_status for a in attachments] == ["clean", "clean"]
    assert [a.content_type for a in attachments] == ["application/pdf", "image/png"]
    assert attachments[0].size == len(pdf) and len(attachments[0].sha256) == 64

    # At rest: neither the content nor the file name, in the storage or the database.
    files = stored_files(mailbox_media)
    assert len(files) == 2
    for path in files:
        raw = path.read_bytes()
        assert b"%PDF" not in raw and b"PNG" not in raw and NAME.encode() not in raw
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM mailbox_messageattachment")
        rows = repr(cursor.fetchall())
    assert "Steuerbescheid" not in rows and "foto" not in rows

    # The office's clerk opens the file (by its type's extension) and the ZIP of both.
    login_with_mfa(client, clerk)
    box = services.mailbox_of_office(office=office)
    page = client.get(reverse("backoffice:mailbox-thread", args=[box.pk, message.thread_id]))
    assert NAME in page.content.decode() and "Alle Dateien als ZIP" in page.content.decode()
    one = client.get(
        reverse(
            "backoffice:mailbox-attachment",
            args=[box.pk, message.thread_id, message.pk, attachments[0].pk],
        )
    )
    assert one.status_code == 200 and one.content == pdf
    assert (
        one["Content-Disposition"].startswith("attachment")
        and "Mustermann" in (one["Content-Disposition"])
    )
    assert one["X-Content-Type-Options"] == "nosniff"
    bundle = client.get(
        reverse("backoffice:mailbox-attachments", args=[box.pk, message.thread_id, message.pk])
    )
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        assert sorted(archive.namelist()) == [NAME, "foto.png"]
        assert archive.read(NAME) == pdf

    # The citizen (the sender) opens it too; another citizen gets a 404.
    client.logout()
    client.force_login(citizen)
    url = reverse("mailbox:attachment", args=[message.thread_id, message.pk, attachments[0].pk])
    assert client.get(url).content == pdf
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_a_clerk_of_another_office_cannot_open_the_file(clamav, client, citizen, office):
    message = write(citizen, office, act_pdf())
    other_office = OfficeFactory()
    outsider = make_staff("clerk-other-office", (other_office, Role.CASE_WORKER))
    login_with_mfa(client, outsider)
    attachment = message.attachments.get()
    for box in (
        services.mailbox_of_office(office=office),
        services.mailbox_of_office(office=other_office),
    ):
        url = reverse(
            "backoffice:mailbox-attachment",
            args=[box.pk, message.thread_id, message.pk, attachment.pk],
        )
        assert client.get(url).status_code == 404


def test_a_virus_stops_the_message_and_says_which_file(
    clamav, client, citizen, office, mailbox_media
):
    client.force_login(citizen)
    response = client.post(
        reverse("mailbox:compose"),
        {
            "office": str(office.pk),
            "subject": "Unterlagen",
            "body": "Anbei.",
            "attachments": [
                SimpleUploadedFile("gut.pdf", samples.pdf()),
                SimpleUploadedFile("rechnung.pdf", samples.eicar_in_pdf()),
            ],
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "rechnung.pdf" in page and "Virus" in page and "Eicar" in page
    assert "Anbei." in page  # the text written is kept
    assert not Message.objects.exists() and not stored_files(mailbox_media)


def test_types_and_counts_are_checked_before_anything_is_sent(citizen, office, settings):
    with pytest.raises(UploadRefused, match="Archive"):
        write(citizen, office, act_pdf("akten.zip", samples.plain_zip()))
    with pytest.raises(UploadRefused, match=r"\b10\b"):
        write(citizen, office, *[act_pdf(f"{n}.pdf") for n in range(11)])
    settings.RATHAUS_UPLOAD_MAX_TOTAL_BYTES = len(samples.pdf()) + 10
    with pytest.raises(UploadRefused) as refused:
        write(citizen, office, act_pdf("a.pdf"), act_pdf("b.pdf"))
    assert refused.value.field == "attachments"
    assert not Message.objects.exists()


def test_without_a_scanner_the_file_waits_and_is_scanned_later(
    client,
    citizen,
    clerk,
    office,
    settings,
    clamd_url,
    mailbox_media,
    django_capture_on_commit_callbacks,
):
    message = write(citizen, office, act_pdf(NAME), act_pdf("virus.pdf", samples.eicar_in_pdf()))
    clean, infected = message.attachments.order_by("position")
    assert clean.scan_status == infected.scan_status == "pending"
    box = services.mailbox_of_office(office=office)
    clerk_actor = person(clerk)
    with pytest.raises(AttachmentNotReady, match="Viren"):
        services.attachment_download(
            actor=clerk_actor,
            mailbox=box,
            thread_id=message.thread_id,
            message_id=message.pk,
            attachment_id=clean.pk,
        )
    with pytest.raises(ScannerUnavailable):  # the outbox retries with backoff
        attachment_rescan(attachment_id=clean.pk)
    assert MessageAttachment.objects.get(pk=clean.pk).scan_attempts == 2

    settings.RATHAUS_CLAMAV_URL = clamd_url
    settings.RATHAUS_CLAMAV_TIMEOUT_SECONDS = 10
    assert attachment_rescan(attachment_id=clean.pk).scan_status == "clean"
    with django_capture_on_commit_callbacks(execute=True):  # the content goes after commit
        found = attachment_rescan(attachment_id=infected.pk)
    assert found.scan_status == "infected" and found.scan_detail.startswith("Eicar")
    assert found.file.name == "" and len(stored_files(mailbox_media)) == 1
    name, _type, data = services.attachment_download(
        actor=clerk_actor,
        mailbox=box,
        thread_id=message.thread_id,
        message_id=message.pk,
        attachment_id=clean.pk,
    )
    assert name == NAME and data == samples.pdf()
    with pytest.raises(AttachmentNotReady, match="Virus"):
        services.attachment_download(
            actor=clerk_actor,
            mailbox=box,
            thread_id=message.thread_id,
            message_id=message.pk,
            attachment_id=infected.pk,
        )


def test_receipts_state_each_files_hash_and_verify_with_the_file(
    clamav, citizen, office, demo_seal
):
    pdf = samples.pdf()
    message = write(citizen, office, act_pdf(NAME, pdf))
    receipts = receipts_for_sent(message_id=message.pk)
    document = json.loads(receipts[0].receipt.document)
    assert document["attachments"] == [
        {
            "position": 1,
            "sha256": message.attachments.get().sha256,
            "size": len(pdf),
            "content_type": "application/pdf",
        }
    ]
    assert NAME not in receipts[0].receipt.document
    receipt = receipts[0].receipt
    check = receipt_verify(
        receipt_json=receipt.document.encode(),
        signature=bytes(receipt.signature),
        timestamp=bytes(receipt.timestamp),
        files={NAME: pdf, "body": b"Anbei mein Bescheid."},
    )
    assert check.ok, check.failures
    changed = receipt_verify(
        receipt_json=receipt.document.encode(),
        signature=bytes(receipt.signature),
        timestamp=bytes(receipt.timestamp),
        files={NAME: pdf[:-1] + b"X"},
    )
    assert [c.name for c in changed.failures] == [f"file:{NAME}"]


def test_downloading_an_act_retrieves_it_and_needs_its_level(client, clamav, settings):
    from rathaus.accounts.selectors import consent_text_current
    from rathaus.accounts.services import consent_give
    from rathaus.mailbox.models import Delivery
    from rathaus.mailbox.provisions import CONSENT_KEY
    from tests.applications.inbox_data import make_submission

    submission = make_submission()
    clerk = make_staff("clerk-act-file", (submission.office, Role.CASE_WORKER))
    applicant = submission.case.applicant
    consent_give(user=applicant, text=consent_text_current(key=CONSENT_KEY), language="de")
    message = services.act_provide(
        actor=person(clerk),
        case=submission.case,
        subject="Bescheid",
        body="Siehe Anlage.",
        required_level="substantial",
        document=act_pdf("bescheid.pdf"),
    )
    attachment = message.attachments.get()
    mailbox = services.mailbox_of_user(user=applicant)
    arguments = {
        "mailbox": mailbox,
        "thread_id": message.thread_id,
        "message_id": message.pk,
        "attachment_id": attachment.pk,
    }
    with pytest.raises(NotFound):  # a password login does not reach the act's level
        services.attachment_download(actor=person(applicant, ""), **arguments)
    assert Delivery.objects.get(message=message).retrieved_at is None
    name, content_type, data = services.attachment_download(
        actor=person(applicant, "substantial"), **arguments
    )
    assert (name, content_type, data) == ("bescheid.pdf", "application/pdf", samples.pdf())
    delivery = Delivery.objects.get(message=message)
    assert delivery.retrieved_at is not None and delivery.provision.notified_on is not None


def test_an_act_must_be_a_pdf(citizen, clamav):
    from rathaus.accounts.selectors import consent_text_current
    from rathaus.accounts.services import consent_give
    from rathaus.core.errors import DomainError
    from rathaus.mailbox.provisions import CONSENT_KEY
    from tests.applications.inbox_data import make_submission

    submission = make_submission()
    clerk = make_staff("clerk-act-png", (submission.office, Role.CASE_WORKER))
    consent_give(
        user=submission.case.applicant, text=consent_text_current(key=CONSENT_KEY), language="de"
    )
    for document, text in ((None, "PDF"), (act_pdf("b.png", samples.png()), "PDF")):
        with pytest.raises(DomainError, match=text):
            services.act_provide(
                actor=person(clerk),
                case=submission.case,
                subject="Bescheid",
                body="x",
                required_level="low",
                document=document,
            )
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("accepted", "level", "written"),
    [
        (True, "substantial", True),
        (True, "high", True),
        (True, "low", False),
        (True, "", False),
        (False, "high", False),
    ],
)
def test_written_form_where_the_office_accepts_it(citizen, office, accepted, level, written):
    Mailbox.objects.filter(pk=services.mailbox_of_office(office=office).pk).update(
        written_form_accepted=accepted
    )
    message = write(citizen, office, level=level)
    assert message.written_form is written


def test_the_staff_view_shows_level_and_written_form(client, citizen, clerk, office, demo_seal):
    box = services.mailbox_of_office(office=office)
    Mailbox.objects.filter(pk=box.pk).update(written_form_accepted=True)
    message = write(citizen, office, level="substantial")
    receipts = receipts_for_sent(message_id=message.pk)
    assert json.loads(receipts[0].receipt.document)["written_form"] is True
    login_with_mfa(client, clerk)
    page = client.get(reverse("backoffice:mailbox-thread", args=[box.pk, message.thread_id]))
    text = page.content.decode()
    assert "Vertrauensniveau" in text and "substantial" in text
    assert "Schriftform" in text
