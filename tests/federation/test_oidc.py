"""Full redirect round trips against a real OIDC provider (oidc-provider-mock on loopback)."""

import time
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from rathaus.core.models import AuditEvent
from rathaus.federation.models import ExternalIdentity, LoginTransaction
from tests.federation.conftest import CLIENT_ID, PROVIDER_KEY, oidc_authorize

pytestmark = pytest.mark.django_db

User = get_user_model()

ALICE = {
    "email": "alice@example.org",
    "email_verified": True,
    "given_name": "Alice",
    "family_name": "Muster",
    "birthdate": "1985-04-12",
    "address": {
        "street_address": "Marktplatz 3",
        "postal_code": "56812",
        "locality": "Cochem",
        "country": "DE",
    },
    "acr": "STORK-QAA-Level-3",
}


@pytest.fixture
def browser() -> Client:
    return Client(HTTP_USER_AGENT="Testbrowser/1.0")


def _rejection(response, *, logged_in: bool = False) -> str:
    assert response.status_code == 403
    event = AuditEvent.objects.filter(action="federation.rejected").first()
    assert event is not None
    assert event.ip_address == "127.0.0.1"
    assert event.user_agent == "Testbrowser/1.0"
    assert ("_auth_user_id" in response.wsgi_request.session) is logged_in
    return event.details["reason"]


def test_pkce_and_nonce_sent(oidc, browser):
    start = browser.post(reverse("federation:begin", args=[PROVIDER_KEY]), {"level": "high"})
    query = parse_qs(urlsplit(start["Location"]).query)
    txn = LoginTransaction.objects.get()
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"] == [txn.state]
    assert query["nonce"] == [txn.nonce]
    assert query["client_id"] == [CLIENT_ID]
    assert query["acr_values"] == ["http://eidas.europa.eu/LoA/high"]
    assert txn.code_verifier not in start["Location"]


def test_new_user_logs_in_at_substantial_and_sees_it(oidc, browser):
    callback = oidc_authorize(browser, oidc, sub="alice-sub", claims=ALICE)
    response = browser.get(callback)
    assert response.status_code == 302

    user = User.objects.get(email="alice@example.org")
    assert user.kind == "citizen"
    assert (user.first_name, user.last_name) == ("Alice", "Muster")
    assert str(user.date_of_birth) == "1985-04-12"
    assert (user.street, user.postal_code, user.city) == ("Marktplatz 3", "56812", "Cochem")
    assert not user.has_usable_password()
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.provider, identity.subject, identity.last_level) == (
        PROVIDER_KEY,
        "alice-sub",
        "substantial",
    )
    assert identity.attributes["birth_date"] == "1985-04-12"

    page = browser.get(reverse("federation:overview"))
    assert page.status_code == 200
    assert 'data-trust-level="substantial"' in page.content.decode()
    assert "Test-IdP" in page.content.decode()

    login_event = AuditEvent.objects.get(action="federation.login")
    assert login_event.actor_id == str(user.pk)
    assert login_event.details == {"provider": PROVIDER_KEY, "level": "substantial"}
    assert (login_event.ip_address, login_event.user_agent) == ("127.0.0.1", "Testbrowser/1.0")


def test_second_login_reuses_the_account_and_eidas_uri_level(oidc, browser):
    browser.get(
        oidc_authorize(browser, oidc, sub="bob-sub", claims={**ALICE, "email": "bob@example.org"})
    )
    other = Client()
    claims = {**ALICE, "email": "bob@example.org", "acr": "http://eidas.europa.eu/LoA/high"}
    other.get(oidc_authorize(other, oidc, sub="bob-sub", claims=claims))
    assert User.objects.filter(email="bob@example.org").count() == 1
    assert ExternalIdentity.objects.get(subject="bob-sub").last_level == "high"
    assert 'data-trust-level="high"' in other.get(reverse("federation:overview")).content.decode()


def test_unknown_level_is_refused(oidc, browser):
    callback = oidc_authorize(
        browser, oidc, sub="carl", claims={**ALICE, "email": "c@example.org", "acr": "gold"}
    )
    assert _rejection(browser.get(callback)) == "unknown_level"
    assert not User.objects.filter(email="c@example.org").exists()


def test_bad_signature_tampered_token(oidc, browser):
    callback = oidc_authorize(browser, oidc, sub="dora", claims={**ALICE, "email": "d@example.org"})
    oidc.tamper.mode = "tamper_id_token"
    assert _rejection(browser.get(callback)) == "bad_signature"


def test_bad_signature_token_signed_by_another_key(oidc, browser):
    callback = oidc_authorize(browser, oidc, sub="emil", claims={**ALICE, "email": "e@example.org"})
    oidc.tamper.mode = "foreign_jwks"
    assert _rejection(browser.get(callback)) == "bad_signature"


@pytest.mark.parametrize(
    ("override", "reason"),
    [
        ({"aud": "another-client"}, "wrong_audience"),
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"nonce": "not-the-nonce-we-sent"}, "nonce_mismatch"),
        ({"iss": "https://evil.example"}, "wrong_issuer"),
    ],
)
def test_token_checks(oidc, browser, override, reason):
    callback = oidc_authorize(
        browser,
        oidc,
        sub=f"user-{reason}",
        claims={**ALICE, "email": f"{reason}@example.org", **override},
    )
    assert _rejection(browser.get(callback)) == reason
    assert not ExternalIdentity.objects.exists()


def test_mismatched_state(oidc, browser):
    callback = oidc_authorize(
        browser, oidc, sub="fritz", claims={**ALICE, "email": "f@example.org"}
    )
    parts = urlsplit(callback)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["state"] = "forged-state"
    forged = urlunsplit(parts._replace(query=urlencode(query)))
    assert _rejection(browser.get(forged)) == "unknown_state"


def test_callback_in_another_browser_is_refused(oidc, browser):
    callback = oidc_authorize(browser, oidc, sub="gina", claims={**ALICE, "email": "g@example.org"})
    assert _rejection(Client(HTTP_USER_AGENT="Testbrowser/1.0").get(callback)) == "unknown_state"


def test_replayed_callback(oidc, browser):
    callback = oidc_authorize(
        browser, oidc, sub="hanna", claims={**ALICE, "email": "h@example.org"}
    )
    assert browser.get(callback).status_code == 302
    browser.logout()
    assert _rejection(browser.get(callback)) in {"replayed", "unknown_state"}


def test_replayed_callback_same_session(oidc, browser):
    callback = oidc_authorize(browser, oidc, sub="ida", claims={**ALICE, "email": "i@example.org"})
    assert browser.get(callback).status_code == 302
    assert _rejection(browser.get(callback), logged_in=True) == "replayed"


def test_rejection_page_is_german_first(oidc, browser):
    callback = oidc_authorize(
        browser, oidc, sub="jan", claims={**ALICE, "email": "j@example.org", "aud": "x"}
    )
    page = browser.get(callback).content.decode()
    assert "für einen anderen Dienst bestimmt" in page


def test_rejection_page_in_english(oidc, browser, in_english):
    callback = oidc_authorize(
        browser, oidc, sub="kim", claims={**ALICE, "email": "k@example.org", "aud": "x"}
    )
    browser.cookies["django_language"] = "en"
    page = browser.get(callback).content.decode()
    assert "was meant for another service" in page
