"""Issue 3, "done when", as two stories through the real pages (no force_login anywhere).

1. A new citizen registers, confirms the e-mail, turns on TOTP, logs in with password + code,
   then reaches level "substantial" through the local OIDC provider (oidc-provider-mock on
   loopback) and sees that level and the method on the account page; the audit trail holds
   every step in order.
2. Two clerks log in through LDAP (a real slapd) with TOTP and see only their own office's
   data — the Django admin included in the second-factor guard.
"""

import re
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from rathaus.accounts.models import User
from rathaus.core.models import AuditEvent
from rathaus.federation.models import ExternalIdentity
from tests.factories import LocalServiceFactory
from tests.federation.conftest import OidcServer, oidc_authorize
from tests.staff.people import totp_code

pytestmark = pytest.mark.django_db

EMAIL = "greta.neu@example.org"
PASSWORD = "Kastanienallee-Regen-41"
USER_AGENT = "e2e-browser/1.0"
IP_ADDRESS = "192.0.2.33"
# The labels of the account page's "Vertrauensniveau" section (German, the first language).
LEVEL = "In dieser Sitzung erreichtes Niveau"
METHOD = "Angemeldet mit"


def forget_used_codes() -> None:
    """allauth refuses a TOTP code twice within its window; a person would wait for the next
    code, the test forgets allauth's record of used codes instead."""
    cache.clear()


def session_level(page: str) -> dict[str, str]:
    """The account page's "Vertrauensniveau" section as read on screen: its description list
    (label → value, tags stripped) for this session."""
    match = re.search(r'<section class="federation-summary".*?<dl.*?</dl>', page, re.S)
    assert match, page[:3000]
    assert "Vertrauensniveau" in match.group(0)

    def text(html: str) -> str:
        return " ".join(re.sub(r"<[^>]+>", " ", html).split())

    pairs = re.findall(r"<dt[^>]*>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", match.group(0), re.S)
    return {text(key): text(value) for key, value in pairs}


def mailed_link(pattern: str) -> str:
    """The path of the first URL matching `pattern` in the last e-mail sent."""
    body = str(mail.outbox[-1].body)
    match = re.search(rf"https?://[^/\s]+({pattern}\S*)", body)
    assert match, body
    return match.group(1)


# --- 1. The citizen -------------------------------------------------------------------------


