"""The API serves uploads under the name of their detected type (download_names)."""

import pytest

from rathaus.apitokens.services import client_create, token_issue
from rathaus.core.actors import Actor
from tests.applications.inbox_data import PDF, add_attachment, make_submission

pytestmark = pytest.mark.django_db


def test_specialist_system_downloads_under_the_detected_type(api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    submission = make_submission()
    client = client_create(
        actor=Actor.system("test"),
        name="Fachverfahren",
        municipality=submission.municipality,
        scopes=["applications:read"],
    )
    bearer = {
        "HTTP_AUTHORIZATION": f"Bearer {token_issue(actor=Actor.system('test'), client=client).plaintext}"
    }
    add_attachment(submission, name="rechnung\u202efdp.exe")
    detail = api.get(f"/api/v1/submissions/{submission.pk}/", **bearer).json()
    (listed,) = detail["attachments"]
    response = api.get(listed["download_url"], validate=False, **bearer)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename=\"rechnungfdp-exe.pdf\"; filename*=UTF-8''rechnungfdp-exe.pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
