import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from axes.models import AccessFailureLog
from django.test import Client

from rathaus.accounts import selectors, services
from rathaus.accounts.models import Consent, User
from rathaus.accounts.personal_data import (
    PersonalDataCollector,
    personal_data_collectors,
    register_personal_data_collector,
)
from rathaus.core.actors import Actor
from rathaus.core.models import AuditEvent
from tests.accounts.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def consented(citizen):
    text = selectors.consent_text_current(key="mailbox_notification_by_retrieval")
    services.consent_give(user=citizen, text=text, language="de")
    return citizen


def test_json_export_holds_everything_about_the_user(logged_in, consented):
    services.profile_update(
        user=consented,
        actor=Actor.person(consented),
        data={"city": "Musterstadt", "phone": "0301234"},
    )
    Authenticator.objects.create(user=consented, type="totp", data={"secret": "S3CR3T"})
    response = logged_in.get("/konto/daten/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    document = json.loads(response.content)
    sections = document["sections"]
    assert document["account_id"] == str(consented.pk)
    assert sections["accounts.profile"]["city"] == "Musterstadt"
    assert sections["accounts.profile"]["email"] == "erika@example.org"
    assert sections["accounts.email_addresses"] == [
        {"email": "erika@example.org", "verified": True, "primary": True}
    ]
    assert sections["accounts.authenticators"][0]["type"] == "totp"
    assert "S3CR3T" not in response.content.decode()
    assert sections["accounts.consents"][0]["key"] == "mailbox_notification_by_retrieval"
    assert "§ 41 Abs. 2a" in sections["accounts.consents"][0]["text_agreed"]
    actions = {e["action"] for e in sections["core.audit_events"]}
    assert {"auth.login", "consent.give", "account.profile_update"} <= actions


def test_html_page_shows_every_section(logged_in, consented):
    html = logged_in.get("/konto/daten/").content.decode()
    for title in ("Konto und Profil", "Einwilligungen", "Protokolleinträge über Sie"):
        assert title in html
    assert "erika@example.org" in html
    assert "/konto/daten/export.json" in html


def test_other_apps_contribute_through_the_registry(logged_in, citizen):
    register_personal_data_collector(
        "tests.extra", PersonalDataCollector("Extra", lambda user: {"owner": user.username})
    )
    try:
        document = logged_in.get("/konto/daten/export.json").json()
        assert document["sections"]["tests.extra"] == {"owner": citizen.username}
    finally:
        del personal_data_collectors._items["tests.extra"]


def test_deletion_keeps_only_what_must_be_kept(logged_in, consented, in_english):
    logged_in.cookies["django_language"] = "en"
    page = logged_in.get("/konto/loeschen/").content.decode()
    assert "audit trail" in page.lower()

    response = logged_in.post("/konto/loeschen/", {"password": "wrong-password-1"})
    assert response.status_code == 200
    assert "The password is not correct." in response.content.decode()
    assert User.objects.get(pk=consented.pk).deleted_at is None

    login(Client(), password="wrong-password-2")  # a failed login, also in the trail
    assert AuditEvent.objects.filter(
        action="auth.login_failed", object_id=str(consented.pk)
    ).exists()
    Authenticator.objects.create(user=consented, type="totp", data={"secret": "x"})
    AccessFailureLog.objects.create(username="erika@example.org", ip_address="192.0.2.1")
    response = logged_in.post("/konto/loeschen/", {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/konto/geloescht/"
    assert "_auth_user_id" not in logged_in.session

    user = User.objects.get(pk=consented.pk)
    assert user.deleted_at is not None and not user.is_active
    assert (user.email, user.first_name, user.city, user.phone) == ("", "", "", "")
    assert not user.has_usable_password()
    assert user.username == consented.username  # the pseudonym stays
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not AccessFailureLog.objects.filter(username="erika@example.org").exists()
    # Retained: the audit trail (pseudonymous) and the consent evidence.
    assert Consent.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(action="account.delete")
    assert event.details == {"reason": "request"} and event.actor_label == consented.username
    for event in AuditEvent.objects.all():
        assert "erika" not in f"{event.actor_label} {event.object_repr} {event.details}"
    # The account cannot log in any more.
    assert login(logged_in).status_code == 200
    assert "_auth_user_id" not in logged_in.session


def test_staff_cannot_delete_themselves(client):
    staff = User.objects.create_user(
        username="sachbearbeiter",
        email="sb@example.org",
        password=PASSWORD,
        kind=User.Kind.STAFF,
        is_staff=True,
    )
    client.force_login(staff)
    response = client.post("/konto/loeschen/", {"password": PASSWORD})
    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.deleted_at is None and staff.is_active


def test_account_without_password_confirms_deletion_explicitly(client, citizen):
    citizen.set_unusable_password()  # e.g. logs in through an identity provider only
    citizen.save(update_fields=["password"])
    client.force_login(citizen, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get("/konto/loeschen/").content.decode()
    assert 'name="confirm"' in html and 'name="password"' not in html
    assert "Ja, mein Konto und meine personenbezogenen Daten löschen." in html
    assert client.post("/konto/loeschen/", {}).status_code == 200
    assert User.objects.get(pk=citizen.pk).deleted_at is None
    assert client.post("/konto/loeschen/", {"confirm": "on"}).status_code == 302
    assert User.objects.get(pk=citizen.pk).deleted_at is not None
