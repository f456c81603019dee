"""Assignee (Zuständig) and processing deadline (Bearbeitungsfrist) of a case on the detail
page under /intern/antraege/: who may set them, to whom, what is audited."""

import dataclasses
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from rathaus.backoffice import submission_views
from rathaus.core.errors import DomainError
from rathaus.core.models import AuditEvent
from rathaus.staff.models import Role
from tests.applications.inbox_data import make_submission
from tests.factories import OfficeFactory
from tests.staff.people import login_with_mfa, make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def colleague(office_a):
    return make_staff("clerk-b", (office_a, Role.TEAM_LEAD), first_name="Bernd", last_name="Bote")


def detail_url(submission):
    return reverse("backoffice:submission-detail", args=[submission.pk])


def assign_url(submission):
    return reverse("backoffice:submission-assign", args=[submission.pk])


def deadline_url(submission):
    return reverse("backoffice:submission-deadline", args=[submission.pk])


def test_detail_offers_the_office_staff_who_handle_cases(client, clerk, colleague, office_a):
    outsider = make_staff("clerk-x", (OfficeFactory(), Role.CASE_WORKER), last_name="Xaver")
    admin = make_staff("admin-a", (office_a, Role.SPECIALIST_ADMIN), last_name="Admina")
    submission = make_submission(office=office_a)
    html = client.get(detail_url(submission)).content.decode()
    assert assign_url(submission) in html and deadline_url(submission) in html
    assert f'<option value="{colleague.pk}">Bernd Bote</option>' in html
    assert f'<option value="{clerk.pk}">Anna Amt</option>' in html
    assert str(outsider.pk) not in html and str(admin.pk) not in html
    assert "nicht zugewiesen" in html  # the empty choice, and the summary


def test_clerk_assigns_a_colleague_and_sets_a_deadline(client, clerk, colleague, office_a):
    submission = make_submission(office=office_a)
    case = submission.case

    response = client.post(assign_url(submission), {"assignee": str(colleague.pk)}, follow=True)
    assert response.redirect_chain == [(detail_url(submission), 302)]
    html = response.content.decode()
    assert "Die zuständige Person wurde geändert." in html
    assert "Bernd Bote" in html
    case.refresh_from_db()
    assert case.assignee_id == colleague.pk

    deadline = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        deadline_url(submission), {"processing_deadline": deadline.isoformat()}, follow=True
    )
    assert response.redirect_chain == [(detail_url(submission), 302)]
    html = response.content.decode()
    assert "Die Bearbeitungsfrist wurde geändert." in html
    assert f'value="{deadline.isoformat()}"' in html
    assert deadline.strftime("%d.%m.%Y") in html
    case.refresh_from_db()
    assert case.deadline == deadline

    assign = AuditEvent.objects.get(action="case.assign")
    assert assign.municipality_id == case.municipality_id
    assert assign.actor_id == str(clerk.pk)
    assert assign.details["to"] == str(colleague.pk)
    assert assign.details["case"] == str(case.pk)
    set_deadline = AuditEvent.objects.get(action="case.deadline")
    assert set_deadline.municipality_id == case.municipality_id
    assert set_deadline.details["to"] == deadline.isoformat()


def test_empty_values_remove_assignee_and_deadline(client, clerk, colleague, office_a):
    submission = make_submission(office=office_a)
    case = submission.case
    client.post(assign_url(submission), {"assignee": str(colleague.pk)})
    client.post(deadline_url(submission), {"processing_deadline": "2031-01-31"})
    assert client.post(assign_url(submission), {"assignee": ""}).status_code == 302
    assert client.post(deadline_url(submission), {"processing_deadline": ""}).status_code == 302
    case.refresh_from_db()
    assert case.assignee_id is None and case.deadline is None
    assert AuditEvent.objects.filter(action="case.assign").count() == 2
    assert AuditEvent.objects.filter(action="case.deadline").count() == 2
    html = client.get(detail_url(submission)).content.decode()
    assert "Bernd Bote</dd>" not in html


def test_assignee_of_another_office_is_a_form_error(client, clerk, office_a, office_b):
    outsider = make_staff("clerk-x", (office_b, Role.CASE_WORKER), last_name="Xaver")
    submission = make_submission(office=office_a)
    response = client.post(assign_url(submission), {"assignee": str(outsider.pk)})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert "Diese Person bearbeitet keine Anträge dieser Dienststelle." in html
    submission.case.refresh_from_db()
    assert submission.case.assignee_id is None
    assert not AuditEvent.objects.filter(action="case.assign").exists()

    bad_date = client.post(deadline_url(submission), {"processing_deadline": "31.02.2030"})
    assert bad_date.status_code == 400
    assert 'id="error-summary"' in bad_date.content.decode()


def test_roles_without_case_handling_get_no_forms_and_cannot_post(client, colleague, office_a):
    submission = make_submission(office=office_a)
    reader = make_staff(
        "fachadmin-a", (office_a, Role.SPECIALIST_ADMIN), (office_a, Role.DATA_PROTECTION)
    )
    login_with_mfa(client, reader)
    detail = client.get(detail_url(submission))
    assert detail.status_code == 404
    assert assign_url(submission).encode() not in detail.content
    assign = client.post(assign_url(submission), {"assignee": str(colleague.pk)})
    assert assign.status_code in (403, 404)
    deadline = client.post(deadline_url(submission), {"processing_deadline": "2031-01-31"})
    assert deadline.status_code in (403, 404)
    submission.case.refresh_from_db()
    assert submission.case.assignee_id is None and submission.case.deadline is None
    assert not AuditEvent.objects.filter(action__in=["case.assign", "case.deadline"]).exists()


def test_clerk_of_another_office_cannot_assign(client, clerk, office_b):
    theirs = make_submission(office=office_b)
    colleague_b = make_staff("clerk-b2", (office_b, Role.CASE_WORKER))
    assert client.post(assign_url(theirs), {"assignee": str(colleague_b.pk)}).status_code == 404
    assert client.post(deadline_url(theirs), {"processing_deadline": ""}).status_code == 404
    theirs.case.refresh_from_db()
    assert theirs.case.assignee_id is None


def test_inbox_shows_the_assignee(client, clerk, colleague, office_a):
    submission = make_submission(office=office_a)
    make_submission(office=office_a)
    client.post(assign_url(submission), {"assignee": str(colleague.pk)})
    html = client.get(reverse("backoffice:submission-list")).content.decode()
    assert "Zuständig</th>" in html
    assert html.count(">Bernd Bote</td>") == 1


def test_a_refusal_of_the_service_is_shown_at_the_field(client, clerk, colleague, office_a):
    """Between the page and the service a role may end: the service's refusal (DomainError
    with field "assignee") is a form error at the field, not a 500."""

    def refuse(**_):
        raise DomainError("Nicht mehr zuständig.", field="assignee")

    changes = submission_views._CASE_CHANGES
    form_class = submission_views.CaseAssignForm
    refusing = dataclasses.replace(changes[form_class], service=refuse)
    submission = make_submission(office=office_a)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(changes, form_class, refusing)
        response = client.post(assign_url(submission), {"assignee": str(colleague.pk)})
    assert response.status_code == 400
    assert 'id="id_assignee_error"' in response.content.decode()
    assert "Nicht mehr zuständig." in response.content.decode()
