import pytest
from django.core import mail
from django.urls import reverse

from rathaus.accounts.models import User
from rathaus.core.models import AuditEvent
from tests.accounts.conftest import PASSWORD, USER_AGENT, login, mailed_link

pytestmark = pytest.mark.django_db


def test_german_paths_for_the_main_pages():
    assert reverse("account_login") == "/konto/anmelden/"
    assert reverse("account_signup") == "/konto/registrieren/"
    assert reverse("account_logout") == "/konto/abmelden/"
    assert reverse("account_reset_password") == "/konto/passwort/vergessen/"


def test_registration_needs_a_verified_email_then_logs_in(client):
    response = client.post(
        "/konto/registrieren/",
        {"email": "max@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get(email="max@example.org")
    # The user name is a pseudonym, never derived from the e-mail address.
    assert user.username.startswith("b-") and "max" not in user.username
    assert len(mail.outbox) == 1
    confirm_url = mailed_link("/konto/confirm-email/")

    # Not verified yet: login is refused (verification mail sent again instead).
    response = login(client, "max@example.org")
    assert "_auth_user_id" not in client.session

    response = client.get(confirm_url)
    assert response.status_code == 200
    response = client.post(confirm_url)
    assert response.status_code == 302

    response = login(client, "max@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:overview")
    assert client.session["_auth_user_id"] == str(user.pk)

    actions = list(
        AuditEvent.objects.filter(object_id=str(user.pk)).values_list("action", flat=True)
    )
    for action in ("auth.signup", "auth.email_verified", "auth.login"):
        assert action in actions
    login_event = AuditEvent.objects.filter(action="auth.login", actor_id=str(user.pk)).first()
    assert login_event.ip_address == "192.0.2.10"
    assert login_event.user_agent == USER_AGENT
    assert login_event.actor_label == user.username


def test_registration_rejects_guessable_password(client, in_english):
    client.cookies["django_language"] = "en"
    response = client.post(
        "/konto/registrieren/",
        {
            "email": "max@example.org",
            "password1": "Sommersonne2024!",
            "password2": "Sommersonne2024!",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="max@example.org").exists()
    response = client.post(
        "/konto/registrieren/",
        {
            "email": "maxmuster@example.org",
            "password1": "maxmuster-Tisch",
            "password2": "maxmuster-Tisch",
        },
    )
    assert "must not contain your name or your e-mail address" in response.content.decode()


def test_password_reset_by_mail(client, citizen):
    response = client.post("/konto/passwort/vergessen/", {"email": citizen.email})
    assert response.status_code == 302
    reset_url = mailed_link("/konto/password/reset/key/")
    response = client.get(reset_url, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else reset_url
    new_password = "Wolkenkratzer-Fluss-58"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password(new_password)
    assert AuditEvent.objects.filter(
        action="auth.password_reset", object_id=str(citizen.pk)
    ).exists()


def test_password_change_is_audited(logged_in, citizen):
    new_password = "Wolkenkratzer-Fluss-58"
    response = logged_in.post(
        "/konto/passwort/aendern/",
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password(new_password)
    assert AuditEvent.objects.filter(
        action="auth.password_change", actor_id=str(citizen.pk)
    ).exists()


def test_logout_is_audited(logged_in, citizen):
    response = logged_in.post("/konto/abmelden/")
    assert response.status_code == 302
    assert "_auth_user_id" not in logged_in.session
    event = AuditEvent.objects.get(action="auth.logout")
    assert event.actor_id == str(citizen.pk)
    assert event.ip_address == "192.0.2.10"


def test_preferred_language_is_applied_on_login(client, citizen):
    citizen.preferred_language = "en"
    citizen.save(update_fields=["preferred_language"])
    response = login(client)
    assert response.cookies["django_language"].value == "en"
    response = client.get("/konto/")
    assert '<html lang="en">' in response.content.decode()
