"""The follow-ups of a submission subscribe to `submission.created`; messages of the old
command topics (pending in a database upgraded from an earlier release) still run;
`attachment.scanned` is published with the verdict."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from rathaus.applications import handover, scanning
from rathaus.applications.attachments import attachment_add
from rathaus.applications.events import AttachmentScanned, SubmissionCreated
from rathaus.applications.models import Attachment, Handover, NotificationSent
from rathaus.applications.submissions import submission_create
from rathaus.core.actors import Actor
from rathaus.core.models import OutboxMessage
from rathaus.core.outbox import outbox_handlers
from rathaus.core.outbox_runner import outbox_process
from rathaus.core.registries import Registry
from rathaus.uploads import scanners as upload_scanners
from rathaus.uploads.scanners import ScanResult, VirusScanner
from tests.applications import upload_samples as samples
from tests.applications.inbox_data import add_attachment
from tests.core.event_probe import probe_subscribe
from tests.factories import DraftFactory

pytestmark = pytest.mark.django_db

FOLLOW_UPS = {
    "submission.created/applications.receipt",
    "submission.created/applications.notify",
    "submission.created/applications.handover",
}


def _submit():
    draft = DraftFactory()
    return submission_create(draft=draft, actor=Actor.person(draft.applicant))


def test_submission_publishes_one_event_to_each_follow_up_with_ids_only():
    submission = _submit()
    messages = {m.topic: m.payload for m in OutboxMessage.objects.filter(topic__in=FOLLOW_UPS)}
    assert set(messages) == FOLLOW_UPS
    payloads = list(messages.values())
    assert all(p == payloads[0] for p in payloads)  # one event, one event id
    payload = payloads[0]
    assert payload["event"] == "submission.created" and payload["version"] == 1
    assert payload["data"] == {
        "submission_id": str(submission.pk),
        "municipality_id": str(submission.municipality_id),
        "service_id": str(submission.service_id),
        "office_id": str(submission.office_id) if submission.office_id else None,
    }
    # Ids only: nothing of the form data, the applicant or the reference number.
    text = str(payload)
    assert submission.reference not in text and "Erika" not in text
    assert SubmissionCreated.from_payload(payload).submission_id == submission.pk


def test_each_follow_up_runs_on_its_own_and_a_rerun_does_nothing_twice(monkeypatch, sealed):
    submission = _submit()
    by_topic = {m.topic: m for m in OutboxMessage.objects.filter(topic__in=FOLLOW_UPS)}

    def seal_down(**kwargs: Any) -> bytes:
        raise ConnectionError("seal service down")

    monkeypatch.setattr("rathaus.applications.receipts.pdf_seal", seal_down)
    assert not outbox_process(message_id=by_topic["submission.created/applications.receipt"].pk)
    assert outbox_process(message_id=by_topic["submission.created/applications.notify"].pk)
    assert outbox_process(message_id=by_topic["submission.created/applications.handover"].pk)
    assert len(mail.outbox) == 1
    receipt_message = by_topic["submission.created/applications.receipt"]
    receipt_message.refresh_from_db()
    assert receipt_message.status == OutboxMessage.Status.PENDING  # retried later, alone
    monkeypatch.undo()

    OutboxMessage.objects.filter(pk=receipt_message.pk).update(available_at=timezone.now())
    assert outbox_process(message_id=receipt_message.pk)
    submission.refresh_from_db()
    assert submission.receipt
    assert len(mail.outbox) == 1  # the notification did not run again


@pytest.mark.parametrize("topic", ["submission.receipt", "submission.notify"])
def test_messages_of_the_old_topics_still_run(topic, sealed):
    """Messages written by the release before domain events (one command per follow-up)."""
    submission = _submit()
    with transaction.atomic():
        old = OutboxMessage.objects.create(
            topic=topic, payload={"submission": str(submission.pk)}, available_at=timezone.now()
        )
    assert outbox_process(message_id=old.pk)
    submission.refresh_from_db()
    if topic == "submission.receipt":
        assert submission.receipt and submission.receipt_sha256
    else:
        assert len(mail.outbox) == 1
        # The new subscriber afterwards (both pending across the upgrade): no second mail.
        new = OutboxMessage.objects.get(topic="submission.created/applications.notify")
        assert outbox_process(message_id=new.pk)
        assert len(mail.outbox) == 1
        assert NotificationSent.objects.filter(submission=submission).count() == 1


def test_old_handover_topic_still_fans_out_to_the_channels(monkeypatch):
    submission = _submit()

    class Channel(handover.HandoverChannel):
        key = "test_old_topic"

    monkeypatch.setattr(
        handover, "handover_channels_for", lambda submission: [(Channel(), "dest-1")]
    )
    old = OutboxMessage.objects.create(
        topic="submission.handover",
        payload={"submission": str(submission.pk)},
        available_at=timezone.now(),
    )
    assert outbox_process(message_id=old.pk)
    row = Handover.objects.get(submission=submission)
    assert (row.channel, row.destination) == ("test_old_topic", "dest-1")
    assert OutboxMessage.objects.filter(
        topic="submission.handover.channel", payload__handover=str(row.pk)
    ).exists()
    # The new subscriber of the same submission adds no second hand-over.
    new = OutboxMessage.objects.get(topic="submission.created/applications.handover")
    assert outbox_process(message_id=new.pk)
    assert Handover.objects.filter(submission=submission).count() == 1
    assert OutboxMessage.objects.filter(topic="submission.handover.channel").count() == 1


class _Verdict(VirusScanner):
    key = "clamav"
    infected = False

    def scan(self, stream: Any) -> ScanResult:
        stream.read()
        return ScanResult(clean=not self.infected, signature="Eicar" if self.infected else "")


@pytest.fixture
def probe(monkeypatch):
    """A subscriber of `attachment.scanned` for this test only (its messages are not run)."""
    return probe_subscribe(monkeypatch, AttachmentScanned)


@pytest.mark.parametrize("infected", [False, True])
def test_scan_verdict_publishes_attachment_scanned(
    infected, probe, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    scanners: Registry[type[VirusScanner]] = Registry("virus scanners")
    monkeypatch.setattr(_Verdict, "infected", infected)
    scanners.register("clamav")(_Verdict)
    monkeypatch.setattr(upload_scanners, "virus_scanners", scanners)
    draft = DraftFactory()
    upload = SimpleUploadedFile("nachweis.pdf", samples.pdf(), content_type="application/pdf")
    attachment = attachment_add(upload=upload, actor=Actor.person(draft.applicant), draft=draft)
    message = OutboxMessage.objects.get(topic=probe.topic)
    event = AttachmentScanned.from_payload(message.payload)
    assert event.attachment_id == attachment.pk
    assert event.draft_id == draft.pk and event.submission_id is None
    assert event.result == ("infected" if infected else "clean")
    assert "nachweis" not in str(message.payload)


def test_no_verdict_publishes_nothing(probe, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    monkeypatch.setattr(upload_scanners, "virus_scanners", Registry("virus scanners"))
    draft = DraftFactory()
    upload = SimpleUploadedFile("nachweis.pdf", samples.pdf(), content_type="application/pdf")
    attachment_add(upload=upload, actor=Actor.person(draft.applicant), draft=draft)
    assert not OutboxMessage.objects.filter(topic=probe.topic).exists()


# --- The hand-over waiting for scans subscribes to `attachment.scanned` ---


def _waiting_handover(submission, *, leased: bool = False):
    row = Handover.objects.create(submission=submission, channel="test_waiting", destination="d")
    now = timezone.now()
    message = OutboxMessage.objects.create(
        topic=handover.CHANNEL_TOPIC,
        payload={"handover": str(row.pk)},
        available_at=now + timedelta(seconds=handover.NOT_READY_RETRY_SECONDS),
        locked_until=now + timedelta(seconds=60) if leased else None,
    )
    return row, message


def _scanned(attachment) -> AttachmentScanned:
    return AttachmentScanned(
        attachment_id=attachment.pk,
        draft_id=None,
        submission_id=attachment.submission_id,
        result="clean",
    )


def test_handover_waiting_for_scans_goes_on_when_the_last_verdict_is_in(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    assert "attachment.scanned/applications.handover_resume" in outbox_handlers
    submission = _submit()
    first = add_attachment(submission, scan_status=Attachment.ScanStatus.CLEAN)
    second = add_attachment(submission, scan_status=Attachment.ScanStatus.PENDING)
    _, waiting = _waiting_handover(submission)
    other_submission = _submit()
    _, elsewhere = _waiting_handover(other_submission)

    handover.handover_resume_on_scan(_scanned(first))  # the second is still being scanned
    waiting.refresh_from_db()
    assert waiting.available_at > timezone.now()

    Attachment.objects.filter(pk=second.pk).update(scan_status=Attachment.ScanStatus.CLEAN)
    with django_capture_on_commit_callbacks() as dispatched:
        handover.handover_resume_on_scan(_scanned(second))
    waiting.refresh_from_db()
    elsewhere.refresh_from_db()
    assert waiting.available_at <= timezone.now()  # due now, handed to the workers
    assert len(dispatched) == 1
    assert elsewhere.available_at > timezone.now()  # another submission's wait is untouched

    # Run again (the message is retried): nothing left to hasten.
    with django_capture_on_commit_callbacks() as again:
        handover.handover_resume_on_scan(_scanned(second))
    assert again == []


def test_a_handover_message_a_worker_holds_is_left_alone(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    submission = _submit()
    attachment = add_attachment(submission, scan_status=Attachment.ScanStatus.CLEAN)
    _, held = _waiting_handover(submission, leased=True)
    handover.handover_resume_on_scan(_scanned(attachment))
    held.refresh_from_db()
    assert held.available_at > timezone.now()


def test_scan_of_a_submitted_attachment_reaches_the_handover_subscriber(
    monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    scanners: Registry[type[VirusScanner]] = Registry("virus scanners")
    scanners.register("clamav")(_Verdict)
    monkeypatch.setattr(upload_scanners, "virus_scanners", scanners)
    submission = _submit()
    attachment = add_attachment(submission, scan_status=Attachment.ScanStatus.PENDING)
    scanning.attachment_scan(attachment_id=attachment.pk)
    message = OutboxMessage.objects.get(topic="attachment.scanned/applications.handover_resume")
    assert message.payload["data"]["submission_id"] == str(submission.pk)
    assert outbox_process(message_id=message.pk)
