"""Who and where in the audit trail of applications (issue 9): work nobody asked for is
recorded as the system with its named job, and every event about a draft, an upload or a
submission carries the municipality (tenant) it happens in."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from rathaus.applications import handover
from rathaus.applications.attachments import attachment_add, attachment_remove
from rathaus.applications.draft_payments import draft_payment_start
from rathaus.applications.drafts import (
    draft_accept_declarations,
    draft_delete,
    draft_save_step,
    draft_start,
)
from rathaus.applications.expiry import draft_remind, drafts_expire
from rathaus.applications.models import Draft
from rathaus.applications.notifications import submission_notify
from rathaus.applications.personal_data import erase_application_data
from rathaus.applications.receipts import receipt_create
from rathaus.applications.submissions import submission_create
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.models import AuditEvent, OutboxMessage
from rathaus.core.outbox_runner import outbox_process
from rathaus.core.registries import Registry
from rathaus.organisations.selectors import Principal
from rathaus.uploads import scanners as upload_scanners
from rathaus.uploads.scanners import ScanResult, VirusScanner
from tests.applications import upload_samples as samples
from tests.factories import DraftFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, sealed):
    settings.RATHAUS_DRAFT_EXPIRY_DAYS = 30
    settings.RATHAUS_DRAFT_REMINDER_DAYS = 7


class _Clean(VirusScanner):
    key = "clamav"

    def scan(self, stream: Any) -> ScanResult:
        stream.read()
        return ScanResult(clean=True)


@pytest.fixture
def scanner(monkeypatch):
    scanners: Registry[type[VirusScanner]] = Registry("virus scanners")
    scanners.register("clamav")(_Clean)
    monkeypatch.setattr(upload_scanners, "virus_scanners", scanners)


def _upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("nachweis.pdf", samples.pdf(), content_type="application/pdf")


def _events(action: str, object_id: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(object_id)))


def test_audit_record_refuses_an_actor_of_none():
    with transaction.atomic(), pytest.raises(TypeError, match=r"Actor\.system"):
        audit_record(actor=None, action="outbox.retry")


def test_follow_ups_of_a_submission_are_recorded_under_their_jobs(monkeypatch, scanner):
    draft = DraftFactory()
    attachment = attachment_add(upload=_upload(), actor=Actor.person(draft.applicant), draft=draft)
    submission = submission_create(draft=draft, actor=Actor.person(draft.applicant))

    receipt_create(submission_id=submission.pk)
    assert submission_notify(submission_id=submission.pk)

    class Channel(handover.HandoverChannel):
        key = "test_audit"

        def destination_for(self, submission: Any) -> str | None:
            return "dest-1"

        def deliver(self, submission: Any, *, destination: str, resume: str = "", remember=None):
            assert remember is not None
            remember("remote-1")
            return "remote-1"

    channels: Registry[handover.HandoverChannel] = Registry("hand-over channels")
    channels.register("test_audit")(Channel())
    monkeypatch.setattr(handover, "handover_channels", channels)
    handover.submission_handover_start(submission_id=submission.pk)
    message = OutboxMessage.objects.get(topic=handover.CHANNEL_TOPIC)
    OutboxMessage.objects.filter(pk=message.pk).update(available_at=timezone.now())
    assert outbox_process(message_id=message.pk)

    jobs = {
        action: {(e.actor_type, e.actor_id, e.actor_label) for e in _events(action, object_id)}
        for action, object_id in [
            ("attachment.scan", attachment.pk),
            ("submission.receipt", submission.pk),
            ("submission.notification_sent", submission.pk),
            ("submission.handover.start", submission.pk),
            ("submission.handover", submission.pk),
        ]
    }
    assert jobs == {
        "attachment.scan": {("system", "virus_scan", "system")},
        "submission.receipt": {("system", "receipt", "system")},
        "submission.notification_sent": {("system", "notification", "system")},
        "submission.handover.start": {("system", "handover", "system")},
        "submission.handover": {("system", "handover", "system")},
    }
    for action in jobs:
        assert {e.municipality_id for e in AuditEvent.objects.filter(action=action)} == {
            submission.municipality_id
        }


def test_expiry_and_erasure_are_recorded_under_their_jobs():
    reminded = DraftFactory()
    now = reminded.expires_at - timedelta(days=1)
    assert draft_remind(draft_id=reminded.pk, now=now)
    expired = DraftFactory()
    assert drafts_expire(now=timezone.now() + timedelta(days=31)).deleted >= 1
    erased = DraftFactory()
    erase_application_data(erased.applicant)

    def who(action: str, draft: Draft) -> tuple[str, str, Any]:
        (event,) = _events(action, draft.pk)
        return event.actor_type, event.actor_id, event.municipality_id

    assert who("draft.expiry_reminder", reminded) == (
        "system",
        "draft_expiry",
        reminded.offer.municipality_id,
    )
    assert who("draft.expire", expired) == ("system", "draft_expiry", expired.offer.municipality_id)
    assert who("draft.expire", erased) == (
        "system",
        "personal_data_erasure",
        erased.offer.municipality_id,
    )


def test_every_draft_and_upload_event_carries_the_municipality(scanner):
    draft = DraftFactory(
        form__service__fee_rule={
            "kind": "formula",
            "expression": "2500 * dogs",
            "parameters": [{"name": "dogs", "label_de": "Hunde", "min": 1, "max": 5}],
        }
    )
    applicant = Actor.person(draft.applicant)
    municipality_id = draft.offer.municipality_id
    draft_save_step(draft=draft, step="dogs", values={"/dogs": 1}, actor=applicant)
    draft_accept_declarations(draft=draft, accepted=set(), actor=applicant)
    attachment = attachment_add(upload=_upload(), actor=applicant, draft=draft)
    attachment_remove(attachment=attachment, actor=applicant)
    draft_payment_start(
        draft=draft,
        provider="sandbox",
        actor=applicant,
        return_url="/antraege/",
        notify_url="http://testserver/zahlung/benachrichtigung/sandbox/",
    )
    Draft.objects.filter(pk=draft.pk).update(payment=None)
    draft_delete(draft=draft, actor=applicant)
    actions = {
        "draft.save_step": draft.pk,
        "draft.declarations": draft.pk,
        "draft.payment_start": draft.pk,
        "draft.delete": draft.pk,
        "attachment.add": attachment.pk,
        "attachment.scan": attachment.pk,
        "attachment.remove": attachment.pk,
    }
    for action, object_id in actions.items():
        events = _events(action, object_id)
        assert events, action
        assert {e.municipality_id for e in events} == {municipality_id}, action


def test_draft_create_carries_the_municipality():
    draft = DraftFactory()
    principal = Principal(user=draft.applicant)
    started = draft_start(offer=draft.offer, principal=principal)
    (event,) = _events("draft.create", started.pk)
    assert event.municipality_id == draft.offer.municipality_id
    assert (event.actor_type, event.actor_id) == ("user", str(draft.applicant.pk))
