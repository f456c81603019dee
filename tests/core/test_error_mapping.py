"""One mapping of domain errors to responses (rathaus.core.error_responses): the same error
raised from a view of the portal, of /intern/ and of the API answers 404/403/409/400 with its
message — an error page (portal or staff layout) or an application/problem+json body."""

import json
import uuid

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.test import Client, RequestFactory

from rathaus.applications.attachments import AttachmentNotReady
from rathaus.applications.draft_payments import NothingToPay
from rathaus.applications.drafts import DraftClosed, DraftPaid, NotAvailableOnline
from rathaus.applications.handover import HandoverNotReady
from rathaus.applications.services import FormDefinitionImmutable
from rathaus.cases.services import DocumentRequestClosed, StatusTransitionNotAllowed
from rathaus.catalog.responsibility import PlaceAmbiguous, PlaceNotFound
from rathaus.core.actors import Actor
from rathaus.core.error_responses import form_error_add, message_error_add
from rathaus.core.errors import Conflict, DomainError, NotFound, NotPermitted
from rathaus.organisations.errors import NotPermitted as ProxyNotPermitted
from rathaus.organisations.models import Organisation
from rathaus.organisations.services import organisation_create
from rathaus.payments.state_machine import PaymentTransitionError
from rathaus.staff.models import Role
from rathaus.staff.permissions import StaffPermissionDenied
from tests.core.error_urls import ERRORS, message_of
from tests.factories import OfficeFactory, UserFactory
from tests.staff.people import login_with_mfa, make_staff

STATUS = {
    "not-found": 404,
    "not-permitted": 403,
    "staff-permission-denied": 403,
    "proxy-not-permitted": 403,
    "conflict": 409,
    "invalid": 400,
}
ESCAPED = "&lt;b&gt;escaped&lt;/b&gt;"


def test_every_app_error_derives_from_the_right_core_class():
    assert issubclass(StaffPermissionDenied, NotPermitted)
    assert issubclass(ProxyNotPermitted, NotPermitted)
    for cls in (PlaceNotFound, NotAvailableOnline):
        assert issubclass(cls, NotFound), cls
    for cls in (
        PlaceAmbiguous,
        DraftClosed,
        DraftPaid,
        NothingToPay,
        StatusTransitionNotAllowed,
        DocumentRequestClosed,
        AttachmentNotReady,
        FormDefinitionImmutable,
        HandoverNotReady,
        PaymentTransitionError,
    ):
        assert issubclass(cls, Conflict), cls
    assert [NotFound.status_code, NotPermitted.status_code, Conflict.status_code] == [404, 403, 409]
    assert DomainError.status_code == 400


# --- The three surfaces, with the same errors -------------------------------------------


# The portal (its layout, no staff navigation) and /intern/ (the staff layout, after a staff
# login): the language asked for and the texts of its error pages.
SURFACES = {
    "portal": {
        "language": "en",
        "prefix": "/",
        "staff": False,
        "texts": {409: "Not possible at the moment", 400: "Request not possible"},
    },
    "staff": {
        "language": "de",
        "prefix": "/intern/",
        "staff": True,
        "texts": {409: "Derzeit nicht möglich"},
    },
}


@pytest.mark.urls("tests.core.error_urls")
@pytest.mark.django_db
@pytest.mark.parametrize("surface", list(SURFACES))
@pytest.mark.parametrize("kind", list(ERRORS))
def test_portal_and_staff_area_answer_with_the_error_page_in_their_layout(surface, kind):
    config = SURFACES[surface]
    client = Client(HTTP_ACCEPT_LANGUAGE=config["language"])
    if config["staff"]:
        login_with_mfa(client, make_staff("clerk", (OfficeFactory(), Role.CASE_WORKER)))
    response = client.get(f"{config['prefix']}fehlertest/{kind}/")
    assert response.status_code == STATUS[kind]
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f"Message of {kind} {ESCAPED}." in html  # the safe message, escaped
    assert "Traceback" not in html and "error_urls.py" not in html
    if config["staff"]:
        assert 'href="/intern/antraege/"' in html or 'class="site-nav"' in html
        assert "Zur Startseite des internen Bereichs" in html
    else:
        assert 'class="site-nav"' not in html  # portal layout: no staff navigation
    text = config["texts"].get(STATUS[kind])
    if text:
        assert text in html


