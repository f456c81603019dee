import datetime as dt
import email
import socket
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction

from rathaus.applications.models import NotificationSent, Submission
from rathaus.applications.notifications import (
    document_request_notify,
    status_change_notify,
    submission_notify,
)
from rathaus.applications.submissions import submission_create
from rathaus.cases.models import Case, DocumentRequest, StatusChange
from rathaus.core.actors import Actor
from rathaus.core.models import AuditEvent, OutboxMessage
from rathaus.core.outbox import outbox_enqueue
from tests.factories import DraftFactory

pytestmark = pytest.mark.django_db

FORM_NAME = "Wilhelmine Zufallsname"  # typed into the form: must never appear in a mail


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_port():
    return _free_port()


@pytest.fixture
def smtp(settings, smtp_port):
    """A real SMTP server on loopback; Django sends through it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_TIMEOUT = 5
    settings.RATHAUS_PUBLIC_URL = "https://portal.example.de"
    yield inbox
    controller.stop()


def _texts(message) -> tuple[str, str]:
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return plain, html


def _submission(*, language="de", **kwargs) -> Submission:
    draft = DraftFactory(data={"name": FORM_NAME, "dogs": 2}, **kwargs)
    return submission_create(draft=draft, actor=Actor.person(draft.applicant), language=language)


def test_received_mail_goes_out_via_smtp_once_without_form_data(smtp):
    submission = _submission()
    assert submission_notify(submission_id=submission.pk) is True
    assert submission_notify(submission_id=submission.pk) is False  # outbox retry: no second mail
    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == [submission.applicant.email]
    assert submission.reference in message["Subject"]
    plain, html = _texts(message)
    for text in (plain, html):
        assert submission.reference in text
        assert submission.service.name_de in text  # German service name for a German applicant
        assert submission.office.name in text
        assert "https://portal.example.de/antraege/" in text
        assert FORM_NAME not in text and "Zufallsname" not in text
    assert FORM_NAME not in message.as_string()
    assert NotificationSent.objects.filter(key=f"submission.notify:{submission.pk}").count() == 1
    assert AuditEvent.objects.filter(action="submission.notification_sent").count() == 1


def test_mail_in_english_for_an_english_application(smtp, in_english):
    submission = _submission(
        language="en", offer__responsible_office__name_en="Public Order Office"
    )
    submission_notify(submission_id=submission.pk)
    _, message = smtp.messages[0]
    plain, _ = _texts(message)
    assert submission.service.name_en in plain and submission.service.name_de not in plain
    assert "Public Order Office" in plain
    assert "has been received" in message["Subject"]


def test_status_change_mail_says_news_without_the_note(smtp):
    submission = _submission(language="en")
    change = StatusChange.objects.create(
        case=submission.case,
        status=Case.Status.IN_PROGRESS,
        note="Dear Ms Zufallsname, your dog Bello is registered.",
    )
    assert status_change_notify(status_change_id=change.pk) is True
    assert status_change_notify(status_change_id=change.pk) is False
    assert len(smtp.messages) == 1
    _, message = smtp.messages[0]
    plain, html = _texts(message)
    assert "in progress" in plain and submission.reference in plain
    for text in (plain, html):
        assert "Bello" not in text and "Zufallsname" not in text


def test_document_request_mail_has_the_deadline_not_the_message(smtp):
    submission = _submission()
    request = DocumentRequest.objects.create(
        case=submission.case,
        message="Bitte Impfpass von Bello nachreichen.",
        deadline=dt.date(2027, 3, 1),
    )
    document_request_notify(document_request_id=request.pk)
    document_request_notify(document_request_id=request.pk)
    assert len(smtp.messages) == 1
    _, message = smtp.messages[0]
    plain, html = _texts(message)
    assert "1. März 2027" in plain  # German date for a German applicant
    assert "Impfpass" not in plain and "Bello" not in html


def test_failed_send_is_retried_and_then_sent_once(settings, smtp_port):
    submission = _submission()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_port  # nothing listens yet
    settings.EMAIL_TIMEOUT = 5
    with pytest.raises(OSError):
        submission_notify(submission_id=submission.pk)
    assert not NotificationSent.objects.exists()  # rolled back: the retry will send

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        assert submission_notify(submission_id=submission.pk) is True
    finally:
        controller.stop()
    assert len(inbox.messages) == 1


def test_outbox_messages_run_the_handlers(smtp, django_capture_on_commit_callbacks):
    submission = _submission()
    change = StatusChange.objects.create(case=submission.case, status=Case.Status.QUERY)
    request = DocumentRequest.objects.create(
        case=submission.case, message="x", deadline=dt.date(2027, 1, 31)
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        messages = [
            outbox_enqueue(topic="submission.notify", payload={"submission": str(submission.pk)}),
            outbox_enqueue(
                topic="submission.status_notify", payload={"status_change": str(change.pk)}
            ),
            outbox_enqueue(
                topic="submission.document_request_notify",
                payload={"document_request": str(request.pk)},
            ),
        ]
    assert set(
        OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).values_list(
            "status", flat=True
        )
    ) == {OutboxMessage.Status.DONE}
    assert len(smtp.messages) == 3
