import io

import pytest
from cryptography.fernet import Fernet
from pypdf import PdfReader

from rathaus.accounts.selectors import consent_text_current
from rathaus.accounts.services import consent_give
from rathaus.core.actors import Actor
from rathaus.decisions import services
from rathaus.mailbox.provisions import CONSENT_KEY
from rathaus.staff.models import Role
from tests.applications.inbox_data import make_submission
from tests.evidence.conftest import demo_seal  # noqa: F401 (a fixture)
from tests.factories import OfficeFactory
from tests.staff.people import make_staff

TEXTS = {
    "title": "Hundesteuerbescheid",
    "operative_part": (
        "{% if granted %}Ihr Antrag vom {{ submitted_on }} wird genehmigt."
        "{% else %}Ihr Antrag wird abgelehnt.{% endif %}"
    ),
    "reasons": "Sie halten in {{ municipality_name }} einen Hund ({{ applicant_name }}).",
    "fee_assessment": "Die Gebühr beträgt {{ fee }} Euro.",
    "legal_remedy": (
        "Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch bei "
        "{{ office_name }}, {{ office_address }} erhoben werden."
    ),
}


@pytest.fixture(autouse=True)
def keys_and_media(settings, media_root, demo_seal):  # noqa: F811
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]


@pytest.fixture
def office():
    return OfficeFactory(
        name="Steueramt", street="Markt 1", postcode="52349", city="Düren", phone="02421 25-0"
    )


@pytest.fixture
def admin(office):
    return make_staff("fach-decisions", (office, Role.SPECIALIST_ADMIN))


@pytest.fixture
def clerk(office):
    return make_staff("clerk-decisions", (office, Role.CASE_WORKER))


def applicant_address_set(case):
    """`case` with its applicant's name and postal address filled in."""
    applicant = case.applicant
    applicant.first_name, applicant.last_name = "Erika", "Mustermann"
    applicant.street, applicant.postal_code, applicant.city = "Musterweg 1", "52349", "Düren"
    applicant.save()
    return case


@pytest.fixture
def case(office):
    return applicant_address_set(make_submission(office=office).case)


def person(user) -> Actor:
    return Actor.person(user, level_of_assurance="substantial")


def published(admin, case, texts=None):
    """A published template version for the case's service in its municipality."""
    version = services.template_version_create(
        actor=person(admin),
        service=case.service,
        municipality=case.municipality,
        fields=texts or TEXTS,
    )
    return services.template_version_publish(actor=person(admin), version=version)


def consent(user) -> None:
    consent_give(user=user, text=consent_text_current(key=CONSENT_KEY), language="de")


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "") for page in reader.pages).split())
