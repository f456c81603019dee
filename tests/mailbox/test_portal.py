"""The citizen's Postfach pages (/postfach/): write to an office, read the answer, archive;
another person's thread is a 404; the body is shown escaped, links as text."""

import re

import pytest
from django.urls import reverse

from rathaus.mailbox import services
from rathaus.mailbox.models import Delivery, Thread
from tests.factories import UserFactory
from tests.mailbox.conftest import person

pytestmark = pytest.mark.django_db


def test_write_to_an_office_and_read_the_answer(client, citizen, clerk, office):
    client.force_login(citizen)
    page = client.get(reverse("mailbox:compose"), {"amt": str(office.pk)})
    assert page.status_code == 200
    assert f'value="{office.pk}" selected' in page.content.decode()
    response = client.post(
        reverse("mailbox:compose"),
        {
            "office": str(office.pk),
            "subject": "Frage zur Hundesteuer",
            "body": "Guten Tag,\n<script>x</script> https://evil.example/",
        },
    )
    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "mailbox:thread", args=[thread.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "Frage zur Hundesteuer" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page
    assert 'href="https://evil.example/' not in page

    services.message_send(
        actor=person(clerk),
        thread=thread,
        sender=services.mailbox_of_office(office=office),
        body="Bitte senden Sie uns das Formular.",
    )
    inbox = client.get(reverse("mailbox:inbox")).content.decode()
    assert "Frage zur Hundesteuer" in inbox and "1 neu" in inbox
    page = client.get(reverse("mailbox:thread", args=[thread.pk])).content.decode()
    assert "Bitte senden Sie uns das Formular." in page
    answer = Delivery.objects.get(mailbox__user=citizen)
    assert answer.retrieved_by == citizen
    assert "1 neu" not in client.get(reverse("mailbox:inbox")).content.decode()

    reply = client.post(reverse("mailbox:thread", args=[thread.pk]), {"body": "Anbei."})
    assert reply.status_code == 302
    empty = client.post(reverse("mailbox:thread", args=[thread.pk]), {"body": "  "})
    assert empty.status_code == 400 and "kern-error" in empty.content.decode()

    client.post(reverse("mailbox:thread-archive", args=[thread.pk]), {"archived": "1"})
    assert "Frage zur Hundesteuer" not in client.get(reverse("mailbox:inbox")).content.decode()
    assert "Frage zur Hundesteuer" in client.get(reverse("mailbox:archive")).content.decode()


def test_compose_errors_are_listed_with_their_fields(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("mailbox:compose"), {"office": "", "subject": "", "body": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'href="#id_office"', page) and re.search(r'href="#id_body"', page)


def test_someone_elses_thread_is_not_found_and_login_is_required(client, first_message):
    assert client.get(reverse("mailbox:inbox")).status_code == 302
    client.force_login(UserFactory())
    url = reverse("mailbox:thread", args=[first_message.thread_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "x"}).status_code == 404
    assert (
        client.post(reverse("mailbox:thread-archive", args=[first_message.thread_id])).status_code
        == 404
    )
    assert Delivery.objects.filter(retrieved_at__isnull=False).count() == 0


def test_a_reply_does_not_read_the_threads_messages(client, citizen, clerk, office):
    """Sending a reply reads the thread, not its messages with their receipts and files
    (decrypting all of them cost more than the sending in a long thread; issue 10 §7, the
    send rate): they are read only to show the form again with its errors."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(citizen)
    client.post(
        reverse("mailbox:compose"),
        {"office": str(office.pk), "subject": "Lange Unterhaltung", "body": "Erste Nachricht"},
    )
    thread = Thread.objects.get()
    url = reverse("mailbox:thread", args=[thread.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url, {"body": "Noch eine Frage."}).status_code == 302
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    assert not [q for q in reads if 'FROM "mailbox_messagereceipt"' in q], reads
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url, {"body": " "}).status_code == 400
    assert [q for q in queries if 'FROM "mailbox_messagereceipt"' in q["sql"]]