@pytest.mark.urls("tests.core.error_urls")
@pytest.mark.django_db
def test_staff_area_guard_comes_first():
    """Without a staff login the test view is not reached: the guard redirects to the login."""
    response = Client().get("/intern/fehlertest/conflict/")
    assert response.status_code == 302


@pytest.mark.urls("tests.core.error_urls")
@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(ERRORS))
def test_api_answers_with_a_problem(kind):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/api/v1/fehlertest/{kind}/")
    assert response.status_code == STATUS[kind]
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    titles = {404: "Not Found", 403: "Forbidden", 409: "Conflict", 400: "Bad Request"}
    assert body["status"] == STATUS[kind]
    assert body["title"] == titles[STATUS[kind]]
    assert body["detail"] == message_of(kind)
    assert body["type"] == "about:blank"
    assert body["instance"] == f"/api/v1/fehlertest/{kind}/"
    if kind == "invalid":
        assert body["errors"] == {"name": [message_of(kind)]}
    else:
        assert "errors" not in body


# --- Real views -----------------------------------------------------------------------


@pytest.mark.django_db
def test_portal_unknown_municipality_is_a_404_with_the_message():
    response = Client(HTTP_ACCEPT_LANGUAGE="de").get("/atlantis/")
    assert response.status_code == 404
    assert "Keine Kommune „atlantis“." in response.content.decode()


@pytest.mark.django_db
def test_staff_area_hides_other_offices_and_refuses_role_administration():
    own, other = OfficeFactory(), OfficeFactory()
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    login_with_mfa(client, make_staff("clerk", (own, Role.CASE_WORKER)))
    # Need to know: another office's page does not exist for this clerk.
    response = client.get(f"/intern/aemter/{other.pk}/")
    assert response.status_code == 404
    assert "Diese Dienststelle gibt es nicht." in response.content.decode()
    response = client.get("/intern/rollen/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Nur die Systemadministration kann Rollen verwalten." in html
    assert 'class="site-nav"' in html  # the staff layout


@pytest.mark.django_db
def test_role_revoke_of_an_unknown_assignment_is_a_404():
    office = OfficeFactory()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    login_with_mfa(client, make_staff("admin", (office, Role.SYSTEM_ADMIN)))
    response = client.post(f"/intern/rollen/{uuid.uuid4()}/entziehen/")
    assert response.status_code == 404
    assert "No such role assignment." in response.content.decode()


@pytest.mark.django_db
def test_account_pages_answer_not_permitted_with_403_and_the_message():
    anna, carla = UserFactory(), UserFactory()
    firma = organisation_create(
        actor=Actor.person(anna), name="Moselbau GmbH", kind=Organisation.Kind.COMPANY
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(carla)
    response = client.get(f"/konto/organisationen/{firma.pk}/")
    assert response.status_code == 403
    assert "Sie sind kein Mitglied dieser Organisation." in response.content.decode()
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_api_not_found_is_a_problem_with_the_message():
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/municipalities/atlantis/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["detail"] == "No municipality “atlantis”."


# --- Showing a domain error in place ----------------------------------------------------


class NameForm(forms.Form):
    name = forms.CharField()
    agent_email = forms.EmailField()


def test_form_error_add_puts_the_message_at_the_field_or_on_the_form():
    form = NameForm({"name": "x", "agent_email": "a@example.org"})
    assert form.is_valid()
    form_error_add(form, DomainError("Bad name.", field="name"))
    form_error_add(form, DomainError("Bad agent.", field="agent"), fields={"agent": "agent_email"})
    form_error_add(form, DomainError("Unknown field.", field="nonsense"))
    form_error_add(form, Conflict("Changed meanwhile."), default="name")
    assert form.errors["name"] == ["Bad name.", "Changed meanwhile."]
    assert form.errors["agent_email"] == ["Bad agent."]
    assert form.non_field_errors() == ["Unknown field."]


@pytest.mark.parametrize("exc", [NotFound("gone"), StaffPermissionDenied("no")])
def test_form_and_message_helpers_let_page_errors_through(exc):
    form = NameForm({})
    with pytest.raises(type(exc)):
        form_error_add(form, exc)
    request = RequestFactory().get("/")
    with pytest.raises(type(exc)):
        message_error_add(request, exc)


@pytest.mark.django_db
def test_message_error_add_shows_the_message(client):
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = RequestFactory().get("/")
    request.session = client.session
    request._messages = FallbackStorage(request)
    message_error_add(request, Conflict("Already done."))
    assert [str(m) for m in get_messages(request)] == ["Already done."]
