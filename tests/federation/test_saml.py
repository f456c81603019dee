"""Full round trips against a real pysaml2 IdP on loopback (signed assertions, HTTP-POST)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from rathaus.core.models import AuditEvent
from rathaus.federation.models import ExternalIdentity, ReplayCacheEntry
from tests.factories import ServiceFactory
from tests.federation.conftest import SAML_KEY, saml_authorize
from tests.federation.saml_idp import tamper_response

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def browser() -> Client:
    return Client(HTTP_USER_AGENT="Testbrowser/1.0")


def _post(client: Client, action: str, fields: dict[str, str]):
    return client.post(action, fields)


def _rejection(response) -> str:
    assert response.status_code == 403, response.content[:300]
    event = AuditEvent.objects.filter(action="federation.rejected").first()
    assert event is not None
    assert (event.ip_address, event.user_agent) == ("127.0.0.1", "Testbrowser/1.0")
    assert event.details["provider"] == SAML_KEY
    return event.details["reason"]


def test_metadata_served(saml, client):
    response = client.get(reverse("federation:metadata", args=[SAML_KEY]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'entityID="http://testserver/saml-sp"' in body
    assert "AssertionConsumerService" in body


def test_login_success_creates_account_at_substantial(saml, browser):
    action, fields = saml_authorize(browser, saml)
    response = _post(browser, action, fields)
    assert response.status_code == 302, response.content[:500]
    user = User.objects.get(email="berta@example.org")
    assert (user.first_name, user.last_name, user.postal_code) == ("Berta", "Beispiel", "56812")
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.provider, identity.subject, identity.last_level) == (
        SAML_KEY,
        "bund-0001",
        "substantial",
    )
    assert ReplayCacheEntry.objects.filter(provider=SAML_KEY).count() == 1
    page = browser.get(reverse("federation:overview")).content.decode()
    assert 'data-trust-level="substantial"' in page
    event = AuditEvent.objects.get(action="federation.login")
    assert event.details == {"provider": SAML_KEY, "level": "substantial"}
    assert event.user_agent == "Testbrowser/1.0"


def test_stork_level_4_is_high(saml, browser):
    saml.knobs.class_ref = "STORK-QAA-Level-4"
    action, fields = saml_authorize(browser, saml, level="high")
    _post(browser, action, fields)
    assert ExternalIdentity.objects.get().last_level == "high"


def test_bad_signature(saml, browser):
    action, fields = saml_authorize(browser, saml)
    fields["SAMLResponse"] = tamper_response(fields["SAMLResponse"], "Berta", "Mallory")
    assert _rejection(_post(browser, action, fields)) == "bad_signature"
    assert not User.objects.exists()


def test_wrong_audience(saml, browser):
    saml.knobs.audience = "http://other-sp.example/saml"
    action, fields = saml_authorize(browser, saml)
    assert _rejection(_post(browser, action, fields)) == "wrong_audience"


def test_expired_assertion(saml, browser):
    saml.knobs.expired = True
    action, fields = saml_authorize(browser, saml)
    assert _rejection(_post(browser, action, fields)) == "expired"


def test_replayed_response(saml, browser):
    action, fields = saml_authorize(browser, saml)
    assert _post(browser, action, fields).status_code == 302
    assert _rejection(_post(browser, action, fields)) == "replayed"
    assert ExternalIdentity.objects.count() == 1


def test_unsolicited_response(saml, browser):
    saml.knobs.in_response_to = ""
    action, fields = saml_authorize(browser, saml)
    assert _rejection(_post(browser, action, fields)) == "unsolicited"


def test_response_to_another_browsers_request(saml, browser):
    action, fields = saml_authorize(Client(), saml)
    saml_authorize(browser, saml)  # the victim has a login of their own running
    assert _rejection(_post(browser, action, fields)) == "unsolicited"
    assert not User.objects.exists()


def test_step_up_with_saml(saml, browser):
    user = User.objects.create_user(username="berta", email="berta@example.org", password="x" * 12)
    service = ServiceFactory(min_trust_level="high", online_url="https://online.example/x")
    browser.force_login(user)
    start_url = reverse("federation:service-start", args=[service.slug])
    assert browser.get(start_url)["Location"].startswith(reverse("federation:step-up"))
    saml.knobs.class_ref = "STORK-QAA-Level-4"
    action, fields = saml_authorize(
        browser, saml, purpose="step_up", level="high", next_url=start_url
    )
    back = _post(browser, action, fields)
    assert back["Location"] == start_url
    assert browser.get(start_url)["Location"] == "https://online.example/x"
    assert AuditEvent.objects.filter(action="federation.step_up", actor_id=str(user.pk)).exists()


def test_post_without_session_cookie_is_resent_from_our_page(saml, browser):
    action, fields = saml_authorize(browser, saml)
    cookieless = Client(
        HTTP_USER_AGENT="Testbrowser/1.0"
    )  # SameSite=Lax: no cookie on the IdP's POST
    page = cookieless.post(action, fields)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="resubmitted" value="1"' in html
    assert "/static/federation/autosubmit.js" in html
    assert fields["SAMLResponse"][:40] in html
    assert not User.objects.exists()
    # The same browser, now with its cookie, completes the login.
    assert browser.post(action, {**fields, "resubmitted": "1"}).status_code == 302
    assert User.objects.filter(email="berta@example.org").exists()
    # Without any login of its own, the resent answer is refused, not looped.
    assert _rejection(cookieless.post(action, {**fields, "resubmitted": "1"})) in {
        "unsolicited",
        "replayed",
    }
