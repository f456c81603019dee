import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from rathaus.accounts.adapter import new_pseudonym
from rathaus.accounts.models import User

PASSWORD = "Lindenblüte-Kamin-73"
USER_AGENT = "pytest-browser/1.0"


@pytest.fixture
def client() -> Client:
    return Client(HTTP_USER_AGENT=USER_AGENT, REMOTE_ADDR="192.0.2.10")


def make_citizen(email: str = "erika@example.org", password: str = PASSWORD, **extra) -> User:
    user = User.objects.create_user(
        username=new_pseudonym(), email=email, password=password, **extra
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def citizen(db) -> User:
    return make_citizen()


def login(client: Client, email: str = "erika@example.org", password: str = PASSWORD):
    return client.post("/konto/anmelden/", {"login": email, "password": password})


@pytest.fixture
def logged_in(client, citizen) -> Client:
    response = login(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def mailed_link(pattern: str) -> str:
    """The first URL matching `pattern` in the last e-mail sent."""
    body = mail.outbox[-1].body
    match = re.search(rf"https?://[^/\s]+({pattern}\S*)", body)
    assert match, body
    return match.group(1)
