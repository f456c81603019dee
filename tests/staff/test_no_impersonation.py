"""No impersonation: nobody can act under another person's name (docs/security.md)."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import get_resolver

from tests.staff.people import make_staff

IMPERSONATION = re.compile(
    r"imperson|hijack|login[-_ ]?as|log[-_ ]?in[-_ ]?as|su[-_]user|switch[-_]user", re.I
)


def all_url_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            yield from all_url_patterns(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.name or ""


def test_no_installed_app_offers_impersonation():
    assert not [
        config.name for config in apps.get_app_configs() if IMPERSONATION.search(config.name)
    ]


def test_no_url_leads_to_impersonation():
    offending = [
        (route, name)
        for route, name in all_url_patterns()
        if IMPERSONATION.search(f"{route} {name}")
    ]
    assert offending == []


@pytest.mark.django_db
def test_no_admin_action_logs_in_as_someone_else():
    superuser = make_staff("root", is_superuser=True)
    request = RequestFactory().get("/intern/admin/")
    request.user = superuser
    checked = 0
    for model, model_admin in admin.site._registry.items():
        for name, (_func, action_name, description) in model_admin.get_actions(request).items():
            assert not IMPERSONATION.search(f"{name} {action_name} {description}"), (model, name)
        checked += 1
    assert checked >= 5  # the user admin and the role admin are among them
    assert apps.get_model("accounts", "User") in admin.site._registry
    assert apps.get_model("staff", "RoleAssignment") in admin.site._registry
