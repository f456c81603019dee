"""Expiry of unsubmitted drafts: a reminder e-mail before, deletion after `expires_at`.

`drafts_expire` runs hourly (Celery beat). A reminder is decided in the database
(`Draft.reminder_sent_at`, set together with an outbox message in one transaction), so a
draft gets one reminder per expiry period however often the job runs; saving a step moves
`expires_at` and clears `reminder_sent_at`, so the next period gets its own reminder. The
mail itself goes out through the outbox (topic `draft.reminder`), which retries when the mail
server is down. It names the service and the date only, never form data.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from rathaus.applications.drafts import DraftPaid, draft_delete
from rathaus.applications.models import Draft, Submission
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.outbox import outbox_enqueue, outbox_handlers
from rathaus.core.public_urls import public_url
from rathaus.municipalities.configuration import mail_sender_for

logger = logging.getLogger(__name__)

REMINDER_TOPIC = "draft.reminder"


@dataclass(frozen=True)
class ExpiryReport:
    reminded: int
    deleted: int


def _open_drafts() -> Any:
    return Draft.objects.filter(submission__isnull=True)


def _submitted(draft: Draft) -> bool:
    # Not a join in the locking query: PostgreSQL cannot lock the nullable side of one.
    return Submission.objects.filter(draft_id=draft.pk).exists()


def drafts_expire(*, now: datetime | None = None) -> ExpiryReport:
    """Delete unsubmitted drafts past `expires_at` (with their uploads) and remind the
    applicants of drafts expiring within `RATHAUS_DRAFT_REMINDER_DAYS` once."""
    now = now or timezone.now()
    deleted = 0
    for draft in _open_drafts().filter(expires_at__lte=now).only("pk"):
        if _draft_expire_one(draft_id=draft.pk, now=now):
            deleted += 1
    reminded = 0
    window = now + timedelta(days=settings.RATHAUS_DRAFT_REMINDER_DAYS)
    due = _open_drafts().filter(
        expires_at__gt=now, expires_at__lte=window, reminder_sent_at__isnull=True
    )
    for draft in due.only("pk"):
        if draft_remind(draft_id=draft.pk, now=now):
            reminded += 1
    return ExpiryReport(reminded=reminded, deleted=deleted)


def _draft_expire_one(*, draft_id: Any, now: datetime) -> bool:
    # Re-checked under the lock in draft_delete's transaction: the applicant may have saved
    # a step (new expiry) or submitted since the list was read.
    with transaction.atomic():
        draft = Draft.objects.select_for_update().filter(pk=draft_id).first()
        if draft is None or draft.expires_at > now or _submitted(draft):
            return False
        try:
            draft_delete(draft=draft, actor=Actor.system("draft_expiry"))
        except DraftPaid:
            # A paid draft stays (the applicant can still submit it; the office sees the
            # payment in the admin); deleting it would lose track of the money.
            return False
    return True


@transaction.atomic
def draft_remind(*, draft_id: Any, now: datetime | None = None) -> bool:
    """Record that the reminder for this draft's expiry goes out and enqueue the mail;
    False when it was already sent, the draft is gone, submitted or not due."""
    now = now or timezone.now()
    window = now + timedelta(days=settings.RATHAUS_DRAFT_REMINDER_DAYS)
    draft = Draft.objects.select_for_update().filter(pk=draft_id).first()
    if (
        draft is None
        or draft.reminder_sent_at is not None
        or not now < draft.expires_at <= window
        or _submitted(draft)
    ):
        return False
    draft.reminder_sent_at = now
    draft.save(update_fields=["reminder_sent_at"])
    audit_record(
        actor=Actor.system("draft_expiry"),
        action="draft.expiry_reminder",
        obj=draft,
        municipality=draft.offer.municipality_id,
        details={"expires_at": draft.expires_at.isoformat()},
    )
    outbox_enqueue(
        topic=REMINDER_TOPIC,
        payload={"draft": str(draft.pk), "expires_at": draft.expires_at.isoformat()},
    )
    return True


def draft_continue_path(draft: Draft) -> str:
    """Where the applicant continues: the first step not completed, else the check page."""
    steps = [s["id"] for s in (draft.form.ui or {}).get("steps", [])]
    open_steps = [s for s in steps if s not in draft.completed_steps]
    # URL names of the portal's application pages (portal/application_urls.py, "apply").
    if open_steps:
        return reverse("apply:step", kwargs={"draft_id": draft.pk, "step_id": open_steps[0]})
    return reverse("apply:check", kwargs={"draft_id": draft.pk})


@outbox_handlers.register(REMINDER_TOPIC)
def draft_reminder_send(payload: dict[str, Any]) -> None:
    """Outbox handler: the reminder e-mail. Skipped when the draft was submitted, deleted or
    saved again since (the expiry in the payload no longer matches). At least once: a worker
    dying between SMTP and marking the message done sends it again."""
    draft = (
        Draft.objects.select_related("applicant", "form__service", "offer")
        .filter(pk=payload["draft"], submission__isnull=True)
        .first()
    )
    if draft is None or draft.expires_at != datetime.fromisoformat(payload["expires_at"]):
        return
    user = draft.applicant
    if not user.email:
        return
    language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "service_name": str(draft.form.service.name),
            "expires_at": timezone.localtime(draft.expires_at),
            "link": public_url(draft_continue_path(draft)),
        }
        subject = render_to_string("applications/email/draft_reminder_subject.txt", context)
        body = render_to_string("applications/email/draft_reminder_message.txt", context)
    # From (and Reply-To) of the municipality offering the service, else the installation's.
    sender = mail_sender_for(municipality=draft.offer.municipality_id)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=sender.from_email,
        to=[user.email],
        reply_to=list(sender.reply_to) or None,
    ).send()
    logger.info("Draft expiry reminder sent for draft %s", draft.pk)
