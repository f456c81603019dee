"""Step-up, linking and service start, end to end through the real OIDC provider."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from rathaus.core.models import AuditEvent
from rathaus.federation.access import require_trust_level
from rathaus.federation.models import ExternalIdentity
from tests.factories import ServiceFactory
from tests.federation.conftest import PROVIDER_KEY, oidc_authorize

pytestmark = pytest.mark.django_db

User = get_user_model()


def _citizen(email: str = "anna@example.org") -> User:
    user = User.objects.create_user(username=email, email=email, password="correct horse battery 9")
    return user


@pytest.fixture
def browser() -> Client:
    return Client(HTTP_USER_AGENT="Testbrowser/1.0")


def test_service_start_needs_login(oidc, browser):
    service = ServiceFactory(min_trust_level="low", online_url="https://online.example/antrag")
    response = browser.get(reverse("federation:service-start", args=[service.slug]))
    assert response.status_code == 302
    assert "next=" in response["Location"]
    assert "online.example" not in response["Location"]


def test_password_login_is_low_and_enough_for_low_services(oidc, browser):
    service = ServiceFactory(min_trust_level="low", online_url="https://online.example/antrag")
    browser.force_login(_citizen())
    response = browser.get(reverse("federation:service-start", args=[service.slug]))
    assert response["Location"] == "https://online.example/antrag"
    page = browser.get(reverse("federation:overview")).content.decode()
    assert 'data-trust-level="low"' in page


def test_step_up_end_to_end(oidc, browser):
    user = _citizen()
    service = ServiceFactory(
        min_trust_level="substantial", online_url="https://online.example/antrag"
    )
    browser.force_login(user)
    start_url = reverse("federation:service-start", args=[service.slug])

    response = browser.get(start_url)
    assert response.status_code == 302
    step_up = urlsplit(response["Location"])
    assert step_up.path == reverse("federation:step-up")
    assert parse_qs(step_up.query) == {"level": ["substantial"], "next": [start_url]}

    page = browser.get(response["Location"])
    assert page.status_code == 200
    assert "Test-IdP" in page.content.decode()

    callback = oidc_authorize(
        browser,
        oidc,
        sub="anna-bund",
        purpose="step_up",
        next_url=start_url,
        claims={"email": "other@example.org", "acr": "STORK-QAA-Level-3", "given_name": "Anna"},
    )
    back = browser.get(callback)
    assert back.status_code == 302
    assert back["Location"] == start_url
    assert ExternalIdentity.objects.get(subject="anna-bund").user == user
    assert browser.get(start_url)["Location"] == "https://online.example/antrag"

    step = AuditEvent.objects.get(action="federation.step_up")
    assert step.actor_id == str(user.pk)
    assert step.details == {"provider": PROVIDER_KEY, "level": "substantial"}
    assert step.user_agent == "Testbrowser/1.0"
    assert AuditEvent.objects.filter(action="federation.link", actor_id=str(user.pk)).exists()


def test_step_up_with_too_low_level_does_not_open_the_service(oidc, browser):
    browser.force_login(_citizen())
    service = ServiceFactory(min_trust_level="high", online_url="https://online.example/antrag")
    start_url = reverse("federation:service-start", args=[service.slug])
    callback = oidc_authorize(
        browser,
        oidc,
        sub="anna-low",
        purpose="step_up",
        level="high",
        next_url=start_url,
        claims={"acr": "STORK-QAA-Level-3"},
    )
    browser.get(callback)
    again = browser.get(start_url)
    assert urlsplit(again["Location"]).path == reverse("federation:step-up")


def test_step_up_refuses_identity_of_another_account(oidc, browser):
    owner = Client()
    owner.get(
        oidc_authorize(
            owner,
            oidc,
            sub="taken-sub",
            claims={"email": "owner@example.org", "acr": "STORK-QAA-Level-4"},
        )
    )
    browser.force_login(_citizen())
    callback = oidc_authorize(
        browser, oidc, sub="taken-sub", purpose="step_up", claims={"acr": "STORK-QAA-Level-4"}
    )
    response = browser.get(callback)
    assert response.status_code == 403
    assert (
        AuditEvent.objects.get(action="federation.rejected").details["reason"]
        == "linked_to_other_account"
    )


def test_step_up_page_rejects_foreign_next(oidc, browser):
    browser.force_login(_citizen())
    page = browser.get(
        reverse("federation:step-up"), {"level": "substantial", "next": "https://evil.example/"}
    )
    assert page.status_code == 200
    assert '<input type="hidden" name="next" value="">' in page.content.decode()


def test_existing_email_requires_login_and_confirmation(oidc, browser):
    user = _citizen("alice@example.org")
    callback = oidc_authorize(
        browser,
        oidc,
        sub="alice-bund",
        claims={"email": "alice@example.org", "acr": "STORK-QAA-Level-4"},
    )
    response = browser.get(callback)
    assert response["Location"] == reverse("federation:link-confirm")
    # Neither logged in nor linked yet.
    assert "_auth_user_id" not in browser.session
    assert not ExternalIdentity.objects.exists()
    page = browser.get(reverse("federation:link-confirm")).content.decode()
    assert "alice@example.org" in page

    # Another account cannot take the link.
    intruder = _citizen("mallory@example.org")
    browser.force_login(intruder)
    browser.post(reverse("federation:link-confirm"))
    assert not ExternalIdentity.objects.exists()
    browser.logout()

    # (The logout flushed the pending link; start again and prove both this time.)
    browser.get(
        oidc_authorize(
            browser,
            oidc,
            sub="alice-bund",
            claims={"email": "alice@example.org", "acr": "STORK-QAA-Level-4"},
        )
    )
    browser.force_login(user)  # the password login of the accounts app
    confirmed = browser.post(reverse("federation:link-confirm"))
    assert confirmed.status_code == 302
    assert ExternalIdentity.objects.get(subject="alice-bund").user == user
    assert 'data-trust-level="high"' in browser.get(reverse("federation:overview")).content.decode()
    assert AuditEvent.objects.filter(action="federation.link", actor_id=str(user.pk)).exists()


def test_link_and_unlink_from_account_page(oidc, browser):
    user = _citizen()
    browser.force_login(user)
    page = browser.get(reverse("federation:overview")).content.decode()
    assert "Test-IdP" in page
    browser.get(
        oidc_authorize(
            browser,
            oidc,
            sub="anna-link",
            purpose="link",
            level="low",
            claims={"acr": "STORK-QAA-Level-1"},
        )
    )
    identity = ExternalIdentity.objects.get(user=user)
    response = browser.post(reverse("federation:unlink", args=[identity.pk]))
    assert response.status_code == 302
    assert not ExternalIdentity.objects.exists()
    assert AuditEvent.objects.filter(action="federation.unlink", actor_id=str(user.pk)).exists()


def test_unlink_refused_for_the_only_login_method(oidc, browser):
    browser.get(
        oidc_authorize(
            browser,
            oidc,
            sub="solo",
            claims={"email": "solo@example.org", "acr": "STORK-QAA-Level-3"},
        )
    )
    identity = ExternalIdentity.objects.get()
    browser.post(reverse("federation:unlink", args=[identity.pk]))
    assert ExternalIdentity.objects.filter(pk=identity.pk).exists()


def test_require_trust_level_decorator(rf, oidc):
    from django.contrib.sessions.backends.db import SessionStore

    @require_trust_level("substantial")
    def view(request):
        from django.http import HttpResponse

        return HttpResponse("ok")

    request = rf.get("/geheim/")
    request.session = SessionStore()
    request.user = _citizen()
    response = view(request)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("federation:step-up") + "?level=substantial")
    request.session["federation_trust"] = {
        "user_id": str(request.user.pk),
        "level": "substantial",
        "method": "oidc",
        "provider": PROVIDER_KEY,
        "at": "2026-01-01T00:00:00+00:00",
    }
    assert view(request).content == b"ok"
    request.session["federation_trust"]["user_id"] = "someone-else"
    assert view(request).status_code == 302
