import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile

from rathaus.core.actors import Actor
from rathaus.mailbox import services
from rathaus.staff.models import Role
from tests.applications import upload_samples as samples
from tests.evidence.conftest import demo_seal  # noqa: F401 (a fixture)
from tests.factories import OfficeFactory, UserFactory
from tests.staff.people import make_staff


@pytest.fixture(autouse=True)
def config_key(settings):
    """A fresh configuration key per test: it encrypts the municipalities' KEKs at rest."""
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]


@pytest.fixture(autouse=True)
def mailbox_media(settings, tmp_path):
    """Attachments go to a fresh directory per test."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def act_pdf(name: str = "bescheid.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    """An uploaded PDF (an administrative act, an attachment)."""
    return SimpleUploadedFile(name, content or samples.pdf(), content_type="application/pdf")


@pytest.fixture
def office():
    return OfficeFactory(name="Steueramt")


@pytest.fixture
def citizen():
    return UserFactory(first_name="Erika", last_name="Mustermann")


@pytest.fixture
def clerk(office):
    return make_staff("clerk-mail", (office, Role.CASE_WORKER))


def person(user, level="substantial") -> Actor:
    return Actor.person(user, level_of_assurance=level)


@pytest.fixture
def first_message(citizen, office):
    """The citizen writes to the office: a new thread with its first message."""
    return services.thread_start(
        actor=person(citizen),
        sender=services.mailbox_of_user(user=citizen),
        recipient=services.mailbox_of_office(office=office),
        subject="Frage zur Hundesteuer",
        body="Guten Tag,\nich habe einen zweiten Hund.\n\nMit freundlichen Grüßen",
    )
