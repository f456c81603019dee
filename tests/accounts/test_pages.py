import re

import pytest
from django.test import Client
from django.utils import translation

from tests.accounts.conftest import PASSWORD, login
from tests.accounts.test_mfa import enrol_totp
from tests.portal.page_audit import assert_page_is_clean

pytestmark = pytest.mark.django_db

DATA_IMAGE = re.compile(r'src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"')

ANONYMOUS_PAGES = [
    "/konto/anmelden/",
    "/konto/registrieren/",
    "/konto/passwort/vergessen/",
    "/konto/password/reset/done/",
    "/konto/confirm-email/",
    "/konto/geloescht/",
]
ACCOUNT_PAGES = [
    "/konto/",
    "/konto/profil/",
    "/konto/einwilligungen/",
    "/konto/daten/",
    "/konto/loeschen/",
    "/konto/e-mail/",
    "/konto/passwort/aendern/",
    "/konto/abmelden/",
    "/konto/reauthenticate/",
    "/konto/2fa/",
]
# Security settings need a fresh password entry first.
REAUTH_PAGES = [
    "/konto/2fa/totp/activate/",
    "/konto/2fa/recovery-codes/generate/",
    "/konto/2fa/webauthn/add/",
]


def _client(language: str) -> Client:
    client = Client(HTTP_USER_AGENT="pytest")
    client.cookies["django_language"] = language
    return client


def check(client: Client, url: str, language: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    html = response.content.decode()
    # The one resource not from /static/: the TOTP QR code, an inline SVG image (CSP img-src
    # allows data:). Check it is exactly that, then audit the rest as any portal page.
    audited = DATA_IMAGE.sub('src="/static/qr.svg"', html)
    assert "data:" not in audited
    assert_page_is_clean(audited, language=language)
    return html


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_account_page_renders_clean(language, citizen):
    client = _client(language)
    for url in ANONYMOUS_PAGES:
        check(client, url, language)
    client.force_login(citizen, backend="django.contrib.auth.backends.ModelBackend")
    for url in ACCOUNT_PAGES:
        check(client, url, language)
    assert client.post("/konto/reauthenticate/", {"password": PASSWORD}).status_code == 302
    for url in REAUTH_PAGES:
        check(client, url, language)


def test_pages_are_translated(citizen):
    de = check(_client("de"), "/konto/anmelden/", "de")
    en = check(_client("en"), "/konto/anmelden/", "en")
    assert "Anmelden" in de and "Sign In" in en
    client = _client("de")
    client.force_login(citizen, backend="django.contrib.auth.backends.ModelBackend")
    html = check(client, "/konto/", "de")
    assert "Mein Konto" in html and "Einwilligungen" in html


def test_lockout_page_is_clean_and_explains(citizen):
    client = _client("de")
    for _ in range(5):
        response = client.post(
            "/konto/anmelden/", {"login": citizen.email, "password": "x-wrong-123"}
        )
    assert response.status_code == 429
    html = response.content.decode()
    assert_page_is_clean(html, language="de")
    with translation.override("de"):
        assert "15 Minuten" in html


def test_header_links_to_login_and_account(citizen):
    client = _client("de")
    html = client.get("/").content.decode()
    assert 'href="/konto/anmelden/"' in html
    login(client)
    html = client.get("/").content.decode()
    assert 'href="/konto/"' in html and 'action="/konto/abmelden/"' in html


def test_error_summary_links_to_fields(client):
    html = client.post("/konto/anmelden/", {"login": "", "password": ""}).content.decode()
    assert 'id="error-summary"' in html and "Bitte prüfen Sie Ihre Angaben" in html
    assert 'href="#id_login"' in html
    assert_page_is_clean(html, language="de")


@pytest.mark.parametrize("language", ["de", "en"])
def test_mfa_pages_after_enrolment_render_clean(language, citizen):
    citizen.preferred_language = language  # applied at login
    citizen.save(update_fields=["preferred_language"])
    client = _client(language)
    login(client)
    enrol_totp(client)
    for url in ("/konto/2fa/", "/konto/2fa/recovery-codes/", "/konto/2fa/totp/deactivate/",
                "/konto/2fa/webauthn/"):  # fmt: skip
        check(client, url, language)
    client.post("/konto/abmelden/")
    response = login(client)
    assert response["Location"] == "/konto/2fa/authenticate/"
    html = check(client, "/konto/2fa/authenticate/", language)
    assert 'name="code"' in html
