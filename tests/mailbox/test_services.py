"""The Postfach's writes and reads: a citizen writes to an office, a clerk reads and answers,
unread counts and retrieval, archive, who may see what (404 for everyone else), and nothing
of the content in the clear at rest."""

import pytest
from django.db import connection

from rathaus.core.errors import DomainError, NotFound
from rathaus.core.models import AuditEvent, OutboxMessage
from rathaus.mailbox import selectors, services
from rathaus.mailbox.models import Delivery, Participant
from rathaus.staff.models import Role
from tests.factories import OfficeFactory, UserFactory
from tests.mailbox.conftest import person
from tests.staff.people import make_staff

pytestmark = pytest.mark.django_db


def test_a_citizen_writes_the_office_reads_and_answers(citizen, clerk, office, first_message):
    office_box = services.mailbox_of_office(office=office)
    citizen_box = services.mailbox_of_user(user=citizen)
    [row] = selectors.mailbox_threads(mailbox=office_box)
    assert row.unread == 1 and row.thread == first_message.thread
    assert selectors.subjects_open([row.thread]) == {row.thread.pk: "Frage zur Hundesteuer"}
    assert selectors.unread_total(mailbox=office_box) == 1

    view = selectors.thread_view(
        actor=person(clerk), mailbox=office_box, thread_id=first_message.thread_id
    )
    assert view.subject == "Frage zur Hundesteuer"
    assert [m.body for m in view.messages] == [
        "Guten Tag,\nich habe einen zweiten Hund.\n\nMit freundlichen Grüßen"
    ]
    assert view.messages[0].message.level_of_assurance == "substantial"
    retrieved = services.thread_open(actor=person(clerk), thread=view.thread, mailbox=office_box)
    assert [d.message_id for d in retrieved] == [first_message.pk]
    delivery = Delivery.objects.get(message=first_message)
    assert delivery.retrieved_by == clerk and delivery.retrieved_at is not None
    # Opening again retrieves nothing new.
    assert services.thread_open(actor=person(clerk), thread=view.thread, mailbox=office_box) == []
    assert selectors.unread_total(mailbox=office_box) == 0

    reply = services.message_send(
        actor=person(clerk, ""), thread=view.thread, sender=office_box, body="Bitte Formular."
    )
    assert reply.sender == office_box
    assert Participant.objects.get(thread=view.thread, mailbox=citizen_box).unread == 1
    actions = list(
        AuditEvent.objects.filter(action__startswith="mailbox.")
        .order_by("occurred_at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "mailbox.thread_start",
        "mailbox.message_send",
        "mailbox.message_retrieve",
        "mailbox.message_send",
    ]
    payloads = OutboxMessage.objects.values_list("payload", flat=True)
    assert not any("Hund" in str(p) for p in payloads)


def test_archive_and_a_new_message_brings_the_thread_back(citizen, office, first_message):
    citizen_box = services.mailbox_of_user(user=citizen)
    services.thread_archive(
        actor=person(citizen), thread=first_message.thread, mailbox=citizen_box, archived=True
    )
    assert not selectors.mailbox_threads(mailbox=citizen_box).exists()
    assert selectors.mailbox_threads(mailbox=citizen_box, archived=True).count() == 1
    clerk = make_staff("clerk-2", (office, Role.CASE_WORKER))
    services.message_send(
        actor=person(clerk),
        thread=first_message.thread,
        sender=services.mailbox_of_office(office=office),
        body="Antwort",
    )
    assert selectors.mailbox_threads(mailbox=citizen_box).count() == 1


def test_nobody_else_sees_or_uses_the_mailboxes(citizen, office, first_message):
    stranger = UserFactory()
    other_clerk = make_staff("clerk-other", (OfficeFactory(), Role.CASE_WORKER))
    office_box = services.mailbox_of_office(office=office)
    citizen_box = services.mailbox_of_user(user=citizen)
    for who, box in ((stranger, citizen_box), (other_clerk, office_box), (stranger, office_box)):
        with pytest.raises(NotFound):
            selectors.thread_view(actor=person(who), mailbox=box, thread_id=first_message.thread_id)
        with pytest.raises(NotFound):
            selectors.mailbox_get(actor=person(who), mailbox_id=box.pk)
        with pytest.raises(NotFound):
            services.message_send(
                actor=person(who), thread=first_message.thread, sender=box, body="x"
            )
    # A mailbox one may use, but a thread it is not part of.
    stranger_box = services.mailbox_of_user(user=stranger)
    with pytest.raises(NotFound):
        selectors.thread_view(
            actor=person(stranger), mailbox=stranger_box, thread_id=first_message.thread_id
        )
    with pytest.raises(NotFound):
        services.message_send(
            actor=person(stranger), thread=first_message.thread, sender=stranger_box, body="x"
        )


def test_bad_input_is_refused_with_the_field(citizen, office):
    args = {
        "actor": person(citizen),
        "sender": services.mailbox_of_user(user=citizen),
        "recipient": services.mailbox_of_office(office=office),
    }
    with pytest.raises(DomainError) as empty:
        services.thread_start(**args, subject="Betreff", body="   ")
    assert empty.value.field == "body"
    with pytest.raises(DomainError) as no_subject:
        services.thread_start(**args, subject=" ", body="Text")
    assert no_subject.value.field == "subject"
    with pytest.raises(DomainError):
        services.thread_start(
            **args | {"recipient": services.mailbox_of_user(user=UserFactory())},
            subject="Betreff",
            body="Text",
        )


def test_no_content_in_the_clear_at_rest(first_message):
    """The raw rows of threads, messages, audit events and outbox messages hold neither the
    subject nor the body."""
    with connection.cursor() as cursor:
        for table in ("mailbox_thread", "mailbox_message", "core_auditevent", "core_outboxmessage"):
            cursor.execute(f"SELECT * FROM {table}")
            for row in cursor.fetchall():
                raw = b"".join(
                    bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode() for v in row
                )
                for secret in ("Hundesteuer", "zweiten Hund", "Grüßen"):
                    assert secret.encode() not in raw, table


def test_a_document_request_becomes_a_message_in_the_cases_thread_once(
    django_capture_on_commit_callbacks,
):
    import datetime as dt

    from rathaus.cases.events import CaseDocumentRequested
    from rathaus.cases.services import document_request_create
    from rathaus.core.events import event_subscriptions
    from rathaus.mailbox.subscribers import document_request_message
    from tests.applications.inbox_data import make_submission

    submission = make_submission()
    clerk = make_staff("clerk-case", (submission.office, Role.CASE_WORKER))
    with django_capture_on_commit_callbacks(execute=True):
        document_request_create(
            case=submission.case,
            message="Bitte den Impfpass nachreichen.",
            deadline=dt.date.today() + dt.timedelta(days=14),
            actor=person(clerk),
        )
    applicant_box = services.mailbox_of_user(user=submission.applicant)
    [row] = selectors.mailbox_threads(mailbox=applicant_box)
    assert row.thread.case_id == submission.case_id and row.unread == 1
    assert submission.reference in selectors.subjects_open([row.thread])[row.thread.pk]
    view = selectors.thread_view(
        actor=person(submission.applicant), mailbox=applicant_box, thread_id=row.thread_id
    )
    [message] = view.messages
    assert "Impfpass" in message.body and submission.reference in message.body
    assert message.message.sender.office_id == submission.office_id
    # The same event again (a retried outbox message) writes nothing more.
    [subscription] = [
        s for s in event_subscriptions(CaseDocumentRequested) if s.name.startswith("mailbox.")
    ]
    request = submission.case.document_requests.get()
    document_request_message(
        CaseDocumentRequested(
            case_id=submission.case_id,
            municipality_id=submission.municipality_id,
            document_request_id=request.pk,
            deadline=request.deadline,
        )
    )
    assert (
        len(
            selectors.thread_view(
                actor=person(submission.applicant), mailbox=applicant_box, thread_id=row.thread_id
            ).messages
        )
        == 1
    )
    assert subscription.name == "mailbox.document_request_message"


def test_receipts_of_dispatch_delivery_and_retrieval_verify_with_openssl(
    citizen, clerk, office, demo_seal, tmp_path, django_capture_on_commit_callbacks
):
    """Sending issues the dispatch and the delivery receipt, the first opening the retrieval
    receipt (each once, from the outbox); the retrieval receipt verifies with openssl and
    states the body's hash and both levels of assurance; the portal offers it as a ZIP."""
    import hashlib
    import io
    import json
    import subprocess
    import zipfile

    from django.test import Client
    from django.urls import reverse

    from rathaus.mailbox.models import MessageReceipt

    office_box = services.mailbox_of_office(office=office)
    with django_capture_on_commit_callbacks(execute=True):
        message = services.thread_start(
            actor=person(citizen),
            sender=services.mailbox_of_user(user=citizen),
            recipient=office_box,
            subject="Widerspruch",
            body="Ich widerspreche dem Bescheid.",
        )
    kinds = sorted(MessageReceipt.objects.filter(message=message).values_list("kind", flat=True))
    assert kinds == ["delivery", "dispatch"]
    with django_capture_on_commit_callbacks(execute=True):
        services.thread_open(actor=person(clerk, "high"), thread=message.thread, mailbox=office_box)
    with django_capture_on_commit_callbacks(execute=True):
        services.thread_open(actor=person(clerk, "high"), thread=message.thread, mailbox=office_box)
    retrieval = MessageReceipt.objects.get(message=message, kind="retrieval")
    facts = json.loads(retrieval.receipt.document)
    assert facts["body_sha256"] == hashlib.sha256(b"Ich widerspreche dem Bescheid.").hexdigest()
    assert facts["sender_level_of_assurance"] == "substantial"
    assert facts["recipient_level_of_assurance"] == "high"
    assert "Widerspruch" not in retrieval.receipt.document
    assert MessageReceipt.objects.filter(message=message).count() == 3

    client = Client()
    client.force_login(citizen)
    url = reverse("mailbox:receipt", args=[message.thread_id, retrieval.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    bundle = zipfile.ZipFile(io.BytesIO(response.content))
    bundle.extractall(tmp_path)
    for command in (
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "receipt.p7s",
         "-content", "receipt.json", "-CAfile", "ca.pem", "-out", "/dev/null"],
        ["openssl", "ts", "-verify", "-in", "receipt.tsr", "-data", "receipt.json",
         "-CAfile", "ca.pem", "-untrusted", "tsa.pem"],
    ):  # fmt: skip
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_the_recipient_is_told_by_e_mail_without_the_content(
    citizen, clerk, office, django_capture_on_commit_callbacks, mailoutbox
):
    """One e-mail per delivery, with a link and none of subject, body or sender; none for an
    account that switched it off; the office is told at its own address."""
    office.email = "steueramt@dueren.example"
    office.save()
    with django_capture_on_commit_callbacks(execute=True):
        message = services.thread_start(
            actor=person(citizen),
            sender=services.mailbox_of_user(user=citizen),
            recipient=services.mailbox_of_office(office=office),
            subject="Geheimer Betreff",
            body="Geheimer Inhalt",
        )
    [to_office] = mailoutbox
    assert to_office.to == ["steueramt@dueren.example"]
    assert "/intern/postfach/" in to_office.body
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(
            actor=person(clerk),
            thread=message.thread,
            sender=services.mailbox_of_office(office=office),
            body="Geheime Antwort",
        )
    to_citizen = mailoutbox[1]
    assert to_citizen.to == [citizen.email] and "/postfach/" in to_citizen.body
    for mail in mailoutbox:
        text = mail.subject + mail.body
        assert "Geheim" not in text and "Mustermann" not in text
    # Switched off: no e-mail (the delivery is marked, so a retry sends none either).
    box = services.mailbox_of_user(user=citizen)
    box.notify = box.Notify.OFF
    box.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(
            actor=person(clerk),
            thread=message.thread,
            sender=services.mailbox_of_office(office=office),
            body="Noch eine",
        )
    assert len(mailoutbox) == 2


def test_an_offices_thread_is_assigned_to_a_clerk_of_that_office(office, clerk, first_message):
    from rathaus.core.errors import NotPermitted

    thread = services.thread_assign(
        actor=person(clerk), thread=first_message.thread, assignee=clerk
    )
    assert thread.assignee == clerk
    outsider = make_staff("clerk-outside", (OfficeFactory(), Role.CASE_WORKER))
    with pytest.raises(NotPermitted):
        services.thread_assign(actor=person(clerk), thread=thread, assignee=outsider)
    with pytest.raises(NotFound):
        services.thread_assign(actor=person(outsider), thread=thread, assignee=None)
    assert AuditEvent.objects.filter(action="mailbox.thread_assign").count() == 1


def test_a_document_request_is_announced_by_its_own_e_mail_only(
    django_capture_on_commit_callbacks, mailoutbox
):
    import datetime as dt

    from rathaus.cases.services import document_request_create
    from tests.applications.inbox_data import make_submission

    submission = make_submission()
    clerk = make_staff("clerk-mail-once", (submission.office, Role.CASE_WORKER))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        document_request_create(
            case=submission.case,
            message="Impfpass",
            deadline=dt.date.today() + dt.timedelta(days=14),
            actor=person(clerk),
        )
    assert len(mailoutbox) == 1  # the request's mail with its deadline, no "new message" mail
    assert Delivery.objects.get(mailbox__user=submission.applicant).notified_at is not None


def test_rotating_the_kek_rewraps_data_keys_without_touching_content(first_message, citizen):
    """After `kek_rotate`, `mailbox_rewrap_keys` wraps every data key with the new version;
    the ciphertexts stay byte for byte, and the thread still reads."""
    from io import StringIO

    from django.core.management import call_command

    from rathaus.mailbox.models import Message, Thread
    from rathaus.municipalities.configuration_services import kek_create_default, kek_rotate

    thread = Thread.objects.get(pk=first_message.thread_id)
    before = (bytes(thread.subject_encrypted), bytes(Message.objects.get().body_encrypted))
    old_key = thread.data_key_wrapped
    profile = kek_create_default(municipality=thread.municipality)
    kek_rotate(actor=person(citizen), profile=profile)
    out = StringIO()
    call_command("mailbox_rewrap_keys", "--municipality", thread.municipality.slug, stdout=out)
    assert "2 data key(s) re-wrapped" in out.getvalue()
    thread.refresh_from_db()
    message = Message.objects.get()
    assert thread.data_key_wrapped != old_key
    assert (bytes(thread.subject_encrypted), bytes(message.body_encrypted)) == before
    view = selectors.thread_view(
        actor=person(citizen), mailbox=services.mailbox_of_user(user=citizen), thread_id=thread.pk
    )
    assert view.subject == "Frage zur Hundesteuer"
    call_command("mailbox_rewrap_keys", stdout=out)
    assert "0 data key(s) re-wrapped" in out.getvalue()
