"""Notification e-mails (Bekanntgabe per E-Mail) about a submission: received, status
changed, documents requested.

They carry no personal form data and no staff note: only the reference number, the service,
the responsible office, the status or deadline and a link to "Mein Bereich", where the
applicant reads everything after logging in. Written in the applicant's language
(`Submission.language`), plain text with an HTML alternative, sent with Django's mail API
(SMTP in production).

Sent at most once per cause: `NotificationSent` (unique key) is inserted in the outbox
message's transaction *before* the mail is handed to the SMTP server, so a concurrent second
run waits on the key and then skips, and a failed send rolls the record back for the retry.
What remains is the at-least-once window of any outbox: a worker that dies after the SMTP
server accepted the mail but before its transaction committed sends the mail again on retry.
"""

from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from rathaus.applications.events import SubmissionCreated
from rathaus.applications.models import NotificationSent, Submission
from rathaus.cases.events import CaseDocumentRequested, CaseStatusChanged
from rathaus.cases.models import Case, DocumentRequest, StatusChange
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.events import event_subscriber
from rathaus.core.outbox import outbox_handlers
from rathaus.core.public_urls import public_url
from rathaus.municipalities.configuration import mail_sender_for

# The citizen's overview of their applications (portal "Mein Bereich").
MY_AREA_PATH = "/antraege/"


def my_area_url() -> str:
    """Absolute link to "Mein Bereich" for e-mails (settings.RATHAUS_PUBLIC_URL)."""
    return public_url(MY_AREA_PATH)


def _language(submission: Submission) -> str:
    return "en" if submission.language == "en" else "de"


def _send_once(*, key: str, submission: Submission, template: str, extra: dict[str, Any]) -> bool:
    """Send the mail `template` (…_subject.txt, …_body.txt, …_body.html) about `submission`
    unless the mail with `key` went out already; True when it was sent now."""
    recipient = submission.applicant.email
    with transaction.atomic():
        try:
            with transaction.atomic():
                NotificationSent.objects.create(
                    key=key, submission=submission, sent_at=timezone.now()
                )
        except IntegrityError:  # sent before (or a concurrent run sends it right now)
            return False
        if not recipient:
            audit_record(
                actor=Actor.system("notification"),
                action="submission.notification_skipped",
                obj=submission,
                details={"key": key, "reason": "no e-mail address"},
            )
            return False
        office = submission.office
        language = _language(submission)
        with translation.override(language):
            context = {
                "language": language,
                "reference": submission.reference,
                "service_name": submission.service.name,
                "office_name": office.name_en
                if language == "en" and office.name_en
                else office.name,
                "office_email": office.email,
                "office_phone": office.phone,
                "municipality_name": submission.municipality.name,
                "my_area_url": my_area_url(),
                **extra,
            }
            subject = " ".join(
                render_to_string(f"applications/email/{template}_subject.txt", context).split()
            )
            body = render_to_string(f"applications/email/{template}_body.txt", context)
            html = render_to_string(f"applications/email/{template}_body.html", context)
        # From (and Reply-To) of the submission's municipality, else the installation's.
        sender = mail_sender_for(municipality=submission.municipality_id)
        message = EmailMultiAlternatives(
            subject=subject,
            body=body,
            from_email=sender.from_email,
            to=[recipient],
            reply_to=list(sender.reply_to) or None,
        )
        message.attach_alternative(html, "text/html")
        message.send()
        audit_record(
            actor=Actor.system("notification"),
            action="submission.notification_sent",
            obj=submission,
            details={"key": key, "template": template},
        )
    return True


def submission_notify(*, submission_id: Any) -> bool:
    """E-mail the applicant that the application was received (once)."""
    submission = Submission.objects.select_related(
        "applicant", "service", "office", "municipality"
    ).get(pk=submission_id)
    return _send_once(
        key=f"submission.notify:{submission.pk}",
        submission=submission,
        template="submission_received",
        extra={},
    )


def status_change_notify(*, status_change_id: Any) -> bool:
    """E-mail the applicant that the status changed (once per status change). The staff
    note is left out (it may contain personal data); the mail points to "Mein Bereich"."""
    change = StatusChange.objects.select_related(
        "case__submission__applicant",
        "case__submission__service",
        "case__submission__office",
        "case__submission__municipality",
    ).get(pk=status_change_id)
    submission = change.case.submission
    with translation.override(_language(submission)):
        status = str(Case.Status(change.status).label)
    return _send_once(
        key=f"submission.status_notify:{change.pk}",
        submission=submission,
        template="status_changed",
        extra={"status": status},
    )


def document_request_notify(*, document_request_id: Any) -> bool:
    """E-mail the applicant that documents are requested, with the deadline (once). The
    request's message stays in "Mein Bereich"."""
    request = DocumentRequest.objects.select_related(
        "case__submission__applicant",
        "case__submission__service",
        "case__submission__office",
        "case__submission__municipality",
    ).get(pk=document_request_id)
    submission = request.case.submission
    with translation.override(_language(submission)):
        deadline = formats.date_format(request.deadline, "DATE_FORMAT")
    return _send_once(
        key=f"submission.document_request_notify:{request.pk}",
        submission=submission,
        template="document_requested",
        extra={"deadline": deadline},
    )


@event_subscriber(SubmissionCreated, name="applications.notify")
def submission_notify_on_submission(event: SubmissionCreated) -> None:
    """Subscriber of `submission.created`: the confirmation e-mail to the applicant (sent
    once: submission_notify)."""
    submission_notify(submission_id=event.submission_id)


# Deprecated alias: messages of the old command topic "submission.notify" may still be
# pending in a database upgraded from a release before domain events. Remove it in the
# release after next (docs/adr/0013-domain-events.md).
@outbox_handlers.register("submission.notify")
def submission_notify_handler(payload: dict[str, Any]) -> None:
    """Outbox handler of the old topic "submission.notify": {"submission": "<uuid>"}."""
    submission_notify(submission_id=payload["submission"])


@event_subscriber(CaseStatusChanged, name="applications.status_notification")
def status_change_notify_on_case(event: CaseStatusChanged) -> None:
    """Subscriber of `case.status_changed`: the status e-mail to the applicant (once per
    status change), unless the change's own event says another mail tells it already."""
    if event.notify_applicant:
        status_change_notify(status_change_id=event.status_change_id)


@event_subscriber(CaseDocumentRequested, name="applications.document_request_notification")
def document_request_notify_on_case(event: CaseDocumentRequested) -> None:
    """Subscriber of `case.document_requested`: the e-mail naming the deadline (once)."""
    document_request_notify(document_request_id=event.document_request_id)


# Deprecated aliases: messages of the old command topics may still be pending in a database
# upgraded from a release before cases and domain events (docs/adr/0014-cases.md).
@outbox_handlers.register("submission.status_notify")
def status_change_notify_handler(payload: dict[str, Any]) -> None:
    """Outbox handler of the old topic "submission.status_notify": {"status_change": "<uuid>"}."""
    status_change_notify(status_change_id=payload["status_change"])


@outbox_handlers.register("submission.document_request_notify")
def document_request_notify_handler(payload: dict[str, Any]) -> None:
    """Outbox handler of the old topic "submission.document_request_notify":
    {"document_request": "<uuid>"}."""
    document_request_notify(document_request_id=payload["document_request"])
