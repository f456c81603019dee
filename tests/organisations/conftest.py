"""People and organisations for the organisation and proxy tests."""

import itertools
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from rathaus.accounts.models import User
from rathaus.core.actors import Actor
from rathaus.organisations.models import Organisation
from rathaus.organisations.services import organisation_create

_numbers = itertools.count()


def make_person(email: str, *, verified: bool = True, name: str = "") -> User:
    first, _, last = name.partition(" ")
    user = User.objects.create_user(
        username=f"person-{next(_numbers)}", email=email, first_name=first, last_name=last
    )
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


@pytest.fixture
def client() -> Client:
    """Pages in English (the messages asserted on), from a known address and browser."""
    return Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_USER_AGENT="pytest/1.0", REMOTE_ADDR="192.0.2.1")


@pytest.fixture
def anna(db) -> User:
    return make_person("anna@example.org", name="Anna Admin")


@pytest.fixture
def bernd(db) -> User:
    return make_person("bernd@example.org", name="Bernd Berater")


@pytest.fixture
def carla(db) -> User:
    return make_person("carla@example.org", name="Carla Chefin")


@pytest.fixture
def firma(anna) -> Organisation:
    return organisation_create(
        actor=Actor.person(anna),
        name="Moselbau GmbH",
        kind=Organisation.Kind.COMPANY,
        register_number="HRB 1234",
        city="Cochem",
    )


def invitation_link() -> str:
    """The one-time link of the last mail sent."""
    match = re.search(r"https?://\S+/konto/einladung/(\S+)/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)
