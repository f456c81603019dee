"""Searching one's own mailbox (content is encrypted: the search decrypts, never indexes),
the notification preference (at once, daily digest, off; a §41 (2a) notice always), and the
mailbox of an organisation used while the session acts for it."""

import pytest
from django.core import mail
from django.urls import reverse

from rathaus.core.actors import Actor
from rathaus.core.models import AuditEvent
from rathaus.mailbox import selectors, services
from rathaus.mailbox.models import Delivery, Mailbox, Thread
from rathaus.mailbox.notifications import digests_send, new_mail_notify
from rathaus.organisations.models import Organisation
from rathaus.organisations.services import organisation_create
from tests.factories import UserFactory
from tests.mailbox.conftest import person
from tests.staff.people import login_with_mfa

pytestmark = pytest.mark.django_db


def write(citizen, office, subject, body):
    return services.thread_start(
        actor=person(citizen),
        sender=services.mailbox_of_user(user=citizen),
        recipient=services.mailbox_of_office(office=office),
        subject=subject,
        body=body,
    )


def answer(clerk, office, message, body="Danke, erledigt."):
    return services.message_send(
        actor=person(clerk),
        thread=message.thread,
        sender=services.mailbox_of_office(office=office),
        body=body,
    )


def test_search_finds_words_in_subject_and_text_of_ones_own_threads(client, citizen, clerk, office):
    dog = write(citizen, office, "Hundesteuer 2027", "Ich habe einen zweiten Hund.")
    write(citizen, office, "Parkausweis", "Mein Ausweis ist abgelaufen.")
    answer(clerk, office, dog, "Bitte senden Sie den Impfpass.")
    other = UserFactory()
    write(other, office, "Impfpass verloren", "Hund und Impfpass")

    client.force_login(citizen)
    inbox = reverse("mailbox:inbox")
    page = client.get(inbox, {"q": "impfpass"}).content.decode()
    assert "Hundesteuer 2027" in page and "Parkausweis" not in page
    assert "Impfpass verloren" not in page  # someone else's thread
    assert "1 Unterhaltung gefunden" in page
    page = client.get(inbox, {"q": "ausweis abgelaufen"}).content.decode()
    assert "Parkausweis" in page and "Hundesteuer" not in page
    page = client.get(inbox, {"q": "Grundsteuer"}).content.decode()
    assert "0 Unterhaltungen gefunden" in page and "Ihr Postfach ist leer" not in page

    login_with_mfa(client, clerk)
    box = services.mailbox_of_office(office=office)
    page = client.get(reverse("backoffice:mailbox-inbox", args=[box.pk]), {"q": "Impfpass"})
    text = page.content.decode()
    assert "Hundesteuer 2027" in text and "Impfpass verloren" in text and "Parkausweis" not in text


def test_search_reads_only_a_bounded_number_of_threads(citizen, office, monkeypatch):
    for number in range(5):
        write(citizen, office, f"Anfrage {number}", "Text")
    monkeypatch.setattr(selectors, "SEARCH_MAX_THREADS", 3)
    monkeypatch.setattr(selectors, "SEARCH_CHUNK", 3)
    mailbox = services.mailbox_of_user(user=citizen)
    result = selectors.inbox_search(mailbox=mailbox, archived=False, query="Anfrage")
    assert len(result.rows) == 3 and result.capped
    result = selectors.inbox_search(mailbox=mailbox, archived=False, query="Anfrage 0")
    assert result.rows == [] and result.capped  # the oldest was not searched: said so


