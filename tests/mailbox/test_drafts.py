"""Drafts: a message kept unsent (delivered to nobody, invisible to the office), continued and
sent later, with files attached when sending; an answer drafted in a thread is filled in
again; deleting a draft of a new thread removes the thread."""

import pytest
from django.urls import reverse

from rathaus.core.models import AuditEvent
from rathaus.mailbox import selectors, services
from rathaus.mailbox.models import Delivery, Message, Thread
from tests.factories import UserFactory
from tests.mailbox.conftest import act_pdf, person
from tests.staff.people import login_with_mfa

pytestmark = pytest.mark.django_db


def test_a_new_message_kept_as_draft_is_sent_later(client, citizen, clerk, office):
    client.force_login(citizen)
    compose = reverse("mailbox:compose")
    saved = client.post(
        compose,
        {
            "office": str(office.pk),
            "subject": "Wohngeld",
            "body": "Erster Gedanke",
            "save_draft": "1",
        },
    )
    assert saved.status_code == 302 and saved["Location"] == reverse("mailbox:drafts")
    draft = Message.objects.get()
    assert draft.sent_at is None and not Delivery.objects.exists()
    assert AuditEvent.objects.filter(action="mailbox.draft_save").exists()
    # Not in the inbox of either side; the office does not know the thread.
    assert "Wohngeld" not in client.get(reverse("mailbox:inbox")).content.decode()
    office_box = services.mailbox_of_office(office=office)
    assert not selectors.mailbox_threads(mailbox=office_box).exists()
    listing = client.get(reverse("mailbox:drafts")).content.decode()
    assert "Wohngeld" in listing and f"?entwurf={draft.pk}" in listing
    # Continued: the form is filled in; saving again replaces the draft.
    page = client.get(compose, {"entwurf": str(draft.pk)}).content.decode()
    assert "Erster Gedanke" in page and str(draft.pk) in page
    client.post(
        compose,
        {
            "office": str(office.pk),
            "subject": "Wohngeld",
            "body": "Zweiter Gedanke",
            "draft": str(draft.pk),
            "save_draft": "1",
        },
    )
    (draft,) = Message.objects.all()
    assert selectors.draft_get(
        actor=person(citizen), mailbox=draft.sender, draft_id=draft.pk
    ).body == ("Zweiter Gedanke")
    # Sent with a file: the draft and its thread go, the message arrives at the office.
    sent = client.post(
        compose,
        {
            "office": str(office.pk),
            "subject": "Wohngeld",
            "body": "Endgültig",
            "draft": str(draft.pk),
            "attachments": [act_pdf("nachweis.pdf")],
        },
    )
    assert sent.status_code == 302
    message = Message.objects.get(sent_at__isnull=False)
    assert not Message.objects.filter(sent_at__isnull=True).exists()
    assert Thread.objects.count() == 1 and message.attachments.count() == 1
    assert selectors.mailbox_threads(mailbox=office_box).count() == 1
    # Someone else cannot continue or delete another's draft.
    assert client.get(compose, {"entwurf": "nonsense"}).status_code == 404


def test_an_answer_drafted_in_a_thread_is_filled_in_again(
    client, citizen, clerk, office, first_message
):
    login_with_mfa(client, clerk)
    box = services.mailbox_of_office(office=office)
    url = reverse("backoffice:mailbox-thread", args=[box.pk, first_message.thread_id])
    assert client.post(url, {"body": "Antwort in Arbeit", "save_draft": "1"}).status_code == 302
    assert Delivery.objects.filter(message__sender=box).count() == 0
    page = client.get(url).content.decode()
    assert "Antwort in Arbeit" in page and "Entwurf" in page
    draft = Message.objects.get(sent_at__isnull=True)
    assert client.post(url, {"body": "Antwort fertig", "draft": str(draft.pk)}).status_code == 302
    assert not Message.objects.filter(sent_at__isnull=True).exists()
    assert Delivery.objects.filter(message__sender=box, mailbox__user=citizen).count() == 1


def test_deleting_a_draft_of_a_new_thread_removes_the_thread(client, citizen, office):
    client.force_login(citizen)
    client.post(
        reverse("mailbox:compose"),
        {"office": str(office.pk), "subject": "", "body": "", "save_draft": "1"},
    )
    draft = Message.objects.get()
    other = UserFactory()
    client.force_login(other)
    assert client.post(reverse("mailbox:draft-discard", args=[draft.pk])).status_code == 404
    client.force_login(citizen)
    assert "(ohne Betreff)" in client.get(reverse("mailbox:drafts")).content.decode()
    assert client.post(reverse("mailbox:draft-discard", args=[draft.pk])).status_code == 302
    assert not Message.objects.exists() and not Thread.objects.exists()
