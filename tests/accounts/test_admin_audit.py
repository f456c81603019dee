"""Account changes in the Django admin are audited under registered names, never a password."""

import json

import pytest
from django.contrib.auth.models import Group

from rathaus.accounts.models import User
from rathaus.core.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/intern/admin/accounts/user/"
PASSWORD = "Ein-langes-Passwort-2026!"


def _change_form(user, **overrides):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "kind": user.kind,
        "date_joined_0": f"{user.date_joined:%Y-%m-%d}",
        "date_joined_1": f"{user.date_joined:%H:%M:%S}",
        "country": user.country or "",
        "preferred_language": user.preferred_language or "de",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _no_hash_anywhere(user):
    user.refresh_from_db()
    hash_ = user.password.split("$")[-1]
    for event in AuditEvent.objects.all():
        assert hash_ not in json.dumps(event.details)
        assert PASSWORD not in json.dumps(event.details)


def test_creating_changing_and_deleting_an_account_is_audited(staff_client):
    response = staff_client.post(
        f"{URL}add/",
        {
            "username": "sachbearbeiterin",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="sachbearbeiterin")
    created = AuditEvent.objects.get(action="user.create")
    assert created.details["via"] == "admin" and created.details["username"] == user.username
    assert created.details["is_superuser"] is False

    group = Group.objects.create(name="Bürgerbüro")
    response = staff_client.post(
        f"{URL}{user.pk}/change/",
        _change_form(user, is_staff="on", groups=[str(group.pk)], street="Markt 1"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert user.is_staff and list(user.groups.all()) == [group]
    updated = AuditEvent.objects.get(action="user.update")
    assert updated.details["is_staff"] == [False, True]
    assert updated.details["groups"] == [[], ["Bürgerbüro"]]
    assert "street" in updated.details["fields"]  # personal data by name, no value
    assert "Markt 1" not in json.dumps(updated.details)

    response = staff_client.post(
        f"{URL}{user.pk}/password/",
        {"usable_password": "true", "password1": PASSWORD + "x", "password2": PASSWORD + "x"},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="user.password_set", object_id=str(user.pk)).exists()
    _no_hash_anywhere(user)

    response = staff_client.post(f"{URL}{user.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    deleted = AuditEvent.objects.get(action="user.delete")
    assert deleted.details == {"via": "admin", "username": "sachbearbeiterin", "kind": user.kind}
