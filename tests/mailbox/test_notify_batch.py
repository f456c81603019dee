"""The e-mails about new mail of a backlog (an outbox worker draining many sent messages):
one session with a real SMTP server for all of them, each message announced once, and a
refused e-mail leaves only its own message to be retried."""

import socket

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rathaus.core.models import AuditEvent, OutboxMessage
from rathaus.core.outbox_runner import outbox_process_many
from rathaus.mailbox import services
from rathaus.mailbox.models import Delivery
from tests.factories import UserFactory

from .conftest import person

pytestmark = pytest.mark.django_db

TOPIC = "mailbox.message_sent/mailbox.new_mail_notification"
REFUSED = "abgelehnt@example.org"


class Server:
    """Records each e-mail with the client's address and port (one per SMTP session) and
    refuses the recipient REFUSED."""

    def __init__(self) -> None:
        self.mails: list[tuple[tuple[str, int], list[str]]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.mails.append((session.peer, list(envelope.rcpt_tos)))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = Server()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_TIMEOUT = False, "", 5
    yield handler
    controller.stop()


def test_a_backlog_is_announced_in_one_smtp_session_each_message_once(smtp, office, clerk):
    citizens = [UserFactory(email=f"buerger{n}@example.org") for n in range(4)]
    citizens.append(UserFactory(email=REFUSED))
    box = services.mailbox_of_office(office=office)
    sent = [
        services.thread_start(
            actor=person(clerk),
            sender=box,
            recipient=services.mailbox_of_user(user=citizen),
            subject="Ihr Anliegen",
            body="Wir haben eine Rückfrage.",
        )
        for citizen in citizens
    ]
    ids = list(
        OutboxMessage.objects.filter(topic=TOPIC).order_by("pk").values_list("pk", flat=True)
    )
    assert len(ids) == len(sent)

    with CaptureQueriesContext(connection) as queries:
        assert outbox_process_many(message_ids=ids) == 4
    # The mail sender's configuration and the acts provided read once for the batch.
    assert len([q for q in queries if "configurationprofile" in q["sql"]]) == 1
    assert len([q for q in queries if 'FROM "mailbox_provision"' in q["sql"]]) == 1
    # The deliveries locked and read at once, marked in one UPDATE, audited in one INSERT.
    assert len([q for q in queries if 'FROM "mailbox_delivery"' in q["sql"]]) == 1
    assert len([q for q in queries if q["sql"].startswith('UPDATE "mailbox_delivery"')]) == 1
    assert len([q for q in queries if q["sql"].startswith('INSERT INTO "core_auditevent"')]) == 1
    assert sorted(to for _, (to,) in smtp.mails) == sorted(c.email for c in citizens[:4])
    assert len({peer for peer, _ in smtp.mails}) == 1  # one session for the batch
    states = dict(OutboxMessage.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert [states[i] for i in ids] == ["done"] * 4 + ["pending"]  # the refused one: retried
    refused = Delivery.objects.get(mailbox__user=citizens[-1])
    assert refused.notified_at is None  # left to be retried with its message
    assert AuditEvent.objects.filter(action="mailbox.notification_sent").count() == 4

    # Run again: nothing is announced twice.
    OutboxMessage.objects.filter(pk__in=ids).update(
        status="pending", available_at=refused.delivered_at
    )
    outbox_process_many(message_ids=ids)
    assert len(smtp.mails) == 4
