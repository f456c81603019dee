"""Fixtures of the staff-area tests: two offices and a clerk (case worker) of the first,
logged in with MFA. Modules that define fixtures of the same names use their own."""

import pytest

from rathaus.staff.models import Role
from tests.factories import OfficeFactory
from tests.staff.people import login_with_mfa, make_staff


@pytest.fixture
def office_a():
    return OfficeFactory(name="Bürgerbüro A")


@pytest.fixture
def office_b():
    return OfficeFactory(name="Ordnungsamt B")


@pytest.fixture
def clerk(client, office_a):
    user = make_staff("clerk-a", (office_a, Role.CASE_WORKER), first_name="Anna", last_name="Amt")
    login_with_mfa(client, user)
    return user


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files and receipts in a temporary directory."""
    settings.MEDIA_ROOT = tmp_path
