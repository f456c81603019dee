"""Role assignments in the Django admin (superusers; audited like every admin change)."""

import pytest
from django.apps import apps

from tests.staff.people import make_staff


@pytest.mark.django_db
def test_superusers_manage_role_assignments_in_the_admin(client):
    from tests.factories import OfficeFactory
    from tests.staff.people import login_with_mfa

    office = OfficeFactory()
    clerk = make_staff("clerk")
    login_with_mfa(client, make_staff("root", is_superuser=True))
    assert client.get("/intern/admin/staff/roleassignment/").status_code == 200
    response = client.post(
        "/intern/admin/staff/roleassignment/add/",
        {"user": clerk.pk, "office": office.pk, "role": "registry"},
    )
    assert response.status_code == 302
    assignment = apps.get_model("staff", "RoleAssignment").objects.get(user=clerk)
    assert (assignment.role, assignment.source) == ("registry", "manual")
    # The admin assigns through the staff service: one change, one audit name.
    events = apps.get_model("core", "AuditEvent").objects
    audit = events.get(action="staff.role.assign")
    assert audit.actor_label == "root"
    assert audit.municipality_id == office.municipality_id
    assert not events.filter(action="roleassignment.create").exists()

    # Revoking in the admin goes through the service too.
    response = client.post(
        f"/intern/admin/staff/roleassignment/{assignment.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not apps.get_model("staff", "RoleAssignment").objects.filter(user=clerk).exists()
    assert events.get(action="staff.role.revoke").actor_label == "root"
    assert not events.filter(action="roleassignment.delete").exists()
