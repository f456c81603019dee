"""The office mailboxes in the staff area (/intern/postfach/): unread counts, reading (which
retrieves for the office), answering, writing to a case's applicant from the case page;
another office's mailbox and threads are 404."""

import pytest
from django.urls import reverse

from rathaus.mailbox import services
from rathaus.mailbox.models import Delivery, Thread
from rathaus.staff.models import Role
from tests.applications.inbox_data import make_submission
from tests.factories import OfficeFactory
from tests.mailbox.conftest import act_pdf, person
from tests.staff.people import login_with_mfa, make_staff

pytestmark = pytest.mark.django_db


def test_the_clerk_reads_and_answers_the_offices_mail(client, clerk, office, first_message):
    login_with_mfa(client, clerk)
    box = services.mailbox_of_office(office=office)
    listing = client.get(reverse("backoffice:mailbox-list")).content.decode()
    assert "Steueramt" in listing and "1 ungelesen" in listing
    inbox = client.get(reverse("backoffice:mailbox-inbox", args=[box.pk])).content.decode()
    assert "Frage zur Hundesteuer" in inbox
    url = reverse("backoffice:mailbox-thread", args=[box.pk, first_message.thread_id])
    page = client.get(url).content.decode()
    assert "zweiten Hund" in page and "substantial" in page
    assert Delivery.objects.get(message=first_message).retrieved_by == clerk
    response = client.post(url, {"body": "Bitte reichen Sie das Formular ein."})
    assert response.status_code == 302
    assert first_message.thread.messages.count() == 2


def test_another_offices_clerk_gets_404(client, office, first_message):
    other = make_staff("clerk-elsewhere", (OfficeFactory(), Role.CASE_WORKER))
    login_with_mfa(client, other)
    box = services.mailbox_of_office(office=office)
    assert client.get(reverse("backoffice:mailbox-inbox", args=[box.pk])).status_code == 404
    url = reverse("backoffice:mailbox-thread", args=[box.pk, first_message.thread_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "x"}).status_code == 404
    assert "Steueramt" not in client.get(reverse("backoffice:mailbox-list")).content.decode()


def test_writing_to_the_applicant_from_the_case_page(client):
    submission = make_submission()
    clerk = make_staff("clerk-case-mail", (submission.office, Role.CASE_WORKER))
    login_with_mfa(client, clerk)
    detail = reverse("backoffice:submission-detail", args=[submission.pk])
    compose = reverse("backoffice:case-message", args=[submission.case_id])
    assert compose in client.get(detail).content.decode()
    empty = client.post(compose, {"subject": "", "body": ""})
    assert empty.status_code == 400
    response = client.post(compose, {"subject": "Rückfrage", "body": "Ist der Hund gechipt?"})
    thread = Thread.objects.get(case=submission.case)
    assert response.status_code == 302 and str(thread.pk) in response["Location"]
    assert "Rückfrage" in client.get(detail).content.decode()
    applicant_box = services.mailbox_of_user(user=submission.applicant)
    assert applicant_box.participations.get().unread == 1
    outsider = make_staff("clerk-no-case", (OfficeFactory(), Role.CASE_WORKER))
    client.logout()
    login_with_mfa(client, outsider)
    assert client.get(compose).status_code == 404


def test_providing_an_act_from_the_case_page_needs_the_applicants_consent(client):
    from rathaus.accounts.selectors import consent_text_current
    from rathaus.accounts.services import consent_give
    from rathaus.mailbox.models import Provision
    from rathaus.mailbox.provisions import CONSENT_KEY

    submission = make_submission()
    clerk = make_staff("clerk-act-page", (submission.office, Role.CASE_WORKER))
    login_with_mfa(client, clerk)
    compose = reverse("backoffice:case-message", args=[submission.case_id])
    data = {"subject": "Bescheid", "body": "Festsetzung", "provide": "on", "level": "substantial"}
    refused = client.post(compose, data | {"document": act_pdf()})
    assert refused.status_code == 400 and "id_provide_error" in refused.content.decode()
    assert not Thread.objects.exists()
    consent_give(
        user=submission.applicant, text=consent_text_current(key=CONSENT_KEY), language="de"
    )
    missing = client.post(compose, data)
    assert missing.status_code == 400 and "id_document_error" in missing.content.decode()
    assert client.post(compose, data | {"document": act_pdf()}).status_code == 302
    provision = Provision.objects.get()
    assert provision.required_level == "substantial"
    from django.utils import formats, translation

    detail = client.get(reverse("backoffice:submission-detail", args=[submission.pk]))
    with translation.override("de"):
        last_day = formats.date_format(provision.last_day, "DATE_FORMAT")
    assert last_day in detail.content.decode()


def test_a_thread_is_assigned_from_its_page(client, clerk, office, first_message):
    login_with_mfa(client, clerk)
    box = services.mailbox_of_office(office=office)
    page = client.get(reverse("backoffice:mailbox-thread", args=[box.pk, first_message.thread_id]))
    assert 'name="assignee"' in page.content.decode()
    url = reverse("backoffice:mailbox-thread-assign", args=[box.pk, first_message.thread_id])
    assert client.post(url, {"assignee": str(clerk.pk)}).status_code == 302
    assert Thread.objects.get(pk=first_message.thread_id).assignee == clerk
    outsider = make_staff("clerk-not-here", (OfficeFactory(), Role.CASE_WORKER))
    refused = client.post(url, {"assignee": str(outsider.pk)})
    assert refused.status_code == 400 and "id_assignee_error" in refused.content.decode()
    assert client.post(url, {"assignee": ""}).status_code == 302
    assert Thread.objects.get(pk=first_message.thread_id).assignee is None


def test_the_office_inbox_filters_by_assignee_and_unread(client, clerk, office, citizen):
    box = services.mailbox_of_office(office=office)
    mine = services.thread_start(
        actor=person(citizen),
        sender=services.mailbox_of_user(user=citizen),
        recipient=box,
        subject="Meine Sache",
        body="Text",
    )
    services.thread_start(
        actor=person(citizen),
        sender=services.mailbox_of_user(user=citizen),
        recipient=box,
        subject="Offene Sache",
        body="Text",
    )
    services.thread_assign(actor=person(clerk), thread=mine.thread, assignee=clerk)
    services.thread_open(actor=person(clerk), thread=mine.thread, mailbox=box)
    login_with_mfa(client, clerk)
    url = reverse("backoffice:mailbox-inbox", args=[box.pk])
    page = client.get(url, {"zustaendig": "ich"}).content.decode()
    assert "Meine Sache" in page and "Offene Sache" not in page
    page = client.get(url, {"zustaendig": "niemand"}).content.decode()
    assert "Offene Sache" in page and "Meine Sache" not in page
    page = client.get(url, {"ungelesen": "1"}).content.decode()
    assert "Offene Sache" in page and "Meine Sache" not in page