def test_citizen_registers_enables_totp_and_reaches_substantial_through_oidc(
    oidc: OidcServer, django_capture_on_commit_callbacks: Any
) -> None:
    browser = Client(HTTP_USER_AGENT=USER_AGENT, REMOTE_ADDR=IP_ADDRESS)

    # Register with the real allauth form.
    response = browser.post(
        "/konto/registrieren/", {"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    user = User.objects.get(email=EMAIL)
    assert user.kind == User.Kind.CITIZEN
    assert "_auth_user_id" not in browser.session

    # Confirm the address with the link from the mail.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [EMAIL]
    confirm_url = mailed_link("/konto/confirm-email/")
    assert browser.get(confirm_url).status_code == 200
    assert browser.post(confirm_url).status_code == 302

    # Log in with the password.
    response = browser.post("/konto/anmelden/", {"login": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:overview")
    assert browser.session["_auth_user_id"] == str(user.pk)

    # Turn on TOTP through the MFA pages, linked from the account page.
    overview = browser.get("/konto/").content.decode()
    assert f'href="{reverse("mfa_index")}"' in overview
    response = browser.get(reverse("mfa_activate_totp"))
    # allauth asks for the password again before a security setting changes.
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = browser.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    response = browser.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    secret = browser.session["mfa.totp.secret"]
    assert secret in response.content.decode()  # shown for typing into an authenticator app
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals after commit
        response = browser.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    # Password login only, so far: the account page says "low", by e-mail and password.
    assert session_level(browser.get("/konto/").content.decode()) == {
        LEVEL: "niedrig",
        METHOD: "E-Mail-Adresse und Passwort",
    }

    # Log out; logging in again takes the password and then the code.
    assert browser.post("/konto/abmelden/").status_code == 302
    assert "_auth_user_id" not in browser.session
    response = browser.post("/konto/anmelden/", {"login": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in browser.session
    forget_used_codes()
    response = browser.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert browser.session["_auth_user_id"] == str(user.pk)
    # A second factor does not make a self-registered account more than "low" (levels.py).
    assert session_level(browser.get("/konto/").content.decode())[LEVEL] == "niedrig"

    # Reach "substantial" at the local OIDC provider: step up from the account, which links
    # the provider's identity to it.
    claims = {"email": EMAIL, "given_name": "Greta", "acr": "STORK-QAA-Level-3"}
    callback = oidc_authorize(
        browser, oidc, sub="greta-bund", claims=claims, purpose="step_up", level="substantial"
    )
    response = browser.get(callback)
    assert response.status_code == 302
    identity = ExternalIdentity.objects.get(subject="greta-bund")
    assert identity.user == user and identity.last_level == "substantial"

    page = browser.get("/konto/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-trust-level="substantial"' in html
    # The level in German, and the method: the OIDC provider, no longer the password.
    assert session_level(html) == {LEVEL: "substanziell", METHOD: "Test-IdP"}
    assert "Test-IdP – zuletzt erreichtes Niveau: substanziell" in " ".join(html.split())

    # Next visit: log in through the provider alone; the linked account, at "substantial".
    assert browser.post("/konto/abmelden/").status_code == 302
    callback = oidc_authorize(browser, oidc, sub="greta-bund", claims=claims)
    assert browser.get(callback).status_code == 302
    assert browser.session["_auth_user_id"] == str(user.pk)
    again = session_level(browser.get("/konto/").content.decode())
    assert again == {LEVEL: "substanziell", METHOD: "Test-IdP"}

    # The audit trail, in order, each entry with the browser's address and user agent.
    trail = list(
        AuditEvent.objects.filter(actor_id=str(user.pk))
        .order_by("occurred_at", "id")
        .values_list("action", "details", "ip_address", "user_agent")
    )
    level = {"provider": "testidp", "level": "substantial"}
    assert [(action, details) for action, details, *_ in trail] == [
        ("auth.signup", {}),
        ("auth.email_verified", {}),
        ("auth.login", {}),  # password
        ("mfa.add", {"type": "totp"}),
        ("mfa.add", {"type": "recovery_codes"}),  # come with the first factor
        ("auth.logout", {}),
        ("mfa.authenticate", {"type": "totp", "reauthenticated": False, "passwordless": False}),
        ("auth.login", {}),  # password + code
        ("federation.link", level),
        ("federation.step_up", level),
        ("auth.logout", {}),
        ("auth.login", {}),  # through the provider …
        ("federation.login", level),  # … at "substantial"
    ], trail
    for action, _details, ip_address, user_agent in trail:
        if action != "mfa.add":  # recorded after commit, outside the request
            assert (ip_address, user_agent) == (IP_ADDRESS, USER_AGENT), action


# --- 2. The clerks --------------------------------------------------------------------------


def _first_login_with_totp(client: Client, login: str, password: str, on_commit: Any) -> str:
    """Directory password, then TOTP enrolment and its first use; returns the secret."""
    response = client.get("/intern/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.post(response["Location"], {"login": login, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/intern/"

    # Password only: neither the staff area nor the admin opens; both want a second factor.
    for path in ("/intern/", "/intern/admin/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("mfa_activate_totp")), path
    enrol_url = client.get("/intern/")["Location"]
    assert client.get(enrol_url).status_code == 200
    secret = client.session["mfa.totp.secret"]
    with on_commit(execute=True):  # allauth signals the new authenticator after commit
        assert client.post(enrol_url, {"code": totp_code(secret)}).status_code == 302

    # Enrolled, but this session has not used it: the admin too asks for the code first.
    for path in ("/intern/", "/intern/admin/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("mfa_reauthenticate")), path
    forget_used_codes()
    response = client.post(client.get("/intern/")["Location"], {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/intern/"
    return secret


@pytest.fixture
def two_offices(directory_login: dict[str, Any]) -> dict[str, Any]:
    """The directory's offices (Bürgerbüro Cochem, Ordnungsamt Zell), each with an offer."""
    offices = directory_login
    for key, name in (("buergerbuero", "Meldebescheinigung"), ("ordnungsamt", "Gaststätte")):
        LocalServiceFactory(
            municipality=offices[key].municipality,
            responsible_office=offices[key],
            service__name_de=name,
        )
    return offices


@pytest.mark.parametrize(
    ("login", "password", "own", "other"),
    [
        pytest.param(
            "anna@cochem.example",
            "anna-directory-pw",
            ("buergerbuero", "Bürgerbüro", "Stadt Cochem", "Meldebescheinigung"),
            ("ordnungsamt", "Ordnungsamt", "Stadt Zell", "Gaststätte"),
            id="clerk-A-buergerbuero",
        ),
        pytest.param(
            "bernd@zell.example",
            "bernd-directory-pw",
            ("ordnungsamt", "Ordnungsamt", "Stadt Zell", "Gaststätte"),
            ("buergerbuero", "Bürgerbüro", "Stadt Cochem", "Meldebescheinigung"),
            id="clerk-B-ordnungsamt",
        ),
    ],
)
def test_clerk_logs_in_through_ldap_with_totp_and_sees_only_their_office(
    two_offices: dict[str, Any],
    login: str,
    password: str,
    own: tuple[str, str, str, str],
    other: tuple[str, str, str, str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    own_key, own_office, own_town, own_offer = own
    other_key, other_office, other_town, other_offer = other
    clerk = Client(HTTP_USER_AGENT=USER_AGENT)
    secret = _first_login_with_totp(clerk, login, password, django_capture_on_commit_callbacks)
    user = User.objects.get(email=login)
    assert user.kind == User.Kind.STAFF

    start = clerk.get("/intern/")
    assert start.status_code == 200
    page = start.content.decode()
    assert own_office in page and own_town in page
    assert other_office not in page and other_town not in page

    offers = clerk.get("/intern/leistungen/").content.decode()
    assert own_offer in offers and other_offer not in offers

    own_detail = clerk.get(reverse("backoffice:office-detail", args=[two_offices[own_key].pk]))
    assert own_detail.status_code == 200 and own_office in own_detail.content.decode()
    other_url = reverse("backoffice:office-detail", args=[two_offices[other_key].pk])
    assert clerk.get(other_url).status_code == 404
    assert clerk.post(other_url, {"phone": "1", "email": "x@example.org"}).status_code == 404

    # Past the second factor, the admin opens — but grants a clerk nothing.
    assert clerk.get("/intern/admin/").status_code == 200
    assert clerk.get("/intern/admin/staff/roleassignment/").status_code == 403

    # Next day: password and code at the login itself, straight back to their office only.
    assert clerk.post(reverse("account_logout")).status_code == 302
    assert clerk.get("/intern/").status_code == 302
    response = clerk.post(
        f"{reverse('account_login')}?next=/intern/", {"login": login, "password": password}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    forget_used_codes()
    response = clerk.post(response["Location"], {"code": totp_code(secret)})
    assert response.status_code == 302 and response["Location"] == "/intern/"
    page = clerk.get("/intern/").content.decode()
    assert own_office in page and other_office not in page

    trail = list(
        AuditEvent.objects.filter(actor_id=str(user.pk))
        .order_by("occurred_at", "id")
        .values_list("action", "details")
    )
    assert [action for action, _details in trail] == [
        "auth.login",  # directory password
        "mfa.add",  # TOTP …
        "mfa.add",  # … and with it recovery codes
        "mfa.authenticate",  # first use of the new factor (re-authentication)
        "auth.logout",
        "mfa.authenticate",  # next day: the code at the login itself …
        "auth.login",  # … which completes it
    ], trail
    assert [details["type"] for _action, details in trail[1:3]] == ["totp", "recovery_codes"]
    assert trail[3][1]["reauthenticated"] is True and trail[5][1]["reauthenticated"] is False
