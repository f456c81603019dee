"""Cases beyond the status table: opening by a submission, assignee, deadline, closing, the
events and their subscribers (the applicant's e-mails), and the reads."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from rathaus.apitokens.services import client_create
from rathaus.cases import selectors
from rathaus.cases.events import CaseStatusChanged
from rathaus.cases.models import Case, StatusChange
from rathaus.cases.services import (
    case_assign,
    case_deadline_set,
    case_status_change,
    document_request_create,
)
from rathaus.core.actors import Actor, actor_of
from rathaus.core.errors import DomainError, NotFound, NotPermitted
from rathaus.core.models import AuditEvent, OutboxMessage
from rathaus.staff.models import Role
from rathaus.staff.permissions import StaffPermissionDenied
from tests.applications.inbox_data import make_submission
from tests.factories import CaseFactory, OfficeFactory
from tests.staff.people import make_staff

pytestmark = pytest.mark.django_db

S = Case.Status


@pytest.fixture
def submission():
    return make_submission()


@pytest.fixture
def clerk(submission):
    return make_staff("clerk", (submission.office, Role.CASE_WORKER))


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def test_a_submission_opens_its_case(submission):
    case = submission.case
    assert (case.reference, case.municipality_id, case.office_id, case.service_id) == (
        submission.reference,
        submission.municipality_id,
        submission.office_id,
        submission.service_id,
    )
    assert case.applicant_id == submission.applicant_id
    assert case.opened_at == case.status_changed_at == submission.submitted_at
    assert case.status == S.SUBMITTED and case.assignee is None and case.deadline is None
    assert list(case.status_changes.values_list("status", "actor_label")) == [("submitted", "")]


def test_assign_to_a_clerk_of_the_office_only(submission, clerk):
    colleague = make_staff("colleague", (submission.office, Role.TEAM_LEAD))
    outsider = make_staff("outsider", (OfficeFactory(), Role.CASE_WORKER))
    with pytest.raises(DomainError) as refused:
        case_assign(case=submission.case, assignee=outsider, actor=actor_of(clerk))
    assert refused.value.field == "assignee"
    with pytest.raises(StaffPermissionDenied):
        case_assign(case=submission.case, assignee=outsider, actor=actor_of(outsider))

    case = case_assign(case=submission.case, assignee=colleague, actor=actor_of(clerk))
    assert case.assignee == colleague
    case_assign(case=case, assignee=colleague, actor=actor_of(clerk))  # no change, no event
    case_assign(case=case, assignee=None, actor=actor_of(clerk))
    case.refresh_from_db()
    assert case.assignee is None
    events = AuditEvent.objects.filter(action="case.assign").order_by("occurred_at", "id")
    assert [(e.details["from"], e.details["to"]) for e in events] == [
        ("", str(colleague.pk)),
        (str(colleague.pk), ""),
    ]
    assert {e.municipality_id for e in events} == {submission.municipality_id}
    assert {e.object_id for e in events} == {str(submission.pk)}


def test_deadline_is_set_changed_and_removed_with_audit(submission, clerk):
    case = case_deadline_set(case=submission.case, deadline=in_days(30), actor=actor_of(clerk))
    assert case.deadline == in_days(30)
    case_deadline_set(case=case, deadline=in_days(30), actor=actor_of(clerk))  # unchanged
    case_deadline_set(case=case, deadline=None, actor=actor_of(clerk))
    case.refresh_from_db()
    assert case.deadline is None
    trail = AuditEvent.objects.filter(action="case.deadline").order_by("occurred_at", "id")
    assert [e.details["to"] for e in trail] == [in_days(30).isoformat(), ""]


def test_an_api_client_of_another_municipality_cannot_set_the_deadline(submission):
    foreign = client_create(
        actor=Actor.system("tests"),
        name="Fremd",
        municipality=OfficeFactory().municipality,
        scopes=["applications:read", "applications:write"],
    )
    with pytest.raises(NotPermitted):
        case_deadline_set(
            case=submission.case, deadline=in_days(3), actor=Actor.api_client(foreign)
        )
    with pytest.raises(NotPermitted):  # the system does not handle cases through these
        case_deadline_set(case=submission.case, deadline=in_days(3), actor=Actor.system("x"))


def test_closing_records_when(submission, clerk):
    assert submission.case.closed_at is None
    case_status_change(case=submission.case, status=S.CLOSED, note="", actor=actor_of(clerk))
    submission.case.refresh_from_db()
    assert submission.case.closed_at == submission.case.status_changed_at


def test_a_case_without_submission_is_audited_as_itself():
    case = CaseFactory()
    clerk = make_staff("solo", (case.office, Role.CASE_WORKER))
    case_status_change(case=case, status=S.IN_PROGRESS, note="", actor=actor_of(clerk))
    event = AuditEvent.objects.get(action="submission.status")
    assert (event.object_type, event.object_id) == ("cases.case", str(case.pk))
    assert event.municipality_id == case.municipality_id


def test_the_status_event_carries_the_change_and_reads_back(submission, clerk):
    OutboxMessage.objects.all().delete()
    change = case_status_change(
        case=submission.case, status=S.IN_PROGRESS, note="", actor=actor_of(clerk)
    )
    message = OutboxMessage.objects.get()
    event = CaseStatusChanged.from_payload(message.payload)
    assert (event.case_id, event.status_change_id) == (submission.case_id, change.pk)
    assert (event.old_status, event.new_status, event.notify_applicant) == (
        "submitted",
        "in_progress",
        True,
    )
    assert event.municipality_id == submission.municipality_id


def test_the_applicant_gets_one_mail_per_change_and_one_for_a_request(
    submission, clerk, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_status_change(
            case=submission.case, status=S.IN_PROGRESS, note="", actor=actor_of(clerk)
        )
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        # Moves the case to "query" as well: one mail, the request's, naming the deadline.
        document_request_create(
            case=submission.case, message="Nachweis", deadline=in_days(9), actor=actor_of(clerk)
        )
    assert len(mail.outbox) == 2
    assert StatusChange.objects.filter(case=submission.case, status=S.QUERY).exists()
    # The messages of the change and the request (the case's opening, by the fixture, was
    # not run through the outbox here).
    case_messages = OutboxMessage.objects.filter(topic__startswith="case.").exclude(
        topic__startswith="case.opened/"
    )
    assert set(case_messages.values_list("status", flat=True)) == {"done"}


def test_inbox_lists_only_the_clerks_offices_newest_first(submission, clerk):
    newer = make_submission(office=submission.office)
    make_submission()  # another office
    listed = list(selectors.inbox_cases(user=clerk))
    assert [c.pk for c in listed] == [newer.case_id, submission.case_id]
    assert listed[0].submission.pk == newer.pk  # joined, for the link
    case_status_change(case=newer.case, status=S.CLOSED, note="", actor=actor_of(clerk))
    assert [c.pk for c in selectors.inbox_cases(user=clerk, status="closed")] == [newer.case_id]
    found = selectors.inbox_cases(user=clerk, query=submission.reference[-6:].lower())
    assert [c.pk for c in found] == [submission.case_id]
    # A whole reference, any case; the same number under another prefix or year is no match.
    for query in (submission.reference, submission.reference.lower(), submission.reference[2:]):
        found = selectors.inbox_cases(user=clerk, query=query)
        assert [c.pk for c in found] == [submission.case_id], query
    prefix, year, number = submission.reference.split("-")
    for query in (f"X{prefix}-{year}-{number}", f"{prefix}-1999-{number}", f"{number}-{year}"):
        assert not selectors.inbox_cases(user=clerk, query=query).exists(), query
    assert selectors.inbox_case_get(user=clerk, case_id=submission.case_id) == submission.case
    outsider = make_staff("outsider", (OfficeFactory(), Role.CASE_WORKER))
    with pytest.raises(NotFound):
        selectors.inbox_case_get(user=outsider, case_id=submission.case_id)


def test_client_queue_is_the_municipality_newest_first(submission):
    newer = make_submission(office=submission.office)
    make_submission()
    writer = client_create(
        actor=Actor.system("tests"),
        name="Fachverfahren",
        municipality=submission.municipality,
        scopes=["applications:read"],
    )
    queue = selectors.client_cases(actor=Actor.api_client(writer))
    assert [c.pk for c in queue] == [newer.case_id, submission.case_id]  # as docs/api.md says
    assert not selectors.client_cases(actor=Actor.system("tests")).exists()


def test_next_steps_put_an_open_request_first(submission, clerk):
    document_request_create(
        case=submission.case, message="Nachweis", deadline=in_days(5), actor=actor_of(clerk)
    )
    case_status_change(case=submission.case, status=S.IN_PROGRESS, note="", actor=actor_of(clerk))
    other = make_submission()
    steps = selectors.applicant_next_steps(cases=[submission.case, other.case])
    assert "weitere Unterlagen" in steps[submission.case_id]  # German by default
    assert steps[other.case_id] == str(selectors.APPLICANT_NEXT_STEPS[S.SUBMITTED])
