"""Links in e-mails the worker sends come from one place: RATHAUS_PUBLIC_URL (`make run` sets
it to the address it serves, see tests/demo/test_run_local.py)."""

import datetime as dt

import pytest
from django.core import mail

from rathaus.applications.notifications import document_request_notify, status_change_notify
from rathaus.applications.submissions import submission_create
from rathaus.cases.models import Case, DocumentRequest, StatusChange
from rathaus.core.actors import Actor
from rathaus.core.public_urls import public_url
from tests.factories import DraftFactory

PUBLIC_URL = "http://127.0.0.1:8123"


@pytest.mark.parametrize("configured", [PUBLIC_URL, f"{PUBLIC_URL}/"])
@pytest.mark.parametrize("path", ["/antraege/", "antraege/"])
def test_public_url_joins_the_configured_address_and_a_path(settings, configured, path):
    settings.RATHAUS_PUBLIC_URL = configured
    assert public_url(path) == f"{PUBLIC_URL}/antraege/"
    assert public_url() == f"{PUBLIC_URL}/"


@pytest.fixture
def submission(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.RATHAUS_PUBLIC_URL = PUBLIC_URL
    draft = DraftFactory(data={"name": "Erika Beispiel", "dogs": 2})
    return submission_create(draft=draft, actor=Actor.person(draft.applicant), language="de")


def _links(message) -> list[str]:
    html = next(body for body, kind in message.alternatives if kind == "text/html")
    return [message.body, html]


def test_status_mail_links_to_the_configured_public_url(submission):
    change = StatusChange.objects.create(case=submission.case, status=Case.Status.IN_PROGRESS)
    assert status_change_notify(status_change_id=change.pk) is True
    (message,) = mail.outbox
    for text in _links(message):
        assert f"{PUBLIC_URL}/antraege/" in text
        assert "https://localhost" not in text


def test_document_request_mail_links_to_the_configured_public_url(submission):
    request = DocumentRequest.objects.create(
        case=submission.case, message="Bitte nachreichen.", deadline=dt.date(2027, 3, 1)
    )
    assert document_request_notify(document_request_id=request.pk) is True
    (message,) = mail.outbox
    for text in _links(message):
        assert f"{PUBLIC_URL}/antraege/" in text
