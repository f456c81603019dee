import hashlib
import os
import re
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import timezone, translation

from rathaus.applications import attachments
from rathaus.applications.attachments import (
    AttachmentNotReady,
    UploadRefused,
    attachment_add,
    attachment_open,
    attachment_remove,
    attachment_rescan_pending,
    attachment_status_text,
)
from rathaus.applications.drafts import DraftClosed
from rathaus.applications.models import Attachment
from rathaus.applications.submissions import submission_create, submission_problems
from rathaus.cases.models import DocumentRequest
from rathaus.core.actors import Actor
from rathaus.core.errors import NotPermitted
from rathaus.core.models import AuditEvent, OutboxMessage
from rathaus.core.outbox import outbox_handlers
from rathaus.core.outbox_runner import outbox_process
from rathaus.core.registries import Registry
from rathaus.uploads import scanners as upload_scanners
from rathaus.uploads.checks import upload_rules
from tests.applications import upload_samples as samples
from tests.factories import DraftFactory, RequiredDocumentFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root", "in_english")]

MB = 1024 * 1024


def upload(content: bytes, name: str = "nachweis.pdf", claimed: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=claimed)


@pytest.fixture
def draft():
    return DraftFactory()


@pytest.fixture
def no_clamd(settings, tmp_path):
    """The scanner's socket exists in the settings, but no daemon listens there."""
    settings.RATHAUS_CLAMAV_URL = f"unix://{tmp_path}/no-clamd.sock"
    settings.RATHAUS_CLAMAV_TIMEOUT_SECONDS = 2


