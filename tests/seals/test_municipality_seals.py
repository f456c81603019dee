"""Each municipality's documents carry its own seal (demo: Düren and Gütersloh), others the
installation's."""

from io import BytesIO

import pytest
from cryptography.fernet import Fernet
from pyhanko.pdf_utils.reader import PdfFileReader

from rathaus.applications.receipts import receipt_create
from rathaus.demo.loader import demo_load
from rathaus.demo.seals import demo_seal_common_name
from rathaus.municipalities.models import ConfigurationProfile, Municipality
from rathaus.seals.demo_ca import SEAL_NAME, demo_ca_issued
from rathaus.seals.services import SealNotConfigured, seal_material
from rathaus.seals.validation import pdf_seal_validate
from tests.applications.inbox_data import make_submission
from tests.factories import MunicipalityFactory, OfficeFactory
from tests.municipalities.configuration_data import (
    encrypted_key,
    own_profile,
    seal_for,
    seal_values,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo_installation(settings, tmp_path):
    """An installation without its own seal (demo CA under VAR_DIR/seal)."""
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RATHAUS_SEAL_KEY_FILE = ""
    settings.RATHAUS_SEAL_CERT_FILE = ""
    settings.RATHAUS_SEAL_CHAIN_FILES = []
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]


def signer_subject(pdf: bytes) -> dict[str, str]:
    """The subject of the certificate that sealed `pdf`, read by pyHanko."""
    signature = PdfFileReader(BytesIO(pdf)).embedded_signatures[-1]
    return dict(signature.signer_cert.subject.native)


def receipt_of(municipality: Municipality) -> bytes:
    submission = make_submission(office=OfficeFactory(municipality=municipality))
    receipt_create(submission_id=submission.pk)
    submission.refresh_from_db()
    return submission.receipt.read()


def test_demo_receipts_of_dueren_and_guetersloh_carry_their_own_seals():
    demo_load()
    dueren = Municipality.objects.get(slug="dueren")
    guetersloh = Municipality.objects.get(slug="guetersloh")
    other = Municipality.objects.exclude(slug__in=["dueren", "guetersloh"]).first()
    profiles = {p.municipality.slug: p for p in ConfigurationProfile.objects.all()}
    assert set(profiles) == {"dueren", "guetersloh"}
    assert profiles["dueren"].seal_certificate_pem != profiles["guetersloh"].seal_certificate_pem
    assert all(demo_ca_issued(p.seal_certificate_pem) for p in profiles.values())

    sealed_dueren = receipt_of(dueren)
    subject = signer_subject(sealed_dueren)
    assert subject["common_name"] == demo_seal_common_name("Stadt Düren")
    assert subject["organization_name"] == "Stadt Düren"
    assert pdf_seal_validate(pdf=sealed_dueren, municipality=dueren).ok

    sealed_guetersloh = receipt_of(guetersloh)
    assert signer_subject(sealed_guetersloh)["organization_name"] == "Stadt Gütersloh"
    assert pdf_seal_validate(pdf=sealed_guetersloh, municipality=guetersloh).ok

    # Every other municipality falls back to the installation's seal.
    assert signer_subject(receipt_of(other))["common_name"] == SEAL_NAME

    # Loading the demo again keeps the seals (nothing changed, nothing re-issued).
    again = demo_load()
    assert "seal" not in again.created and "seal" not in again.updated
    for profile in profiles.values():
        profile_now = ConfigurationProfile.objects.get(pk=profile.pk)
        assert profile_now.seal_certificate_pem == profile.seal_certificate_pem


def test_a_seal_from_another_ca_with_a_passphrase_is_trusted_through_its_own_chain(
    tmp_path, settings
):
    from rathaus.seals.demo_ca import demo_ca_create

    demo_ca_create()  # the installation's seal
    municipality = MunicipalityFactory()
    foreign = seal_for("Stadt Anderswo", tmp_path / "trust-service-provider")
    own_profile(
        municipality,
        seal_certificate_pem=foreign.certificate_pem,
        seal_chain_pem=foreign.chain_pem,
        seal_private_key=encrypted_key(foreign, "sehr-geheim"),
        seal_passphrase="sehr-geheim",
    )
    material = seal_material(municipality=municipality)
    assert not material.demo and material.source.startswith("profile:")
    pdf = receipt_of(municipality)
    assert signer_subject(pdf)["organization_name"] == "Stadt Anderswo"
    # Its chain is not the installation's: trusted only with the municipality's roots.
    assert pdf_seal_validate(pdf=pdf, municipality=municipality).ok
    plain = pdf_seal_validate(pdf=pdf)
    assert plain.intact and plain.valid and not plain.trusted


def test_a_renewed_seal_is_used_without_a_restart(tmp_path):
    from rathaus.core.actors import Actor
    from rathaus.municipalities.configuration_services import configuration_profile_update

    municipality = MunicipalityFactory()
    first, second = seal_for("Erst", tmp_path / "ca"), seal_for("Zweit", tmp_path / "ca")
    profile = own_profile(
        municipality,
        seal_certificate_pem=first.certificate_pem,
        seal_private_key=first.private_key_pem,
    )
    pdf = receipt_of(municipality)
    assert signer_subject(pdf)["organization_name"] == "Erst"
    configuration_profile_update(
        actor=Actor.system("test"),
        profile=profile,
        seal_certificate_pem=second.certificate_pem,
        seal_private_key=second.private_key_pem,
    )
    assert signer_subject(receipt_of(municipality))["organization_name"] == "Zweit"


def test_without_any_seal_the_error_stays_clear():
    municipality = MunicipalityFactory()
    with pytest.raises(SealNotConfigured, match="seal_demo_ca"):
        seal_material(municipality=municipality)


def test_trust_roots_of_a_municipality_seal_need_no_installation_seal(tmp_path, monkeypatch):
    from rathaus.municipalities import configuration
    from rathaus.seals.validation import seal_trust_roots

    municipality = MunicipalityFactory()
    own = seal_for("Stadt Eigen", tmp_path / "ca")
    own_profile(municipality, **seal_values(own))
    pdf = receipt_of(municipality)  # sealed with the municipality's seal; no installation seal
    with pytest.raises(SealNotConfigured):
        seal_trust_roots()
    # The roots are read without decrypting the seal's private key.
    monkeypatch.setattr(
        type(configuration.CONFIG_SECRET_BOX),
        "decrypt",
        lambda *_a, **_k: pytest.fail("the private key was decrypted"),
    )
    roots = seal_trust_roots(municipality=municipality)
    assert len(roots) == 1 and roots[0].subject == roots[0].issuer  # the chain's root
    assert pdf_seal_validate(pdf=pdf, municipality=municipality).ok
    monkeypatch.undo()
    with pytest.raises(SealNotConfigured):
        seal_trust_roots(municipality=MunicipalityFactory())
