"""Done when: a clerk logs in through LDAP with MFA and sees only their offices' data.

Real slapd, the real login pages (allauth under /konto/), TOTP codes computed from the secret
the enrolment page put in the session — what an authenticator app would show.
"""

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from rathaus.staff.models import RoleAssignment
from tests.factories import LocalServiceFactory
from tests.staff.people import totp_code

pytestmark = pytest.mark.django_db


def forget_used_codes():
    # allauth refuses a code twice within its 30 s window; a person would wait for the next
    # code, the test clears allauth's record of used codes instead.
    cache.clear()


def first_login_with_enrolment(client, login, password):
    response = client.get("/intern/")
    assert response.status_code == 302
    login_url = response["Location"]
    assert login_url.startswith(reverse("account_login"))

    response = client.post(login_url, {"login": login, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/intern/"

    # Logged in with a password only: the staff area first wants a second factor.
    response = client.get("/intern/")
    assert response.status_code == 302
    enrol_url = response["Location"]
    assert enrol_url.startswith(reverse("mfa_activate_totp"))
    assert client.get(enrol_url).status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(enrol_url, {"code": totp_code(secret)})
    assert response.status_code == 302

    # Enrolled, but this session has not used it yet: confirm with the next code.
    response = client.get("/intern/")
    assert response.status_code == 302
    confirm_url = response["Location"]
    assert confirm_url.startswith(reverse("mfa_reauthenticate"))
    forget_used_codes()
    response = client.post(confirm_url, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/intern/"
    return secret


def login_with_totp(client, login, password, secret):
    response = client.post(
        f"{reverse('account_login')}?next=/intern/", {"login": login, "password": password}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    forget_used_codes()
    response = client.post(response["Location"], {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/intern/"


def test_clerks_log_in_through_the_directory_with_totp_and_see_only_their_offices(
    directory_login,
):
    offices = directory_login
    LocalServiceFactory(
        municipality=offices["buergerbuero"].municipality,
        responsible_office=offices["buergerbuero"],
        service__name_de="Meldebescheinigung",
    )
    LocalServiceFactory(
        municipality=offices["ordnungsamt"].municipality,
        responsible_office=offices["ordnungsamt"],
        service__name_de="Gaststättenerlaubnis",
    )

    anna = Client()
    secret = first_login_with_enrolment(anna, "anna@cochem.example", "anna-directory-pw")
    start = anna.get("/intern/").content.decode()
    assert "Bürgerbüro" in start and "Fachadministration" in start
    assert "Ordnungsamt" not in start
    services = anna.get("/intern/leistungen/").content.decode()
    assert "Meldebescheinigung" in services and "Gaststättenerlaubnis" not in services
    assert anna.get(f"/intern/aemter/{offices['ordnungsamt'].pk}/").status_code == 404

    # Next day: password, then the TOTP code at the login itself.
    anna.post(reverse("account_logout"))
    assert anna.get("/intern/").status_code == 302
    login_with_totp(anna, "anna@cochem.example", "anna-directory-pw", secret)
    assert anna.get("/intern/").status_code == 200

    bernd = Client()
    first_login_with_enrolment(bernd, "bernd@zell.example", "bernd-directory-pw")
    start = bernd.get("/intern/").content.decode()
    assert "Ordnungsamt" in start and "Bürgerbüro" not in start
    services = bernd.get("/intern/leistungen/").content.decode()
    assert "Gaststättenerlaubnis" in services and "Meldebescheinigung" not in services
    office_page = bernd.get(f"/intern/aemter/{offices['buergerbuero'].pk}/")
    assert office_page.status_code == 404

    assert Authenticator.objects.filter(type=Authenticator.Type.TOTP).count() == 2
    assert RoleAssignment.objects.filter(user__username="bernd").count() == 1


def test_a_directory_user_in_no_mapped_group_cannot_log_in(directory_login):
    client = Client()
    response = client.post(
        f"{reverse('account_login')}?next=/intern/",
        {"login": "carla@cochem.example", "password": "carla-directory-pw"},
    )
    assert response.status_code == 200  # the form again, with an error
    assert client.get("/intern/").status_code == 302
    assert "_auth_user_id" not in client.session
