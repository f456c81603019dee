"""The login lockout and the audit trail count the client behind the trusted proxies."""

import pytest
from django.conf import settings
from django.test import Client

from rathaus.core.models import AuditEvent
from tests.accounts.conftest import login

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


def fail(client: Client, email: str):
    return client.post("/konto/anmelden/", {"login": email, "password": "Falsches-Passwort-1"})


def via_proxy(client_address: str, proxy: str = PROXY) -> Client:
    return Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=client_address)


def test_behind_the_load_balancer_one_client_locks_out_only_itself(citizen, settings):
    settings.RATHAUS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for i in range(settings.AXES_FAILURE_LIMIT):
        response = fail(via_proxy("198.51.100.60"), f"unknown{i}@example.org")
    assert response.status_code == 429
    # Everybody else comes through the same load balancer and still gets in.
    assert login(via_proxy("203.0.113.61")).status_code == 302
    # The failing client stays locked out, through whichever proxy it comes.
    assert login(via_proxy("198.51.100.60", proxy="10.0.0.3")).status_code == 429
    lockout = AuditEvent.objects.filter(action="auth.lockout").order_by("id").first()
    assert lockout.ip_address == "198.51.100.60"
    assert lockout.details["ip_address"] == "198.51.100.60"


def test_a_forged_header_from_an_untrusted_client_does_not_escape_the_lockout(citizen, settings):
    settings.RATHAUS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for i in range(settings.AXES_FAILURE_LIMIT):
        client = Client(REMOTE_ADDR="198.51.100.70", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
        response = fail(client, f"unknown{i}@example.org")
    assert response.status_code == 429
    forged = Client(REMOTE_ADDR="198.51.100.70", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert login(forged).status_code == 429
    failed = AuditEvent.objects.filter(action="auth.login_failed")
    assert set(failed.values_list("ip_address", flat=True)) == {"198.51.100.70"}


def test_without_trusted_proxies_the_header_is_not_believed(citizen):
    assert settings.RATHAUS_TRUSTED_PROXIES == []
    for i in range(settings.AXES_FAILURE_LIMIT):
        fail(via_proxy(f"203.0.113.{i}"), f"unknown{i}@example.org")
    assert login(via_proxy("203.0.113.200")).status_code == 429
