"""The staff area's frame and what a clerk meets first: one way to log out, a navigation
that marks the current page and leads to the applications, the landing page after a login,
labelled computed values, a status that has to be chosen, and a page a citizen understands
when they open /intern/."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from rathaus.cases.models import Case
from tests.applications.inbox_data import make_submission
from tests.factories import (
    APPLICATION_SCHEMA,
    APPLICATION_UI,
    FormDefinitionFactory,
    OfficeFactory,
    UserFactory,
)
from tests.staff.people import enrol_totp, login_with_mfa, make_staff, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return OfficeFactory(name="Bürgerbüro A")


@pytest.fixture
def clerk(client, office):
    from rathaus.staff.models import Role

    user = make_staff("clerk-a", (office, Role.CASE_WORKER), first_name="Anna", last_name="Amt")
    login_with_mfa(client, user)
    return user


def header(html: str) -> str:
    return html.split('<main id="main"', 1)[0]


def test_one_logout_and_a_navigation_marking_the_current_page(client, clerk, office):
    submission = make_submission(office=office)
    pages = {
        reverse("backoffice:start"): "Meine Dienststellen",
        reverse("backoffice:submission-list"): "Anträge",
        reverse("backoffice:service-offers"): "Leistungen meiner Dienststellen",
    }
    for url, current in pages.items():
        html = header(client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode())
        assert html.count(f'action="{reverse("account_logout")}"') == 1, url
        assert html.count("Abmelden") == 1, url
        nav = re.search(r'<nav class="site-nav"[^>]*>(.*?)</nav>', html, re.S).group(1)
        assert f'href="{reverse("backoffice:submission-list")}"' in nav
        marked = re.findall(r'<a href="([^"]+)" aria-current="page">([^<]+)</a>', nav)
        assert marked == [(url, current)], url
    # A page below "Anträge" marks it as the current section.
    html = header(
        client.get(reverse("backoffice:submission-detail", args=[submission.pk])).content.decode()
    )
    assert f'<a href="{reverse("backoffice:submission-list")}" aria-current="true">' in html


def test_status_must_be_chosen_and_starts_with_please_choose(client, clerk, office):
    submission = make_submission(office=office)
    html = client.get(
        reverse("backoffice:submission-detail", args=[submission.pk])
    ).content.decode()
    select = re.search(r'<select name="status"[^>]*>(.*?)</select>', html, re.S).group(1)
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    assert options[0] == ("", "Bitte auswählen")
    assert not re.search(r'<option value="[^"]+"[^>]*selected', select)

    response = client.post(
        reverse("backoffice:submission-status", args=[submission.pk]), {"status": ""}
    )
    assert response.status_code == 400
    assert "Wählen Sie den neuen Status aus." in response.content.decode()
    submission.case.refresh_from_db()
    assert submission.case.status == Case.Status.SUBMITTED


def test_computed_values_show_their_labels_not_json_pointers(client, clerk, office):
    schema = {
        **APPLICATION_SCHEMA,
        "properties": {**APPLICATION_SCHEMA["properties"], "total": {"type": "integer"}},
    }
    ui = {
        **APPLICATION_UI,
        "computed": [
            {"field": "/total", "expression": "dogs * 2", "label": {"de": "Doppelte Anzahl"}}
        ],
    }
    form = FormDefinitionFactory(schema=schema, ui=ui, service__fee_rule={"kind": "free"})
    submission = make_submission(office=office, form=form, data={"name": "Erika", "dogs": 2})
    assert submission.computed  # the value was computed and stored under its pointer
    html = client.get(
        reverse("backoffice:submission-detail", args=[submission.pk])
    ).content.decode()
    assert "Doppelte Anzahl" in html
    assert "/total" not in html


def test_citizen_in_the_staff_area_gets_an_explanation_in_the_portal_layout(client):
    client.force_login(UserFactory())
    response = client.get("/intern/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 403
    html = response.content.decode()
    assert '<link rel="stylesheet" href="/static/portal/portal.css">' in html
    assert "<h1" in html and "Kein Zugriff" in html
    assert "interne Bereich der Verwaltung" in html
    assert f'href="{reverse("portal:landing")}"' in html


def test_clerk_logging_in_on_the_citizen_login_lands_in_the_staff_area(office):
    from rathaus.staff.models import Role

    clerk = make_staff("clerk-b", (office, Role.CASE_WORKER))
    clerk.set_password("a-long-staff-password")
    clerk.save(update_fields=["password"])
    EmailAddress.objects.create(user=clerk, email=clerk.email, verified=True, primary=True)
    secret = enrol_totp(clerk)

    browser = Client()
    response = browser.post(
        reverse("account_login"), {"login": clerk.email, "password": "a-long-staff-password"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    cache.clear()  # allauth remembers used codes
    response = browser.post(response["Location"], {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:start")
    assert browser.get(response["Location"]).status_code == 200


def test_citizen_logging_in_still_lands_on_their_account_page():
    citizen = UserFactory()
    citizen.set_password("a-long-citizen-password")
    citizen.save(update_fields=["password"])
    EmailAddress.objects.create(user=citizen, email=citizen.email, verified=True, primary=True)
    browser = Client()
    response = browser.post(
        reverse("account_login"), {"login": citizen.email, "password": "a-long-citizen-password"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:overview")
