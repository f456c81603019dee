"""The back office serves uploads under the name of their detected type (download_names)."""

import pytest
from django.urls import reverse

from rathaus.staff.models import Role
from tests.applications.inbox_data import PDF, add_attachment, make_submission
from tests.factories import OfficeFactory
from tests.staff.people import login_with_mfa, make_staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("original", "served", "exact"),
    [
        ("bescheid.html", 'filename="bescheid-html.pdf"', "bescheid-html.pdf"),
        ("rechnung\u202efdp.exe", 'filename="rechnungfdp-exe.pdf"', "rechnungfdp-exe.pdf"),
        ("Übersicht.pdf", 'filename="Uebersicht.pdf"', "%C3%9Cbersicht.pdf"),
    ],
)
def test_clerk_downloads_under_the_detected_type(
    client, settings, tmp_path, original, served, exact
):
    settings.MEDIA_ROOT = tmp_path
    office = OfficeFactory()
    login_with_mfa(client, make_staff("clerk", (office, Role.CASE_WORKER)))
    submission = make_submission(office=office)
    attachment = add_attachment(submission, name=original)
    response = client.get(
        reverse("backoffice:submission-attachment", args=[submission.pk, attachment.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == f"attachment; {served}; filename*=UTF-8''{exact}"
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
