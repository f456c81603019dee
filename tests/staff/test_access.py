"""Need to know: roles per office, what a member of staff may see and change."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rathaus.accounts.models import User
from rathaus.catalog.models import LocalService
from rathaus.core.actors import Actor
from rathaus.core.errors import DomainError
from rathaus.core.models import AuditEvent
from rathaus.staff import selectors, services
from rathaus.staff.models import Role, RoleAssignment
from rathaus.staff.permissions import (
    StaffPermissionDenied,
    ensure_office_access,
    restrict_to_offices,
)
from tests.factories import LocalServiceFactory, MunicipalityFactory, OfficeFactory
from tests.staff.people import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def offices():
    cochem = MunicipalityFactory(slug="cochem")
    zell = MunicipalityFactory(slug="zell")
    return {
        "buergerbuero": OfficeFactory(municipality=cochem, slug="buergerbuero"),
        "bauamt": OfficeFactory(municipality=cochem, slug="bauamt"),
        "zell": OfficeFactory(municipality=zell, slug="ordnungsamt"),
    }


def test_offices_and_roles_are_those_assigned_and_valid_now(offices):
    now = timezone.now()
    clerk = make_staff("clerk", (offices["buergerbuero"], Role.CASE_WORKER))
    RoleAssignment.objects.create(
        user=clerk,
        office=offices["bauamt"],
        role=Role.REGISTRY,
        valid_until=now - dt.timedelta(minutes=1),
    )
    RoleAssignment.objects.create(
        user=clerk,
        office=offices["zell"],
        role=Role.REGISTRY,
        valid_from=now + dt.timedelta(days=1),
    )

    assert list(selectors.staff_offices(user=clerk)) == [offices["buergerbuero"]]
    assert selectors.staff_roles(user=clerk, office=offices["buergerbuero"]) == {"case_worker"}
    assert selectors.staff_roles(user=clerk, office=offices["bauamt"]) == set()
    assert selectors.office_ids_visible_to(user=clerk) == {offices["buergerbuero"].pk}
    assert selectors.office_ids_visible_to(user=clerk, role=Role.TEAM_LEAD) == set()


def test_roles_do_not_count_for_accounts_that_are_not_active_staff(offices):
    clerk = make_staff("clerk", (offices["buergerbuero"], Role.CASE_WORKER))
    citizen = User.objects.create_user(username="citizen", password=None)
    RoleAssignment.objects.create(user=citizen, office=offices["bauamt"], role=Role.CASE_WORKER)
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])

    assert selectors.office_ids_visible_to(user=citizen) == set()
    assert selectors.office_ids_visible_to(user=clerk) == set()
    with pytest.raises(StaffPermissionDenied):
        ensure_office_access(user=clerk, office=offices["buergerbuero"])


def test_restrict_to_offices_filters_rows_by_their_office(offices):
    own = LocalServiceFactory(
        municipality=offices["buergerbuero"].municipality,
        responsible_office=offices["buergerbuero"],
    )
    LocalServiceFactory(
        municipality=offices["zell"].municipality, responsible_office=offices["zell"]
    )
    clerk = make_staff("clerk", (offices["buergerbuero"], Role.CASE_WORKER))
    superuser = make_staff("root", is_superuser=True)

    assert list(restrict_to_offices(LocalService.objects.all(), user=clerk)) == [own]
    assert restrict_to_offices(LocalService.objects.all(), user=superuser).count() == 2
    assert not restrict_to_offices(
        LocalService.objects.all(), user=clerk, roles=[Role.SPECIALIST_ADMIN]
    ).exists()


def test_ensure_office_access_checks_office_and_role(offices):
    clerk = make_staff("clerk", (offices["buergerbuero"], Role.CASE_WORKER))

    ensure_office_access(user=clerk, office=offices["buergerbuero"])
    ensure_office_access(user=clerk, office=offices["buergerbuero"], roles=[Role.CASE_WORKER])
    with pytest.raises(StaffPermissionDenied):
        ensure_office_access(user=clerk, office=offices["bauamt"])
    with pytest.raises(StaffPermissionDenied):
        ensure_office_access(
            user=clerk, office=offices["buergerbuero"], roles=[Role.SPECIALIST_ADMIN]
        )


def test_system_administration_assigns_roles_within_its_municipality(offices):
    sysadmin = make_staff("sysadmin", (offices["bauamt"], Role.SYSTEM_ADMIN))
    clerk = make_staff("clerk")

    assignment = services.role_assign(
        actor=Actor.person(sysadmin),
        user=clerk,
        office=offices["buergerbuero"],
        role=Role.TEAM_LEAD,
    )

    assert selectors.staff_roles(user=clerk, office=offices["buergerbuero"]) == {"team_lead"}
    assert assignment.source == RoleAssignment.Source.MANUAL
    event = AuditEvent.objects.get(action="staff.role.assign")
    assert (event.actor_label, event.object_id) == ("sysadmin", str(assignment.pk))
    assert event.details["role"] == "team_lead"
    with pytest.raises(DomainError):
        services.role_assign(
            actor=Actor.person(sysadmin),
            user=clerk,
            office=offices["buergerbuero"],
            role=Role.TEAM_LEAD,
        )
    # Another municipality's offices are out of reach.
    with pytest.raises(StaffPermissionDenied):
        services.role_assign(
            actor=Actor.person(sysadmin), user=clerk, office=offices["zell"], role=Role.REGISTRY
        )

    services.role_revoke(actor=Actor.person(sysadmin), assignment=assignment)
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    revoked = AuditEvent.objects.get(action="staff.role.revoke")
    assert revoked.details["user_id"] == str(clerk.pk)


def test_only_system_administration_or_superusers_assign_roles(offices):
    lead = make_staff(
        "lead",
        (offices["buergerbuero"], Role.TEAM_LEAD),
        (offices["buergerbuero"], Role.SPECIALIST_ADMIN),
    )
    clerk = make_staff("clerk")
    citizen = User.objects.create_user(username="citizen", password=None)
    root = make_staff("root", is_superuser=True)

    with pytest.raises(StaffPermissionDenied):
        services.role_assign(
            actor=Actor.person(lead),
            user=clerk,
            office=offices["buergerbuero"],
            role=Role.CASE_WORKER,
        )
    assert not RoleAssignment.objects.filter(user=clerk).exists()
    with pytest.raises(DomainError):
        services.role_assign(
            actor=Actor.person(root),
            user=citizen,
            office=offices["buergerbuero"],
            role=Role.CASE_WORKER,
        )
    services.role_assign(
        actor=Actor.person(root), user=clerk, office=offices["zell"], role=Role.DATA_PROTECTION
    )
    assert selectors.staff_roles(user=clerk, office=offices["zell"]) == {"data_protection"}


def test_validity_period_must_end_after_it_starts(offices):
    root = make_staff("root", is_superuser=True)
    clerk = make_staff("clerk")
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.role_assign(
            actor=Actor.person(root),
            user=clerk,
            office=offices["zell"],
            role=Role.REGISTRY,
            valid_from=now,
            valid_until=now - dt.timedelta(days=1),
        )


def test_office_contact_update_needs_specialist_administration_of_that_office(offices):
    office = offices["buergerbuero"]
    admin = make_staff("fachadmin", (office, Role.SPECIALIST_ADMIN))
    clerk = make_staff("clerk", (office, Role.CASE_WORKER))
    other = make_staff("other", (offices["zell"], Role.SPECIALIST_ADMIN))

    for actor in (clerk, other):
        with pytest.raises(StaffPermissionDenied):
            services.office_contact_update(
                actor=Actor.person(actor), office=office, phone="+49 1", email="x@example.org"
            )
    office.refresh_from_db()
    assert office.phone == "+49 2671 000"

    services.office_contact_update(
        actor=Actor.person(admin), office=office, phone=" +49 2671 123 ", email="neu@cochem.example"
    )
    office.refresh_from_db()
    assert (office.phone, office.email) == ("+49 2671 123", "neu@cochem.example")
    event = AuditEvent.objects.get(action="office.update")
    assert event.actor_label == "fachadmin"
    assert event.details["phone"] == ["+49 2671 000", "+49 2671 123"]
    with pytest.raises(ValidationError):
        services.office_contact_update(
            actor=Actor.person(admin), office=office, phone="", email="kaputt"
        )


def test_directory_sync_replaces_only_directory_roles(offices):
    clerk = make_staff("clerk")
    manual = RoleAssignment.objects.create(user=clerk, office=offices["zell"], role=Role.REGISTRY)

    services.directory_roles_sync(
        user=clerk,
        grants=[(offices["buergerbuero"], Role.CASE_WORKER), (offices["bauamt"], Role.TEAM_LEAD)],
    )
    result = services.directory_roles_sync(
        user=clerk, grants=[(offices["buergerbuero"], Role.CASE_WORKER)]
    )

    assert result == {"added": [], "removed": ["cochem/bauamt:team_lead"]}
    assert set(RoleAssignment.objects.filter(user=clerk).values_list("role", "source")) == {
        ("case_worker", "directory"),
        ("registry", "manual"),
    }
    assert RoleAssignment.objects.filter(pk=manual.pk).exists()
    assert AuditEvent.objects.filter(action="staff.role.directory_sync").count() == 2
    # Nothing changed, nothing recorded.
    services.directory_roles_sync(user=clerk, grants=[(offices["buergerbuero"], Role.CASE_WORKER)])
    assert AuditEvent.objects.filter(action="staff.role.directory_sync").count() == 2
