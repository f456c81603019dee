"""Drafts expire: one reminder e-mail before (no form data), deletion with uploads after."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from rathaus.applications.expiry import draft_remind, drafts_expire
from rathaus.applications.models import Attachment, Draft
from rathaus.applications.submissions import submission_create
from rathaus.applications.tasks import drafts_expire_run
from rathaus.core.actors import Actor
from rathaus.core.models import AuditEvent, OutboxMessage
from tests.factories import DraftFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.RATHAUS_DRAFT_EXPIRY_DAYS = 30
    settings.RATHAUS_DRAFT_REMINDER_DAYS = 7
    settings.RATHAUS_PUBLIC_URL = "https://buergerportal.example.org"


def add_upload(draft: Draft) -> Path:
    attachment = Attachment(
        draft=draft,
        uploaded_by=draft.applicant,
        original_name="nachweis.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
    )
    attachment.file.save("nachweis.pdf", ContentFile(b"%PDF-1.4"), save=False)
    attachment.save()
    return Path(attachment.file.path)


def test_reminder_goes_out_once_in_the_applicants_language(django_capture_on_commit_callbacks):
    draft = DraftFactory(applicant__preferred_language="en", completed_steps=["person"])
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert drafts_expire(now=start + timedelta(days=22)).reminded == 0  # 8 days left
        report = drafts_expire(now=start + timedelta(days=24))  # 6 days left
    assert report.reminded == 1
    assert report.deleted == 0
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [draft.applicant.email]
    assert sent.subject == "Your application has not been submitted yet"
    assert f"https://buergerportal.example.org/antraege/{draft.pk}/schritt/dogs/" in sent.body
    with translation.override("en"):
        assert f'for "{draft.form.service.name}"' in sent.body
    # No form data and no personal data from the profile in the mail.
    assert "Erika" not in sent.body
    assert "Mustermann" not in sent.body
    draft.refresh_from_db()
    assert draft.reminder_sent_at == start + timedelta(days=24)
    message = OutboxMessage.objects.get(topic="draft.reminder")
    assert message.status == OutboxMessage.Status.DONE
    assert (
        AuditEvent.objects.filter(action="draft.expiry_reminder", object_id=str(draft.pk)).count()
        == 1
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert drafts_expire(now=start + timedelta(days=25)).reminded == 0
    assert len(mail.outbox) == 1


def test_a_rerun_of_the_reminder_message_after_saving_sends_nothing(
    django_capture_on_commit_callbacks,
):
    draft = DraftFactory(expires_at=timezone.now() + timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert draft_remind(draft_id=draft.pk) is True
    assert draft_remind(draft_id=draft.pk) is False  # recorded: no second reminder
    # The applicant continued before the mail went out: new expiry, the old reminder is void.
    Draft.objects.filter(pk=draft.pk).update(expires_at=timezone.now() + timedelta(days=30))
    for callback in callbacks:
        callback()
    assert mail.outbox == []
    assert OutboxMessage.objects.get(topic="draft.reminder").status == OutboxMessage.Status.DONE


def test_expired_draft_is_deleted_with_its_uploads(django_capture_on_commit_callbacks):
    draft = DraftFactory()
    upload = add_upload(draft)
    assert upload.exists()
    with django_capture_on_commit_callbacks(execute=True):
        report = drafts_expire(now=timezone.now() + timedelta(days=31))
    assert report.deleted == 1
    assert not Draft.objects.filter(pk=draft.pk).exists()
    assert not Attachment.objects.filter(draft_id=draft.pk).exists()
    assert not upload.exists()
    event = AuditEvent.objects.get(action="draft.expire", object_id=str(draft.pk))
    assert event.actor_type == AuditEvent.ActorType.SYSTEM
    assert event.details["attachments"] == 1


def test_not_yet_expired_drafts_stay():
    draft = DraftFactory()
    report = drafts_expire(now=timezone.now() + timedelta(days=29))
    assert report.deleted == 0
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_submitted_drafts_are_neither_reminded_nor_deleted(django_capture_on_commit_callbacks):
    draft = DraftFactory()
    submission = submission_create(draft=draft, actor=Actor.person(draft.applicant))
    with django_capture_on_commit_callbacks(execute=True):
        report_remind = drafts_expire(now=timezone.now() + timedelta(days=25))
        report_delete = drafts_expire(now=timezone.now() + timedelta(days=40))
    assert (report_remind.reminded, report_delete.deleted) == (0, 0)
    assert Draft.objects.filter(pk=draft.pk, submission=submission).exists()
    assert not OutboxMessage.objects.filter(topic="draft.reminder").exists()


def test_celery_task_runs_the_expiry(django_capture_on_commit_callbacks):
    draft = DraftFactory(expires_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        result = drafts_expire_run.delay()
    assert result.get() == {"reminded": 0, "deleted": 1}
    assert not Draft.objects.filter(pk=draft.pk).exists()


def test_reminder_links_to_the_check_page_when_every_step_is_done(
    django_capture_on_commit_callbacks,
):
    draft = DraftFactory(expires_at=timezone.now() + timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert drafts_expire().reminded == 1
    assert f"https://buergerportal.example.org/antraege/{draft.pk}/pruefen/" in mail.outbox[0].body
