"""German texts address the person as "Sie"; no internal identifier reaches a citizen or clerk.

allauth's German catalogue mixes "du" and "Sie"; ours overrides it (LOCALE_PATHS win over the
apps' catalogues). Citizens' user names are internal pseudonyms (`b-…`), never shown.
"""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation.trans_real import translation as catalogue

from rathaus.accounts.models import User
from rathaus.staff.models import Role
from tests.accounts.conftest import PASSWORD, login, make_citizen
from tests.applications.inbox_data import make_submission
from tests.factories import OfficeFactory
from tests.staff.people import login_with_mfa, make_staff

pytestmark = pytest.mark.django_db

INFORMAL = re.compile(r"\b(du|dein\w*|dich|dir)\b", re.IGNORECASE)


def assert_formal(text: str) -> None:
    found = INFORMAL.findall(text)
    assert not found, f"informal address {found} in: {text[:2000]}"


def test_no_german_text_of_any_app_says_du():
    with translation.override("de"):
        informal = {
            msgid: gettext(msgid)
            for msgid, _ in catalogue("de")._catalog.items()
            if isinstance(msgid, str) and INFORMAL.search(gettext(msgid))
        }
    assert informal == {}


def test_registration_page_and_confirmation_mail(client):
    assert_formal(client.get("/konto/registrieren/").content.decode())
    client.post(
        "/konto/registrieren/",
        {"email": "max@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    user = User.objects.get(email="max@example.org")
    [message] = mail.outbox
    text = message.subject + message.body
    assert_formal(text)
    assert user.username not in text
    assert "Sie erhalten diese E-Mail" in message.body
    assert "Bürgerkonto" in message.body
    assert_formal(client.get(reverse("account_email_verification_sent")).content.decode())


def test_password_reset_page_and_mail(client, citizen):
    assert_formal(client.get("/konto/passwort/vergessen/").content.decode())
    response = client.post("/konto/passwort/vergessen/", {"email": citizen.email})
    assert response.status_code == 302
    assert_formal(client.get(response["Location"]).content.decode())
    [message] = mail.outbox
    assert_formal(message.subject + message.body)
    assert citizen.username not in message.body
    assert "Sie oder eine andere Person" in message.body


def test_login_message_names_the_person_not_the_user_name(client, citizen):
    response = login(client)
    page = client.get(response["Location"]).content.decode()
    assert f"Erfolgreich als {citizen.email} angemeldet" in page
    assert citizen.username not in page
    assert_formal(page)

    citizen.first_name, citizen.last_name = "Erika", "Mustermann"
    citizen.save(update_fields=["first_name", "last_name"])
    client.post("/konto/abmelden/")
    response = login(client)
    assert (
        "Erfolgreich als Erika Mustermann angemeldet"
        in client.get(response["Location"]).content.decode()
    )


def test_staff_inbox_shows_the_applicants_name_never_the_pseudonym(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    office = OfficeFactory()
    unnamed = make_citizen("ohne.namen@example.org")
    named = make_citizen("erika@example.org", first_name="Erika", last_name="Musterfrau")
    first = make_submission(office=office, applicant=unnamed)
    second = make_submission(office=office, applicant=named)
    clerk = make_staff("clerk-a", (office, Role.CASE_WORKER))
    staff = Client()
    login_with_mfa(staff, clerk)

    listing = staff.get(reverse("backoffice:submission-list")).content.decode()
    assert "ohne.namen@example.org" in listing and "Erika Musterfrau" in listing
    for submission in (first, second):
        detail = staff.get(reverse("backoffice:submission-detail", args=[submission.pk]))
        html = listing + detail.content.decode()
        assert submission.applicant.username not in html
    assert unnamed.username not in listing and named.username not in listing


def test_display_name_falls_back_without_revealing_the_user_name():
    citizen = User(username="b-3f2a29aa00ff", email="")
    assert citizen.display_name == "Bürgerkonto"
    assert User(username="b-1", email="a@example.org").display_name == "a@example.org"
    staff = User(username="m.mueller", email="", kind=User.Kind.STAFF)
    assert staff.display_name == "m.mueller"
