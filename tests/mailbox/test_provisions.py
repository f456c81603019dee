"""Notification by retrieval (§41 (2a) VwVfG): only with the recipient's consent; the notice
by e-mail whatever the preference; retrieval at the act's level of assurance makes it notified
the next day; not retrieved in ten days, the provision ends and the office gets a task."""

import datetime as dt

import pytest

from rathaus.accounts.selectors import consent_text_current
from rathaus.accounts.services import consent_give
from rathaus.core import legal_time
from rathaus.core.models import AuditEvent
from rathaus.mailbox import selectors, services
from rathaus.mailbox.models import Delivery, Message, Provision, Thread
from rathaus.mailbox.provisions import CONSENT_KEY, ConsentMissing, provisions_end_due
from rathaus.staff.models import Role
from tests.applications.inbox_data import make_submission
from tests.mailbox.conftest import act_pdf, person
from tests.staff.people import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_and_clerk():
    submission = make_submission()
    clerk = make_staff("clerk-act", (submission.office, Role.CASE_WORKER))
    return submission.case, clerk


def consent(user) -> None:
    consent_give(user=user, text=consent_text_current(key=CONSENT_KEY), language="de")


def provide(case, clerk, level="substantial") -> Message:
    return services.act_provide(
        actor=person(clerk),
        case=case,
        subject="Hundesteuerbescheid 2027",
        body="Festsetzung: 120 Euro.",
        required_level=level,
        document=act_pdf(),
    )


def test_without_consent_the_act_is_refused_and_nothing_is_sent(case_and_clerk):
    case, clerk = case_and_clerk
    with pytest.raises(ConsentMissing) as refused:
        provide(case, clerk)
    assert "anderem Weg" in refused.value.message  # notify otherwise (German by default)
    assert not Thread.objects.exists() and not Message.objects.exists()


def test_retrieved_at_the_acts_level_it_counts_as_notified_the_next_day(
    case_and_clerk, django_capture_on_commit_callbacks, mailoutbox
):
    case, clerk = case_and_clerk
    applicant = case.applicant
    consent(applicant)
    box = services.mailbox_of_user(user=applicant)
    box.notify = box.Notify.OFF  # the notice is sent all the same
    box.save()
    with django_capture_on_commit_callbacks(execute=True):
        message = provide(case, clerk)
    provision = Provision.objects.get(message=message)
    assert provision.last_day == legal_time.local_date(message.sent_at) + dt.timedelta(days=10)
    [notice] = mailoutbox
    assert notice.to == [applicant.email]
    assert provision.last_day.strftime("%d.%m.%Y") in notice.body
    assert "120 Euro" not in notice.body and "Hundesteuerbescheid" not in notice.body

    # A password login ("low") sees that an act waits, not the act, and retrieves nothing.
    low = person(applicant, "")
    view = selectors.thread_view(actor=low, mailbox=box, thread_id=message.thread_id)
    assert view.messages[0].withheld == "level" and view.messages[0].body == ""
    assert services.thread_open(actor=low, thread=view.thread, mailbox=box) == []
    assert Provision.objects.get(pk=provision.pk).retrieved_at is None

    substantial = person(applicant, "substantial")
    view = selectors.thread_view(actor=substantial, mailbox=box, thread_id=message.thread_id)
    assert view.messages[0].body == "Festsetzung: 120 Euro."
    assert len(services.thread_open(actor=substantial, thread=view.thread, mailbox=box)) == 1
    provision.refresh_from_db()
    assert provision.notified_on == legal_time.notified_on(provision.retrieved_at)
    assert AuditEvent.objects.filter(action="mailbox.act_notified").count() == 1
    # Too late to end it now.
    assert provisions_end_due(now=provision.ends_at + dt.timedelta(days=1)) == 0


def test_not_retrieved_in_ten_days_the_provision_ends_and_the_office_gets_a_task(
    case_and_clerk,
):
    case, clerk = case_and_clerk
    consent(case.applicant)
    message = provide(case, clerk, level="low")
    provision = Provision.objects.get(message=message)
    assert provisions_end_due(now=provision.ends_at - dt.timedelta(seconds=1)) == 0
    assert provisions_end_due(now=provision.ends_at) == 1
    provision.refresh_from_db()
    assert provision.ended_at is not None and provision.notified_on is None
    office_box = services.mailbox_of_office(office=case.office)
    citizen_box = services.mailbox_of_user(user=case.applicant)
    office_view = selectors.thread_view(
        actor=person(clerk), mailbox=office_box, thread_id=message.thread_id
    )
    assert "Aufgabe: anders bekannt geben" in office_view.messages[-1].body
    assert office_box.participations.get().unread == 1
    citizen = person(case.applicant, "high")
    citizen_view = selectors.thread_view(
        actor=citizen, mailbox=citizen_box, thread_id=message.thread_id
    )
    assert len(citizen_view.messages) == 1  # the office's task is not shown to the citizen
    assert citizen_view.messages[0].withheld == "ended"
    assert (
        services.thread_open(actor=citizen, thread=citizen_view.thread, mailbox=citizen_box) == []
    )
    assert not Delivery.objects.filter(message=message, retrieved_at__isnull=False).exists()
    assert AuditEvent.objects.filter(action="mailbox.act_provision_ended").count() == 1
    assert provisions_end_due(now=provision.ends_at + dt.timedelta(days=3)) == 0  # once


def test_the_command_ends_due_provisions(case_and_clerk):
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    case, clerk = case_and_clerk
    consent(case.applicant)
    message = provide(case, clerk, level="low")
    Provision.objects.filter(message=message).update(ends_at=timezone.now())
    out = StringIO()
    call_command("mailbox_provisions_end", stdout=out)
    assert "1 provision(s) ended" in out.getvalue()
    assert Provision.objects.get(message=message).ended_at is not None


def test_the_inbox_names_acts_waiting_for_retrieval_with_their_last_day(case_and_clerk, client):
    from django.urls import reverse
    from django.utils import formats, translation

    case, clerk = case_and_clerk
    consent(case.applicant)
    message = provide(case, clerk, level="low")
    client.force_login(case.applicant)
    page = client.get(reverse("mailbox:inbox")).content.decode()
    provision = Provision.objects.get(message=message)
    with translation.override("de"):
        last_day = formats.date_format(provision.last_day, "DATE_FORMAT")
    assert "Verwaltungsakte zum Abruf für Sie" in page and last_day in page
    client.get(reverse("mailbox:thread", args=[message.thread_id]))  # retrieved
    assert "Verwaltungsakte zum Abruf" not in client.get(reverse("mailbox:inbox")).content.decode()
