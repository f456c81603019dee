"""The staff area under /intern/: who gets in, and need to know once inside."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from rathaus.accounts.models import User
from rathaus.core.models import AuditEvent
from rathaus.staff.models import Role
from tests.factories import LocalServiceFactory, MunicipalityFactory, OfficeFactory
from tests.staff.people import enrol_totp, login_with_mfa, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    cochem = MunicipalityFactory(slug="cochem", name="Stadt Cochem")
    zell = MunicipalityFactory(slug="zell", name="Stadt Zell")
    buergerbuero = OfficeFactory(municipality=cochem, slug="buergerbuero", name="Bürgerbüro Cochem")
    ordnungsamt = OfficeFactory(municipality=zell, slug="ordnungsamt", name="Ordnungsamt Zell")
    return {
        "buergerbuero": buergerbuero,
        "ordnungsamt": ordnungsamt,
        "offer_cochem": LocalServiceFactory(
            municipality=cochem,
            responsible_office=buergerbuero,
            service__name_de="Meldebescheinigung",
        ),
        "offer_zell": LocalServiceFactory(
            municipality=zell,
            responsible_office=ordnungsamt,
            service__name_de="Gaststättenerlaubnis",
        ),
    }


@pytest.mark.parametrize("path", ["/intern/", "/intern/leistungen/", "/intern/admin/"])
def test_anonymous_visitors_are_sent_to_the_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={path.replace('/', '%2F')}"


def test_the_admin_login_form_is_not_a_way_around_the_second_factor(client):
    response = client.get("/intern/admin/login/?next=/intern/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert (
        client.post("/intern/admin/login/", {"username": "x", "password": "y"}).status_code == 302
    )


def test_citizens_are_forbidden(client):
    citizen = User.objects.create_user(username="b-123", password=None, email="c@example.org")
    enrol_totp(citizen)
    client.force_login(citizen)
    assert client.get("/intern/").status_code == 403
    assert client.get("/intern/admin/").status_code == 403


def test_staff_without_second_factor_are_sent_to_set_one_up(client, world):
    clerk = make_staff("clerk", (world["buergerbuero"], Role.CASE_WORKER))
    client.force_login(clerk)
    response = client.get("/intern/leistungen/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_activate_totp')}?next=%2Fintern%2Fleistungen%2F"


def test_staff_whose_session_skipped_the_second_factor_must_confirm_it(client, world):
    clerk = make_staff("clerk", (world["buergerbuero"], Role.CASE_WORKER))
    enrol_totp(clerk)
    client.force_login(clerk)  # a session without an MFA step
    for path in ("/intern/", "/intern/admin/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('mfa_reauthenticate')}?next=")


def test_a_removed_second_factor_shuts_the_staff_area_within_the_recheck_time(
    client, world, monkeypatch
):
    from rathaus.staff import middleware

    clerk = make_staff("clerk", (world["buergerbuero"], Role.CASE_WORKER))
    login_with_mfa(client, clerk)
    now = [1_000_000.0]
    monkeypatch.setattr(middleware.time, "time", lambda: now[0])
    assert client.get("/intern/").status_code == 200
    Authenticator.objects.filter(user=clerk).delete()  # e.g. in the admin, not in this session
    now[0] += middleware.SECOND_FACTOR_RECHECK_SECONDS - 1
    assert client.get("/intern/").status_code == 200  # asked again after the recheck time only
    now[0] += 1
    response = client.get("/intern/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_a_second_factor_removed_in_the_session_counts_at_once(client, world):
    from allauth.mfa import signals as mfa_signals
    from django.test import RequestFactory

    clerk = make_staff("clerk", (world["buergerbuero"], Role.CASE_WORKER))
    login_with_mfa(client, clerk)
    assert client.get("/intern/").status_code == 200
    authenticator = Authenticator.objects.get(user=clerk)
    authenticator.delete()
    request = RequestFactory().get("/konto/2fa/totp/deactivate/")
    request.session = client.session
    mfa_signals.authenticator_removed.send(
        sender=Authenticator, request=request, user=clerk, authenticator=authenticator
    )
    request.session.save()
    response = client.get("/intern/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_the_second_factor_kept_in_a_session_is_that_of_its_user(client, world):
    from rathaus.staff import middleware

    clerk = make_staff("clerk", (world["buergerbuero"], Role.CASE_WORKER))
    other = make_staff("other", (world["buergerbuero"], Role.CASE_WORKER))
    login_with_mfa(client, clerk)
    session = client.session
    session[middleware.SECOND_FACTOR_CHECKED_KEY] = [str(other.pk), time.time()]
    session.save()
    Authenticator.objects.filter(user=clerk).delete()
    response = client.get("/intern/")
    assert response.status_code == 302  # another user's answer is not taken


def test_start_page_lists_only_the_clerks_offices_and_roles(client, world):
    clerk = make_staff(
        "clerk",
        (world["buergerbuero"], Role.CASE_WORKER),
        (world["buergerbuero"], Role.REGISTRY),
    )
    login_with_mfa(client, clerk)
    page = client.get("/intern/").content.decode()
    assert "Bürgerbüro Cochem" in page
    assert "Sachbearbeitung" in page and "Registratur" in page
    assert "Ordnungsamt Zell" not in page


def test_service_list_shows_only_offers_of_own_offices(
    client, world, django_assert_max_num_queries
):
    clerk = make_staff("clerk", (world["buergerbuero"], Role.CASE_WORKER))
    for _ in range(5):
        LocalServiceFactory(
            municipality=world["buergerbuero"].municipality,
            responsible_office=world["buergerbuero"],
        )
    login_with_mfa(client, clerk)
    # 9: the navigation's count of the clerk's tasks is one query of its own.
    with django_assert_max_num_queries(9):
        page = client.get("/intern/leistungen/").content.decode()
    assert "Meldebescheinigung" in page
    assert "Gaststättenerlaubnis" not in page
    assert len(re.findall(r"<tr class=\"kern-table__row\">", page)) == 1 + 6


def test_another_offices_page_does_not_exist_for_the_clerk(client, world):
    clerk = make_staff("clerk", (world["buergerbuero"], Role.SPECIALIST_ADMIN))
    login_with_mfa(client, clerk)
    url = reverse("backoffice:office-detail", args=[world["ordnungsamt"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"phone": "1", "email": "a@b.de"}).status_code == 404
    world["ordnungsamt"].refresh_from_db()
    assert world["ordnungsamt"].phone == "+49 2671 000"


def test_specialist_administration_changes_the_contact_details(client, world):
    office = world["buergerbuero"]
    admin = make_staff("fachadmin", (office, Role.SPECIALIST_ADMIN))
    login_with_mfa(client, admin)
    url = reverse("backoffice:office-detail", args=[office.pk])

    assert 'name="email"' in client.get(url).content.decode()
    invalid = client.post(
        url, {"phone": "+49 2671 1", "email": "kaputt"}, headers={"accept-language": "en"}
    )
    assert invalid.status_code == 200
    assert "Enter a valid email address." in invalid.content.decode()
    response = client.post(url, {"phone": "+49 2671 1", "email": "bb@cochem.example"})

    assert response.status_code == 302
    office.refresh_from_db()
    assert (office.phone, office.email) == ("+49 2671 1", "bb@cochem.example")
    assert AuditEvent.objects.get(action="office.update").actor_label == "fachadmin"


def test_case_workers_see_the_office_but_may_not_change_it(client, world):
    office = world["buergerbuero"]
    clerk = make_staff("clerk", (office, Role.CASE_WORKER))
    login_with_mfa(client, clerk)
    url = reverse("backoffice:office-detail", args=[office.pk])

    page = client.get(url).content.decode()
    assert "Bürgerbüro Cochem" in page
    assert 'name="email"' not in page
    assert client.post(url, {"phone": "1", "email": "a@b.de"}).status_code == 403
    office.refresh_from_db()
    assert office.email == "buergerbuero@example.org"
    assert not AuditEvent.objects.filter(action="office.update").exists()


def test_start_page_queries_do_not_grow_with_the_offices(
    client, world, django_assert_max_num_queries
):
    more = [OfficeFactory(municipality=world["buergerbuero"].municipality) for _ in range(6)]
    clerk = make_staff("clerk", *[(office, Role.CASE_WORKER) for office in more])
    login_with_mfa(client, clerk)
    with django_assert_max_num_queries(9):  # with the navigation's count of tasks
        page = client.get("/intern/").content.decode()
    assert all(office.name in page for office in more)
