import time

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from rathaus.accounts.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from rathaus.accounts.models import User
from rathaus.accounts.password_validation import GuessablePatternValidator
from rathaus.core.models import AuditEvent
from tests.accounts.conftest import PASSWORD, USER_AGENT, login, make_citizen

pytestmark = pytest.mark.django_db


def english(**kwargs) -> Client:
    client = Client(**kwargs)
    client.cookies["django_language"] = "en"
    return client


def fail(client: Client, email: str = "erika@example.org"):
    return client.post("/konto/anmelden/", {"login": email, "password": "Falsches-Passwort-1"})


def test_lockout_per_account_from_different_addresses(citizen, in_english):
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        response = fail(english(REMOTE_ADDR=f"198.51.100.{i}", HTTP_USER_AGENT=USER_AGENT))
        assert response.status_code == 200
    response = fail(english(REMOTE_ADDR="198.51.100.99", HTTP_USER_AGENT=USER_AGENT))
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.content.decode()

    # Even the right password from a fresh address is refused while locked.
    response = login(Client(REMOTE_ADDR="203.0.113.5"))
    assert response.status_code == 429
    # The refused attempt counts as a failure too.
    assert (
        AuditEvent.objects.filter(action="auth.login_failed").count()
        == settings.AXES_FAILURE_LIMIT + 1
    )
    lockout = AuditEvent.objects.filter(action="auth.lockout").order_by("id").first()
    assert lockout.object_id == str(citizen.pk)
    assert lockout.ip_address == "198.51.100.99" and lockout.user_agent == USER_AGENT


def test_lockout_per_address_across_accounts(citizen, in_english):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for i in range(settings.AXES_FAILURE_LIMIT):
        response = fail(client, f"unknown{i}@example.org")
    assert response.status_code == 429
    # Another person from another address still gets in.
    assert login(Client(REMOTE_ADDR="203.0.113.9")).status_code == 302
    # The locked address cannot log in to any account.
    assert login(client).status_code == 429
    unknown = AuditEvent.objects.filter(action="auth.login_failed", object_id="")
    assert unknown.count() == settings.AXES_FAILURE_LIMIT
    assert all(e.details["login"].startswith("unknown") for e in unknown)
    assert AuditEvent.objects.filter(action="auth.lockout", ip_address="198.51.100.7").exists()


def test_lockout_ends_after_cooloff(citizen, settings):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        fail(client)
    assert login(client).status_code == 429
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time.replace(year=2000)
    )
    assert login(client).status_code == 302


def test_failed_login_for_existing_account_is_linked_not_named(client, citizen):
    fail(client)
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.object_id == str(citizen.pk) and event.details == {}
    assert event.ip_address == "192.0.2.10" and event.user_agent == USER_AGENT


def _age_session(client: Client, *, started: float, seen: float) -> None:
    session = client.session
    session[SESSION_STARTED_KEY] = started
    session[SESSION_SEEN_KEY] = seen
    session.save()


def test_idle_timeout_ends_the_session(logged_in, citizen):
    now = time.time()
    _age_session(logged_in, started=now - 60, seen=now - settings.RATHAUS_SESSION_IDLE_TIMEOUT + 30)
    assert logged_in.get("/konto/").status_code == 200  # still within the idle limit

    _age_session(logged_in, started=now - 60, seen=now - settings.RATHAUS_SESSION_IDLE_TIMEOUT - 1)
    response = logged_in.get("/konto/")
    assert response.status_code == 302 and response["Location"] == "/konto/anmelden/"
    assert "_auth_user_id" not in logged_in.session
    event = AuditEvent.objects.get(action="auth.session_timeout")
    assert event.details == {"reason": "idle"} and event.actor_id == str(citizen.pk)


def test_absolute_timeout_despite_activity(logged_in):
    now = time.time()
    _age_session(logged_in, started=now - settings.RATHAUS_SESSION_ABSOLUTE_TIMEOUT - 1, seen=now)
    response = logged_in.get("/konto/")
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="auth.session_timeout").details == {"reason": "absolute"}


def test_session_and_csrf_cookies_are_hardened(client, citizen):
    response = login(client)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert settings.PASSWORD_HASHERS  # tests use a fast hasher; production:
    from rathaus.conf import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert base.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_login_form_requires_csrf(citizen):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/konto/anmelden/", {"login": "erika@example.org", "password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("erika-mag-Kuchen", "password_contains_personal_data"),
        ("Mustermann-Kuchen!", "password_contains_personal_data"),
        ("Kuchenqwertz!Tisch", "password_has_sequence"),
        ("Kuchen-98765-Tisch", "password_has_sequence"),
        ("Kuchen-aaaa-Tisch", "password_repeats_character"),
        ("Sommersonne2024!", "password_word_and_year"),
        ("1987Bärenstark", "password_word_and_year"),
    ],
)
def test_guessable_patterns_are_rejected(password, code):
    user = User(email="erika@example.org", first_name="Erika", last_name="Mustermann")
    with pytest.raises(ValidationError) as error:
        GuessablePatternValidator().validate(password, user)
    assert code in [e.code for e in error.value.error_list]


@pytest.mark.parametrize(
    "password", ["Lindenblüte-Kamin-73", "zart Grün wie 1 Frosch", "Tr4mpolin#Wiese"]
)
def test_good_passwords_pass_all_validators(password):
    user = User(email="erika@example.org", first_name="Erika", last_name="Mustermann")
    validate_password(password, user)


def test_length_and_common_passwords_are_rejected(in_english):
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Kurz-7xQ")
    with pytest.raises(ValidationError, match="too common"):
        validate_password("startfinding")


def test_messages_are_clear(in_english):
    with pytest.raises(ValidationError) as error:
        GuessablePatternValidator().validate("Sommersonne2024!", make_citizen("x@example.org"))
    assert "a word and a year" in str(error.value)