def test_preference_off_and_daily_digest(client, citizen, clerk, office):
    client.force_login(citizen)
    settings_url = reverse("mailbox:settings")
    assert "Einmal am Tag" in client.get(settings_url).content.decode()
    assert client.post(settings_url, {"notify": "nonsense"}).status_code == 400
    assert client.post(settings_url, {"notify": "daily"}).status_code == 302
    mailbox = services.mailbox_of_user(user=citizen)
    mailbox.refresh_from_db()
    assert mailbox.notify == "daily"
    assert AuditEvent.objects.filter(action="mailbox.notify_set").exists()

    message = write(citizen, office, "Frage", "Text")
    mail.outbox.clear()
    first = answer(clerk, office, message)
    second = answer(clerk, office, message, "Noch etwas.")
    for sent in (first, second):
        new_mail_notify(message_id=sent.pk)
    assert mail.outbox == []  # waits for the digest
    assert digests_send() == 1
    (digest,) = mail.outbox
    assert digest.to == [citizen.email] and "2 neue Nachrichten" in digest.body
    assert "Danke" not in digest.body and "Frage" not in digest.body
    assert "/postfach/" in digest.body
    assert digests_send() == 0  # each delivery once

    # Read before the morning: nothing to tell.
    third = answer(clerk, office, message, "Drittens.")
    new_mail_notify(message_id=third.pk)
    services.thread_open(actor=person(citizen), thread=message.thread, mailbox=mailbox)
    assert digests_send() == 0 and len(mail.outbox) == 1

    Mailbox.objects.filter(pk=mailbox.pk).update(notify="off")
    fourth = answer(clerk, office, message, "Viertens.")
    assert new_mail_notify(message_id=fourth.pk) == 0 and len(mail.outbox) == 1
    assert Delivery.objects.get(message=fourth).notified_at is not None


def test_an_organisations_mailbox_while_acting_for_it(client, citizen, office, clerk):
    member = UserFactory(email="anna@moselbau.example")
    firma = organisation_create(
        actor=Actor.person(member), name="Moselbau GmbH", kind=Organisation.Kind.COMPANY
    )
    client.force_login(member)
    client.post(reverse("organisations:acting-as"), {"choice": f"organisation:{firma.pk}"})
    inbox = client.get(reverse("mailbox:inbox")).content.decode()
    assert "Postfach von Moselbau GmbH" in inbox
    response = client.post(
        reverse("mailbox:compose"),
        {"office": str(office.pk), "subject": "Gewerbeanmeldung", "body": "Frage der Firma"},
    )
    assert response.status_code == 302
    thread = Thread.objects.get()
    org_box = services.mailbox_of_organisation(organisation=firma)
    assert thread.participants.filter(mailbox=org_box).exists()

    # The office answers; the members are told; another person cannot see the thread.
    mail.outbox.clear()
    reply = answer(clerk, office, thread.messages.get())
    new_mail_notify(message_id=reply.pk)
    assert mail.outbox[0].to == ["anna@moselbau.example"]
    client.force_login(citizen)
    assert client.get(reverse("mailbox:thread", args=[thread.pk])).status_code == 404
    # Acting for herself again, the member sees her own (empty) mailbox.
    client.force_login(member)
    client.post(reverse("organisations:acting-as"), {"choice": "self"})
    assert "Gewerbeanmeldung" not in client.get(reverse("mailbox:inbox")).content.decode()


def test_the_office_writes_about_an_organisations_case_to_its_mailbox(clerk):
    from rathaus.cases.models import Case
    from rathaus.staff.models import Role
    from tests.applications.inbox_data import make_submission
    from tests.staff.people import make_staff

    submission = make_submission()
    member = submission.applicant
    firma = organisation_create(
        actor=Actor.person(member), name="Eifelholz eG", kind=Organisation.Kind.COMPANY
    )
    Case.objects.filter(pk=submission.case_id).update(organisation=firma)
    case = Case.objects.select_related("office", "applicant", "organisation").get(
        pk=submission.case_id
    )
    writer = make_staff("clerk-org-case", (case.office, Role.CASE_WORKER))
    message = services.case_message_start(
        actor=person(writer), case=case, subject="Rückfrage", body="Bitte Unterlagen."
    )
    org_box = services.mailbox_of_organisation(organisation=firma)
    assert Delivery.objects.get(message=message).mailbox == org_box
    assert not Delivery.objects.filter(mailbox__user=member).exists()