@pytest.mark.parametrize(
    ("sample", "name", "mime"),
    [
        (samples.pdf, "Antrag.pdf", "application/pdf"),
        (samples.jpeg, "foto.jpg", "image/jpeg"),
        (samples.png, "scan.png", "image/png"),
        (samples.tiff, "scan.tif", "image/tiff"),
        (samples.odt, "brief.odt", "application/vnd.oasis.opendocument.text"),
        (
            samples.docx,
            "brief.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_accepted_file_is_stored_hashed_and_scanned_clean(
    clamav, draft, media_root, sample, name, mime
):
    content = sample()
    attachment = attachment_add(
        upload=upload(content, name), actor=Actor.person(draft.applicant), draft=draft
    )
    attachment.refresh_from_db()
    assert attachment.scan_status == Attachment.ScanStatus.CLEAN
    assert attachment.scan_attempts == 1 and attachment.scanned_at is not None
    assert attachment.content_type == mime
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.original_name == name
    # The stored path is made of the attachment's id, never of the citizen's file name.
    assert re.fullmatch(rf"attachments/\d{{4}}/\d{{2}}/{attachment.pk}", attachment.file.name)
    assert (media_root / attachment.file.name).read_bytes() == content
    with attachment_open(attachment=attachment) as opened:
        assert opened.read() == content
    assert attachment_status_text(attachment) == "checked"


def test_large_upload_from_a_temporary_file_is_hashed_while_stored(
    clamav, draft, media_root, monkeypatch
):
    def no_second_pass(stream):
        raise AssertionError("the file was read a second time for its hash")

    monkeypatch.setattr(attachments, "_sha256_of", no_second_pass)
    content = samples.pdf(padding=bytes(range(256)) * 12000)  # ~3 MB, on disk
    temporary = TemporaryUploadedFile("gross.pdf", "application/pdf", len(content), None)
    temporary.write(content)
    temporary.seek(0)
    attachment = attachment_add(upload=temporary, actor=Actor.person(draft.applicant), draft=draft)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert (media_root / attachment.file.name).read_bytes() == content
    temporary.close()


def test_audit_records_add_and_scan_without_file_content_or_name(clamav, draft):
    content = samples.pdf()
    attachment = attachment_add(
        upload=upload(content, "Erika_Ausweis.pdf"),
        actor=Actor.person(draft.applicant),
        draft=draft,
    )
    added = AuditEvent.objects.get(action="attachment.add", object_id=str(attachment.pk))
    assert added.actor_id == str(draft.applicant.pk)
    assert added.details["sha256"] == attachment.sha256
    assert added.details["draft"] == str(draft.pk)
    scanned = AuditEvent.objects.get(action="attachment.scan", object_id=str(attachment.pk))
    assert scanned.details["result"] == "clean" and scanned.actor_type == "system"
    for event in (added, scanned):
        assert "Erika_Ausweis" not in str(event.details)


@pytest.mark.parametrize(
    ("sample", "name", "message"),
    [
        (samples.exe, "nachweis.pdf", "Only PDF, JPEG, PNG, TIFF, ODT or DOCX are accepted"),
        (samples.plain_zip, "nachweise.zip", "Archives"),
        (samples.plain_zip, "nachweis.docx", "Archives"),
        (samples.rar, "nachweis.pdf", "Archives"),
        (lambda: samples.docx(macros=True), "brief.docx", "macros"),
        (samples.eicar, "eicar.pdf", "The content of this file is a text file"),
    ],
)
def test_refused_by_content_whatever_the_name(clamav, draft, sample, name, message):
    with pytest.raises(UploadRefused, match=message) as refused:
        attachment_add(
            upload=upload(sample(), name), actor=Actor.person(draft.applicant), draft=draft
        )
    assert refused.value.field == "file"
    assert not Attachment.objects.exists()
    assert not AuditEvent.objects.filter(action="attachment.add").exists()


def test_executable_is_named_in_the_message(clamav, draft):
    with pytest.raises(UploadRefused, match="program") as refused:
        attachment_add(
            upload=upload(samples.exe(), "bild.png"),
            actor=Actor.person(draft.applicant),
            draft=draft,
        )
    assert "PDF, JPEG, PNG, TIFF, ODT or DOCX" in refused.value.message


def test_claimed_type_is_ignored_the_content_decides(clamav, draft):
    attachment = attachment_add(
        upload=upload(samples.png(), "foto.pdf", claimed="application/pdf"),
        actor=Actor.person(draft.applicant),
        draft=draft,
    )
    assert attachment.content_type == "image/png"


def test_allowed_types_come_from_the_settings(clamav, draft, settings):
    settings.RATHAUS_UPLOAD_ALLOWED_TYPES = ["pdf"]
    with pytest.raises(UploadRefused, match=r"Only PDF are accepted\. The content .* PNG"):
        attachment_add(
            upload=upload(samples.png(), "a.png"), actor=Actor.person(draft.applicant), draft=draft
        )
    assert attachment_add(
        upload=upload(samples.pdf()), actor=Actor.person(draft.applicant), draft=draft
    )


def test_oversized_file_is_refused_naming_the_file_its_size_and_the_limit(clamav, draft, settings):
    settings.RATHAUS_UPLOAD_MAX_FILE_BYTES = 2 * MB
    content = samples.pdf(padding=bytes(int(2.25 * MB)))
    with pytest.raises(UploadRefused) as refused:
        attachment_add(
            upload=upload(content, "x.pdf"), actor=Actor.person(draft.applicant), draft=draft
        )
    assert refused.value.message.startswith(
        "The file “x.pdf” is 2.3 MB. A file may be at most 2 MB. Please upload a smaller file"
    )
    with translation.override("de"), pytest.raises(UploadRefused) as refused:
        attachment_add(
            upload=upload(content, "x.pdf"), actor=Actor.person(draft.applicant), draft=draft
        )
    assert refused.value.message.startswith(
        "Die Datei „x.pdf“ ist 2,3 MB groß. Eine Datei darf höchstens 2 MB groß sein. Bitte "
    )
    assert not Attachment.objects.exists()


def test_a_file_just_over_the_limit_never_reads_as_large_as_the_limit(clamav, draft):
    # 10 MB and a few bytes used to read "larger than 10 MB (10 MB)".
    content = samples.pdf(padding=bytes(10 * MB))
    with pytest.raises(UploadRefused) as refused:
        attachment_add(
            upload=upload(content, "scan.pdf"), actor=Actor.person(draft.applicant), draft=draft
        )
    assert "is 10.1 MB. A file may be at most 10 MB." in refused.value.message


def test_total_per_application_is_limited(clamav, draft, settings):
    settings.RATHAUS_UPLOAD_MAX_FILE_BYTES = 2 * MB
    settings.RATHAUS_UPLOAD_MAX_TOTAL_BYTES = 3 * MB
    big = samples.pdf(padding=bytes(int(1.4 * MB)))
    attachment_add(upload=upload(big, "a.pdf"), actor=Actor.person(draft.applicant), draft=draft)
    attachment_add(upload=upload(big, "b.pdf"), actor=Actor.person(draft.applicant), draft=draft)
    with pytest.raises(UploadRefused) as refused:
        attachment_add(
            upload=upload(big, "c.pdf"), actor=Actor.person(draft.applicant), draft=draft
        )
    assert refused.value.message.startswith(
        "The file “c.pdf” is 1.5 MB; together with the files uploaded already (2.8 MB) that "
        "makes 4.3 MB. All files of one application together may be at most 3 MB."
    )
    with translation.override("de"), pytest.raises(UploadRefused) as refused:
        attachment_add(
            upload=upload(big, "c.pdf"), actor=Actor.person(draft.applicant), draft=draft
        )
    assert refused.value.message.startswith(
        "Die Datei „c.pdf“ ist 1,5 MB groß. Zusammen mit den bereits hochgeladenen Dateien "
        "(2,8 MB) wären es 4,3 MB. Alle Dateien eines Antrags zusammen dürfen höchstens 3 MB "
        "groß sein."
    )
    assert Attachment.objects.count() == 2
    # Another application has its own total.
    other = DraftFactory(applicant=draft.applicant)
    attachment_add(upload=upload(big, "c.pdf"), actor=Actor.person(draft.applicant), draft=other)


def test_empty_file_is_refused(clamav, draft):
    with pytest.raises(UploadRefused, match="empty"):
        attachment_add(upload=upload(b""), actor=Actor.person(draft.applicant), draft=draft)


def test_eicar_is_refused_infected_and_its_content_deleted(clamav, draft, media_root):
    content = samples.eicar_in_pdf()
    attachment = attachment_add(
        upload=upload(content), actor=Actor.person(draft.applicant), draft=draft
    )
    attachment.refresh_from_db()
    assert attachment.scan_status == Attachment.ScanStatus.INFECTED
    assert attachment.scan_detail.startswith("Eicar-Test-Signature")
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()  # kept as evidence
    assert not attachment.file
    assert not any(p.is_file() for p in media_root.rglob("*"))
    assert attachment_status_text(attachment) == "virus found – removed"
    with pytest.raises(AttachmentNotReady, match="virus"):
        attachment_open(attachment=attachment)
    assert submission_problems(draft=draft).infected_attachments == [attachment]
    scanned = AuditEvent.objects.get(action="attachment.scan", object_id=str(attachment.pk))
    assert scanned.details["result"] == "infected"
    # A verdict was reached: no retry is queued.
    assert not OutboxMessage.objects.filter(topic="attachment.scan").exists()


def _becomes_due(message):
    # Time passes: the outbox runner picks a message once it is due (available_at <= now).
    OutboxMessage.objects.filter(pk=message.pk).update(available_at=timezone.now())


def test_scanner_unreachable_keeps_upload_pending_and_retries_later(
    no_clamd, draft, settings, clamd_url
):
    content = samples.pdf()
    attachment = attachment_add(
        upload=upload(content), actor=Actor.person(draft.applicant), draft=draft
    )
    assert attachment.scan_status == Attachment.ScanStatus.PENDING
    assert attachment.scan_attempts == 1
    assert attachment_status_text(attachment) == "waiting for virus scan"
    with pytest.raises(AttachmentNotReady, match="not been checked"):
        attachment_open(attachment=attachment)
    message = OutboxMessage.objects.get(topic="attachment.scan")
    assert message.payload == {"attachment": str(attachment.pk)}
    assert message.available_at >= timezone.now() + timedelta(seconds=50)  # backoff
    unavailable = AuditEvent.objects.get(action="attachment.scan")
    assert unavailable.details["result"] == "unavailable"

    # Still down when the retry is due: one more attempt, the next retry waits longer.
    _becomes_due(message)
    outbox_handlers.get("attachment.scan")(message.payload)
    attachment.refresh_from_db()
    assert attachment.scan_attempts == 2
    retry = OutboxMessage.objects.filter(topic="attachment.scan").latest("id")
    assert retry.pk != message.pk
    assert retry.available_at >= timezone.now() + timedelta(seconds=110)

    # The daemon is back: the queued retry scans it clean and it can be opened.
    settings.RATHAUS_CLAMAV_URL = clamd_url
    _becomes_due(retry)
    assert outbox_process(message_id=retry.pk)  # through the real outbox runner
    retry.refresh_from_db()
    assert retry.status == OutboxMessage.Status.DONE
    attachment.refresh_from_db()
    assert attachment.scan_status == Attachment.ScanStatus.CLEAN
    assert attachment.scan_attempts == 3
    with attachment_open(attachment=attachment) as opened:
        assert opened.read() == content
    # A late duplicate message changes nothing (idempotent).
    outbox_handlers.get("attachment.scan")(retry.payload)
    attachment.refresh_from_db()
    assert attachment.scan_attempts == 3


def test_without_any_scanner_plugin_uploads_stay_pending(clamav, draft, monkeypatch):
    monkeypatch.setattr(upload_scanners, "virus_scanners", Registry("virus scanners"))
    attachment = attachment_add(
        upload=upload(samples.pdf()), actor=Actor.person(draft.applicant), draft=draft
    )
    assert attachment.scan_status == Attachment.ScanStatus.PENDING
    assert OutboxMessage.objects.filter(topic="attachment.scan").count() == 1


def test_rescan_pending_requeues_only_what_has_no_scan_waiting(no_clamd, draft):
    attachment = attachment_add(
        upload=upload(samples.pdf()), actor=Actor.person(draft.applicant), draft=draft
    )
    assert attachment_rescan_pending() == 0  # the retry is queued already
    OutboxMessage.objects.filter(topic="attachment.scan").update(status=OutboxMessage.Status.FAILED)
    assert attachment_rescan_pending() == 1
    queued = OutboxMessage.objects.get(topic="attachment.scan", status="pending")
    assert queued.payload == {"attachment": str(attachment.pk)}
    assert attachment_rescan_pending() == 0


def test_another_user_cannot_add_to_a_draft(clamav, draft):
    with pytest.raises(NotPermitted):
        attachment_add(upload=upload(samples.pdf()), actor=Actor.person(UserFactory()), draft=draft)
    assert not Attachment.objects.exists()


def test_no_upload_to_a_submitted_draft(clamav, draft):
    submission_create(draft=draft, actor=Actor.person(draft.applicant))
    with pytest.raises(DraftClosed):
        attachment_add(
            upload=upload(samples.pdf()), actor=Actor.person(draft.applicant), draft=draft
        )


def test_required_document_must_belong_to_the_service(clamav, draft):
    own = RequiredDocumentFactory(service=draft.offer.service)
    foreign = RequiredDocumentFactory()
    attachment = attachment_add(
        upload=upload(samples.pdf()),
        actor=Actor.person(draft.applicant),
        draft=draft,
        required_document=own,
    )
    assert attachment.required_document == own
    with pytest.raises(UploadRefused, match="not asked for"):
        attachment_add(
            upload=upload(samples.pdf()),
            actor=Actor.person(draft.applicant),
            draft=draft,
            required_document=foreign,
        )


@pytest.fixture
def document_request(draft):
    submission = submission_create(draft=draft, actor=Actor.person(draft.applicant))
    return DocumentRequest.objects.create(
        case=submission.case,
        message="Bitte reichen Sie den Mietvertrag nach.",
        deadline=timezone.localdate() + timedelta(days=14),
    )


def test_upload_for_a_document_request_joins_the_submission(clamav, document_request):
    applicant = document_request.case.submission.applicant
    attachment = attachment_add(
        upload=upload(samples.pdf()),
        actor=Actor.person(applicant),
        document_request=document_request,
    )
    assert attachment.submission == document_request.case.submission
    assert attachment.document_request == document_request
    assert attachment.draft is None
    assert attachment.scan_status == Attachment.ScanStatus.CLEAN
    with pytest.raises(NotPermitted):
        attachment_add(
            upload=upload(samples.pdf()),
            actor=Actor.person(UserFactory()),
            document_request=document_request,
        )
    document_request.status = DocumentRequest.Status.FULFILLED
    document_request.save()
    with pytest.raises(UploadRefused, match="closed"):
        attachment_add(
            upload=upload(samples.pdf()),
            actor=Actor.person(applicant),
            document_request=document_request,
        )


def test_remove_while_open_deletes_row_and_content_after_commit(
    clamav, draft, media_root, django_capture_on_commit_callbacks
):
    attachment = attachment_add(
        upload=upload(samples.pdf()), actor=Actor.person(draft.applicant), draft=draft
    )
    stored = media_root / attachment.file.name
    with pytest.raises(NotPermitted):
        attachment_remove(attachment=attachment, actor=Actor.person(UserFactory()))
    with django_capture_on_commit_callbacks(execute=True):
        attachment_remove(attachment=attachment, actor=Actor.person(draft.applicant))
    assert not Attachment.objects.exists()
    assert not stored.exists()
    removed = AuditEvent.objects.get(action="attachment.remove")
    assert removed.details["sha256"] == attachment.sha256


def test_remove_is_refused_after_submission(clamav, draft):
    attachment = attachment_add(
        upload=upload(samples.pdf()), actor=Actor.person(draft.applicant), draft=draft
    )
    submission_create(draft=draft, actor=Actor.person(draft.applicant))
    with pytest.raises(DraftClosed):
        attachment_remove(attachment=attachment, actor=Actor.person(draft.applicant))
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_open_uses_the_current_verdict_not_a_stale_object(clamav, draft):
    attachment = attachment_add(
        upload=upload(samples.pdf()), actor=Actor.person(draft.applicant), draft=draft
    )
    Attachment.objects.filter(pk=attachment.pk).update(scan_status="pending")
    assert attachment.scan_status == Attachment.ScanStatus.CLEAN  # stale in memory
    with pytest.raises(AttachmentNotReady):
        attachment_open(attachment=attachment)


# --- Hardening: what the scanner could not read is refused before it is stored ---


@pytest.mark.parametrize(
    ("sample", "name", "message"),
    [
        (
            lambda: samples.docx_with("word/media/image1.bin", samples.eicar(), zipfile.ZIP_LZMA),
            "brief.docx",
            "The file “brief.docx” is packed in an unusual way",
        ),
        (
            samples.docx_encrypted_member,
            "brief.docx",
            "The file “brief.docx” contains encrypted parts, so it cannot be checked for viruses. "
            "Please save the document again without a password",
        ),
        (
            samples.docx_bomb,
            "gross.docx",
            "The file “gross.docx” takes up more than 50 MB once unpacked",
        ),
        (
            samples.pdf_with_zip_appended,
            "bescheid.pdf",
            "The file “bescheid.pdf” is a PDF with other data attached after its end.",
        ),
    ],
)
def test_content_the_scanner_cannot_read_is_refused_before_storing(
    clamav, draft, media_root, sample, name, message
):
    with pytest.raises(UploadRefused) as refused:
        attachment_add(
            upload=upload(sample(), name), actor=Actor.person(draft.applicant), draft=draft
        )
    assert refused.value.message.startswith(message)
    assert refused.value.field == "file"
    assert not Attachment.objects.exists()
    assert not any(p.is_file() for p in media_root.rglob("*"))


def test_refusals_are_told_in_german(clamav, draft):
    expected = {
        samples.docx_encrypted_member: "Die Datei „a.docx“ enthält verschlüsselte Teile",
        samples.docx_bomb: "Die Datei „a.docx“ ist entpackt größer als 50 MB",
        samples.pdf_with_zip_appended: "Die Datei „a.docx“ ist eine PDF-Datei, an deren Ende",
    }
    for sample, start in expected.items():
        with translation.override("de"), pytest.raises(UploadRefused) as refused:
            attachment_add(
                upload=upload(sample(), "a.docx"), actor=Actor.person(draft.applicant), draft=draft
            )
        assert refused.value.message.startswith(start), refused.value.message
        assert "Sie" in refused.value.message  # says what to do


def test_unpacked_limits_come_from_the_settings(clamav, draft, settings):
    settings.RATHAUS_UPLOAD_MAX_UNPACKED_MEMBER_BYTES = 1 * MB
    content = samples.docx_with("word/media/a.bin", os.urandom(MB + 1))
    with pytest.raises(UploadRefused, match="more than 1 MB once unpacked"):
        attachment_add(
            upload=upload(content, "a.docx"), actor=Actor.person(draft.applicant), draft=draft
        )
    settings.RATHAUS_UPLOAD_MAX_UNPACKED_MEMBER_BYTES = 2 * MB
    assert attachment_add(
        upload=upload(content, "a.docx"), actor=Actor.person(draft.applicant), draft=draft
    )


@pytest.mark.parametrize(
    ("signature", "text"),
    [
        ("Eicar-Test-Signature", "virus found – removed"),
        ("Heuristics.Encrypted.Zip", "encrypted, so it could not be checked – removed"),
        ("Heuristics.Limits.Exceeded.MaxFiles", "too large or too complex to check – removed"),
    ],
)
def test_status_text_tells_unreadable_from_virus(signature, text):
    attachment = Attachment(scan_status=Attachment.ScanStatus.INFECTED, scan_detail=signature)
    assert attachment_status_text(attachment) == text


def test_upload_rules_name_types_and_both_limits(settings):
    settings.RATHAUS_UPLOAD_ALLOWED_TYPES = ["pdf", "jpeg"]
    settings.RATHAUS_UPLOAD_MAX_FILE_BYTES = 10 * MB
    settings.RATHAUS_UPLOAD_MAX_TOTAL_BYTES = 50 * MB + 100_000  # shown rounded down
    rules = upload_rules()
    assert (rules.types, rules.max_file, rules.max_total) == ("PDF or JPEG", "10 MB", "50 MB")
    assert rules.accept == ".pdf,.jpg,.jpeg,application/pdf,image/jpeg"
