"""The staff inbox under /intern/antraege/: need to know, detail, status change,
Nachforderung, downloads only when scanned clean, and the list's query count."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rathaus.applications.models import Attachment
from rathaus.cases.models import Case, DocumentRequest
from rathaus.core.models import AuditEvent
from rathaus.staff.models import Role
from tests.applications.inbox_data import PDF, add_attachment, make_submission
from tests.staff.people import login_with_mfa, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# office_a, office_b and clerk: tests/backoffice/conftest.py


def detail_url(submission):
    return reverse("backoffice:submission-detail", args=[submission.pk])


def test_clerk_sees_only_own_offices_and_other_detail_is_404(client, clerk, office_a, office_b):
    mine = make_submission(office=office_a)
    theirs = make_submission(office=office_b)
    response = client.get(reverse("backoffice:submission-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert detail_url(mine) in html and detail_url(theirs) not in html
    assert "Erika Mustermann" in html

    assert client.get(detail_url(mine)).status_code == 200
    assert client.get(detail_url(theirs)).status_code == 404
    file_b = add_attachment(theirs)
    url = reverse("backoffice:submission-attachment", args=[theirs.pk, file_b.pk])
    assert client.get(url).status_code == 404
    post = client.post(
        reverse("backoffice:submission-status", args=[theirs.pk]), {"status": "closed"}
    )
    assert post.status_code == 404
    theirs.case.refresh_from_db()
    assert theirs.case.status == Case.Status.SUBMITTED


def test_start_page_links_to_the_inbox(client, clerk):
    response = client.get(reverse("backoffice:start"))
    assert reverse("backoffice:submission-list").encode() in response.content


def test_list_filters_by_status_and_reference(client, clerk, office_a):
    first = make_submission(office=office_a)
    second = make_submission(office=office_a)
    Case.objects.filter(pk=second.case_id).update(status=Case.Status.CLOSED)
    url = reverse("backoffice:submission-list")
    html = client.get(url, {"status": "closed"}).content.decode()
    assert second.reference in html and f">{first.reference}<" not in html
    html = client.get(url, {"q": first.reference.lower()}).content.decode()
    assert f">{first.reference}<" in html and f">{second.reference}<" not in html


def test_list_query_count_does_not_grow_with_submissions(client, clerk, office_a):
    make_submission(office=office_a)
    url = reverse("backoffice:submission-list")
    client.get(url)  # warm up session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(4):
        make_submission(office=office_a)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count("/intern/antraege/") >= 5
    assert len(many) == len(few)


def test_detail_shows_data_by_step_files_and_history(client, clerk, office_a):
    submission = make_submission(office=office_a)
    clean = add_attachment(submission, name="ausweis.pdf")
    pending = add_attachment(submission, name="wartet.pdf", scan_status="pending")
    html = client.get(detail_url(submission)).content.decode()
    assert "Erika Mustermann" in html  # the data, under the labels of the UI steps
    assert clean.sha256 in html and pending.sha256 in html
    assert reverse("backoffice:submission-attachment", args=[submission.pk, clean.pk]) in html
    assert reverse("backoffice:submission-attachment", args=[submission.pk, pending.pk]) not in html


def test_attachment_download_only_when_clean(client, clerk, office_a):
    submission = make_submission(office=office_a)
    clean = add_attachment(submission)
    response = client.get(
        reverse("backoffice:submission-attachment", args=[submission.pk, clean.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    for status in (Attachment.ScanStatus.PENDING, Attachment.ScanStatus.INFECTED):
        other = add_attachment(submission, scan_status=status)
        response = client.get(
            reverse("backoffice:submission-attachment", args=[submission.pk, other.pk])
        )
        assert response.status_code == 409
        assert PDF not in response.content


def test_receipt_download(client, clerk, office_a):
    submission = make_submission(office=office_a)
    url = reverse("backoffice:submission-receipt", args=[submission.pk])
    assert client.get(url).status_code == 404
    submission.receipt.save("r.pdf", ContentFile(PDF), save=True)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_status_change_through_the_form(client, clerk, office_a):
    submission = make_submission(office=office_a)
    url = reverse("backoffice:submission-status", args=[submission.pk])
    response = client.post(url, {"status": "in_progress", "note": "Wird bearbeitet"})
    assert response.status_code == 302 and response["Location"] == detail_url(submission)
    submission.case.refresh_from_db()
    assert submission.case.status == Case.Status.IN_PROGRESS
    assert submission.case.status_changes.last().actor_label == "Anna Amt"
    # "submitted" is not offered from "in progress": the form refuses it with an error summary.
    response = client.post(url, {"status": "submitted"})
    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()
    submission.case.refresh_from_db()
    assert submission.case.status == Case.Status.IN_PROGRESS


def test_acknowledge_through_the_page(client, clerk, office_a):
    submission = make_submission(office=office_a)
    url = reverse("backoffice:submission-acknowledge", args=[submission.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    submission.case.refresh_from_db()
    assert submission.case.acknowledged_by == "Anna Amt"
    assert AuditEvent.objects.filter(action="submission.acknowledge").count() == 1


def test_document_request_through_the_form_and_withdraw(client, clerk, office_a):
    submission = make_submission(office=office_a)
    url = reverse("backoffice:submission-document-request", args=[submission.pk])
    past = client.post(url, {"message": "Nachweis", "deadline": "2020-01-01"})
    assert past.status_code == 400
    assert "Die Frist muss in der Zukunft liegen." in past.content.decode()
    deadline = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    response = client.post(url, {"message": "Bitte Meldebescheinigung", "deadline": deadline})
    assert response.status_code == 302
    request = DocumentRequest.objects.get(case=submission.case)
    submission.case.refresh_from_db()
    assert submission.case.status == Case.Status.QUERY
    assert "Bitte Meldebescheinigung" in client.get(detail_url(submission)).content.decode()

    cancel = reverse(
        "backoffice:submission-document-request-cancel", args=[submission.pk, request.pk]
    )
    assert client.post(cancel).status_code == 302
    request.refresh_from_db()
    assert request.status == DocumentRequest.Status.CANCELLED


def test_roles_without_case_handling_see_no_applications(client, office_a):
    submission = make_submission(office=office_a)
    admin = make_staff(
        "fachadmin-a", (office_a, Role.SPECIALIST_ADMIN), (office_a, Role.DATA_PROTECTION)
    )
    login_with_mfa(client, admin)
    assert (
        detail_url(submission)
        not in client.get(reverse("backoffice:submission-list")).content.decode()
    )
    assert client.get(detail_url(submission)).status_code == 404
