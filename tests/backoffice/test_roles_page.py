"""Role administration in the staff area: Systemadministration within its municipality."""

import pytest
from django.urls import reverse

from rathaus.core.models import AuditEvent
from rathaus.staff.models import Role, RoleAssignment
from tests.factories import MunicipalityFactory, OfficeFactory
from tests.staff.people import login_with_mfa, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def offices():
    cochem = MunicipalityFactory(slug="cochem", name="Stadt Cochem")
    zell = MunicipalityFactory(slug="zell", name="Stadt Zell")
    return {
        "it": OfficeFactory(municipality=cochem, slug="it", name="IT-Stelle Cochem"),
        "buergerbuero": OfficeFactory(municipality=cochem, slug="bb", name="Bürgerbüro Cochem"),
        "zell": OfficeFactory(municipality=zell, slug="oa", name="Ordnungsamt Zell"),
    }


def test_system_administration_assigns_and_revokes_roles_of_its_municipality(client, offices):
    sysadmin = make_staff("sysadmin", (offices["it"], Role.SYSTEM_ADMIN))
    clerk = make_staff("clerk")
    make_staff("zell-clerk", (offices["zell"], Role.CASE_WORKER))
    login_with_mfa(client, sysadmin)

    page = client.get(reverse("backoffice:roles")).content.decode()
    assert "Bürgerbüro Cochem" in page
    assert "Ordnungsamt Zell" not in page  # neither as an option nor in the list
    assert "zell-clerk" not in page

    response = client.post(
        reverse("backoffice:roles"),
        {"username": "clerk", "office": offices["buergerbuero"].pk, "role": Role.CASE_WORKER},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=clerk)
    assert (assignment.office, assignment.role) == (offices["buergerbuero"], Role.CASE_WORKER)
    assert AuditEvent.objects.get(action="staff.role.assign").actor_label == "sysadmin"

    # An office of another municipality is not a valid choice.
    response = client.post(
        reverse("backoffice:roles"),
        {"username": "clerk", "office": offices["zell"].pk, "role": Role.CASE_WORKER},
    )
    assert response.status_code == 200
    assert RoleAssignment.objects.filter(user=clerk).count() == 1

    response = client.post(reverse("backoffice:role-revoke", args=[assignment.pk]))
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_unknown_user_names_are_reported_on_the_form(client, offices):
    login_with_mfa(client, make_staff("sysadmin", (offices["it"], Role.SYSTEM_ADMIN)))
    response = client.post(
        reverse("backoffice:roles"),
        {"username": "niemand", "office": offices["it"].pk, "role": Role.REGISTRY},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert "There is no staff account with this user name." in response.content.decode()
    assert not RoleAssignment.objects.filter(role=Role.REGISTRY).exists()


def test_other_staff_cannot_manage_roles(client, offices):
    lead = make_staff("lead", (offices["buergerbuero"], Role.TEAM_LEAD))
    other = make_staff("other", (offices["zell"], Role.SYSTEM_ADMIN))
    victim = make_staff("victim", (offices["buergerbuero"], Role.CASE_WORKER))
    held = RoleAssignment.objects.get(user=victim)

    login_with_mfa(client, lead)
    assert client.get(reverse("backoffice:roles")).status_code == 403
    assert "/intern/rollen/" not in client.get("/intern/").content.decode()
    assert client.post(reverse("backoffice:role-revoke", args=[held.pk])).status_code == 404

    login_with_mfa(client, other)  # system administration, but of Zell
    assert client.post(reverse("backoffice:role-revoke", args=[held.pk])).status_code == 404
    assert RoleAssignment.objects.filter(pk=held.pk).exists()


def test_directory_roles_cannot_be_revoked_here(client, offices):
    login_with_mfa(client, make_staff("sysadmin", (offices["it"], Role.SYSTEM_ADMIN)))
    clerk = make_staff("clerk")
    from_directory = RoleAssignment.objects.create(
        user=clerk,
        office=offices["buergerbuero"],
        role=Role.CASE_WORKER,
        source=RoleAssignment.Source.DIRECTORY,
    )
    page = client.get(reverse("backoffice:roles")).content.decode()
    assert reverse("backoffice:role-revoke", args=[from_directory.pk]) not in page
    response = client.post(reverse("backoffice:role-revoke", args=[from_directory.pk]))
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(pk=from_directory.pk).exists()
    assert not AuditEvent.objects.filter(action="staff.role.revoke").exists()


def test_role_list_queries_do_not_grow_with_the_assignments(
    client, offices, django_assert_max_num_queries
):
    login_with_mfa(client, make_staff("sysadmin", (offices["it"], Role.SYSTEM_ADMIN)))
    for number in range(8):
        make_staff(f"clerk-{number}", (offices["buergerbuero"], Role.CASE_WORKER))
    with django_assert_max_num_queries(10):
        page = client.get(reverse("backoffice:roles")).content.decode()
    assert page.count("clerk-") >= 8
