"""Personal pages and downloads are never stored by a cache (`Cache-Control: private,
no-store`); the public catalogue stays cacheable as it is."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.cache import get_max_age

from rathaus.staff.models import Role
from tests.api.test_submissions_api import bearer_for
from tests.applications.inbox_data import PDF, add_attachment, make_submission
from tests.factories import DraftFactory, LocalServiceFactory, UserFactory
from tests.staff.people import login_with_mfa, make_staff

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


def assert_personal(response) -> None:
    assert response.status_code in (200, 302), response.status_code
    assert {"private", "no-store"} <= directives(response), response.get("Cache-Control")
    assert "public" not in directives(response)


@pytest.fixture
def submission(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    made = make_submission()
    made.receipt.save("receipt.pdf", ContentFile(PDF))
    return made


@pytest.fixture
def attachment(submission):
    return add_attachment(submission)


@pytest.mark.parametrize(
    ("url_name", "args"),
    [
        ("accounts:overview", ()),
        ("accounts:profile", ()),
        ("accounts:personal-data", ()),
        ("accounts:personal-data-json", ()),
        ("apply:overview", ()),
        ("apply:step", ("draft", "person")),
        ("apply:check", ("draft",)),
        ("apply:documents", ("draft",)),
        ("apply:detail", ("submission",)),
        ("apply:confirmation", ("submission",)),
        ("apply:receipt", ("submission",)),
    ],
)
def test_citizen_pages_and_downloads_are_private_no_store(client, submission, url_name, args):
    applicant = submission.applicant
    client.force_login(applicant)
    draft = DraftFactory(applicant=applicant)
    values = {"draft": draft.pk, "submission": submission.pk}
    response = client.get(reverse(url_name, args=[values.get(a, a) for a in args]))
    assert_personal(response)


def test_login_page_and_redirect_to_login_are_private_no_store(client):
    assert_personal(client.get(reverse("account_login")))
    assert_personal(client.get(reverse("apply:overview")))  # → login


@pytest.mark.parametrize(
    ("url_name", "args"),
    [
        ("backoffice:start", ()),
        ("backoffice:submission-list", ()),
        ("backoffice:submission-detail", ("submission",)),
        ("backoffice:submission-receipt", ("submission",)),
        ("backoffice:submission-attachment", ("submission", "attachment")),
        ("admin:index", ()),
    ],
)
def test_staff_pages_and_downloads_are_private_no_store(
    client, submission, attachment, url_name, args
):
    clerk = make_staff("clerk", (submission.office, Role.CASE_WORKER), is_superuser=True)
    login_with_mfa(client, clerk)
    values = {"submission": submission.pk, "attachment": attachment.pk}
    response = client.get(reverse(url_name, args=[values[a] for a in args]))
    assert_personal(response)


@pytest.mark.parametrize(
    ("url_name", "args"),
    [
        ("api:v1:me", ()),
        ("api:v1:submission-list", ()),
        ("api:v1:submission-detail", ("submission",)),
        ("api:v1:submission-receipt", ("submission",)),
        ("api:v1:submission-attachment", ("submission", "attachment")),
    ],
)
def test_api_responses_to_a_token_are_private_no_store(
    client, submission, attachment, url_name, args
):
    token = bearer_for(submission.municipality, "applications:read")
    values = {"submission": submission.pk, "attachment": attachment.pk}
    response = client.get(reverse(url_name, args=[values[a] for a in args]), **token)
    assert_personal(response)


def test_public_catalogue_stays_cacheable(client):
    offer = LocalServiceFactory()
    municipality = offer.municipality
    client.force_login(UserFactory())  # logged in or not: the catalogue holds no personal data
    for url in (
        reverse("portal:landing"),
        reverse("portal:start", args=[municipality.slug]),
        reverse("portal:service-list", args=[municipality.slug]),
        reverse("portal:service-detail", args=[municipality.slug, offer.service.slug]),
        reverse("api:v1:service-list"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" not in directives(response), url
        assert "private" not in directives(response), url
        assert get_max_age(response) is None or get_max_age(response) > 0
