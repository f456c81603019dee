"""Staff login against a real OpenLDAP server (slapd) with group → role mapping."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.test import RequestFactory

from rathaus.accounts.models import User
from rathaus.core.models import AuditEvent
from rathaus.staff.models import Role, RoleAssignment
from tests.optional_dependencies import import_optional
from tests.staff import directory_server as ds
from tests.staff.conftest import PYTHON_LDAP_MISSING, apply_directory_environment

ldap = import_optional("ldap", reason=PYTHON_LDAP_MISSING)

pytestmark = pytest.mark.django_db


def login(**credentials):
    # Through every configured backend, axes included (which needs the request).
    return authenticate(RequestFactory().post("/konto/login/"), **credentials)


def roles_of(user):
    return {
        (a.office.municipality.slug, a.office.slug, a.role, a.source)
        for a in RoleAssignment.objects.filter(user=user).select_related("office__municipality")
    }


def test_directory_user_logs_in_by_e_mail_and_becomes_staff_with_mapped_roles(directory_login):
    user = login(email="anna@cochem.example", password="anna-directory-pw")

    assert user is not None
    user.refresh_from_db()
    assert (user.username, user.kind, user.is_staff) == ("anna", User.Kind.STAFF, True)
    assert (user.first_name, user.last_name, user.email) == (
        "Anna",
        "Amtmann",
        "anna@cochem.example",
    )
    assert not user.has_usable_password()
    # Group DNs match case-insensitively (the Fachadministration mapping is upper-case).
    assert roles_of(user) == {
        ("cochem", "buergerbuero", Role.CASE_WORKER, "directory"),
        ("cochem", "buergerbuero", Role.SPECIALIST_ADMIN, "directory"),
    }
    assert EmailAddress.objects.filter(
        user=user, email="anna@cochem.example", verified=True
    ).exists()
    sync = AuditEvent.objects.get(action="staff.role.directory_sync", object_id=str(user.pk))
    assert sync.details["added"] == [
        "cochem/buergerbuero:case_worker",
        "cochem/buergerbuero:specialist_admin",
    ]


def test_user_name_and_e_mail_lead_to_the_same_account(directory_login):
    by_mail = login(email="bernd@zell.example", password="bernd-directory-pw")
    by_name = login(username="bernd", password="bernd-directory-pw")

    assert by_mail is not None and by_name is not None
    assert by_mail.pk == by_name.pk
    # The mapping also names an office that does not exist: it is skipped, not fatal.
    assert roles_of(by_mail) == {("zell", "ordnungsamt", Role.CASE_WORKER, "directory")}
    assert User.objects.filter(kind=User.Kind.STAFF).count() == 1


def test_wrong_password_is_refused(directory_login):
    assert login(username="anna", password="wrong-password") is None
    assert not User.objects.filter(username="anna").exists()


def test_member_of_no_mapped_group_is_refused_and_audited(directory_login):
    assert login(username="carla", password="carla-directory-pw") is None

    assert not User.objects.filter(username="carla").exists()
    refused = AuditEvent.objects.get(action="staff.directory_login.refused")
    assert refused.details == {"username": "carla", "reason": "no mapped group"}


def test_citizen_account_with_the_same_name_is_not_taken_over(directory_login):
    citizen = User.objects.create_user(username="anna", password=None, kind=User.Kind.CITIZEN)

    assert login(username="anna", password="anna-directory-pw") is None

    citizen.refresh_from_db()
    assert (citizen.kind, citizen.is_staff) == (User.Kind.CITIZEN, False)
    assert not RoleAssignment.objects.exists()


def test_local_staff_account_with_the_same_name_is_not_taken_over(directory_login):
    local = User.objects.create_superuser(username="admin", password="local-admin-pw-123")

    assert login(username="admin", password="admin-directory-pw") is None
    # The local password still works, through the local backends only.
    assert login(username="admin", password="local-admin-pw-123") == local
    assert not RoleAssignment.objects.filter(user=local).exists()


def test_roles_follow_group_changes_on_the_next_login(directory_login):
    offices = directory_login
    dora = login(username="dora", password="dora-directory-pw")
    assert roles_of(dora) == {("cochem", "buergerbuero", Role.CASE_WORKER, "directory")}
    manual = RoleAssignment.objects.create(
        user=dora, office=offices["ordnungsamt"], role=Role.REGISTRY
    )

    conn = ldap.initialize(directory_login_uri(directory_login))
    conn.simple_bind_s(ds.ADMIN_DN, ds.ADMIN_PASSWORD)
    member = [(ldap.MOD_DELETE, "member", [ds.user_dn("dora").encode()])]
    conn.modify_s(ds.group_dn("bb-sachbearbeitung"), member)
    try:
        # No mapped group left: the login is refused and the directory's roles are gone.
        assert login(username="dora", password="dora-directory-pw") is None
        assert roles_of(dora) == {("zell", "ordnungsamt", Role.REGISTRY, "manual")}
        conn.modify_s(
            ds.group_dn("bb-fachadministration"),
            [(ldap.MOD_ADD, "member", [ds.user_dn("dora").encode()])],
        )
        again = login(username="dora", password="dora-directory-pw")
        assert roles_of(again) == {
            ("cochem", "buergerbuero", Role.SPECIALIST_ADMIN, "directory"),
            ("zell", "ordnungsamt", Role.REGISTRY, "manual"),
        }
        assert RoleAssignment.objects.filter(pk=manual.pk).exists()
        sync = AuditEvent.objects.filter(action="staff.role.directory_sync").first()
        assert sync.details == {"added": ["cochem/buergerbuero:specialist_admin"], "removed": []}
        assert AuditEvent.objects.filter(
            action="staff.role.directory_sync",
            details__removed=["cochem/buergerbuero:case_worker"],
        ).exists()
    finally:
        conn.modify_s(
            ds.group_dn("bb-fachadministration"),
            [(ldap.MOD_DELETE, "member", [ds.user_dn("dora").encode()])],
        )
        conn.modify_s(
            ds.group_dn("bb-sachbearbeitung"),
            [(ldap.MOD_ADD, "member", [ds.user_dn("dora").encode()])],
        )
        conn.unbind_s()


def directory_login_uri(_offices):
    from django.conf import settings

    return settings.AUTH_LDAP_SERVER_URI


def test_starttls_is_used_and_the_directory_certificate_verified(
    directory_login, directory_server, monkeypatch, settings, tmp_path
):
    monkeypatch.setenv("RATHAUS_LDAP_START_TLS", "true")
    monkeypatch.setenv("RATHAUS_LDAP_CA_CERT_FILE", str(directory_server.ca_file))
    apply_directory_environment(settings)
    assert settings.AUTH_LDAP_START_TLS is True
    assert login(username="anna", password="anna-directory-pw") is not None

    # A certificate from a CA we do not trust: no login (and no plain-text fallback).
    other_ca, _cert, _key = ds.write_certificates(tmp_path)
    monkeypatch.setenv("RATHAUS_LDAP_CA_CERT_FILE", str(other_ca))
    apply_directory_environment(settings)
    assert login(username="bernd", password="bernd-directory-pw") is None
    assert not User.objects.filter(username="bernd").exists()
