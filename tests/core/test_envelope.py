"""Envelope encryption: a data key per record wrapped by the municipality's KEK; content bound
to its record and field; KEK rotation re-wraps the data key, the content stays as it is."""

import pytest
from cryptography.fernet import Fernet

from rathaus.core.actors import Actor
from rathaus.core.envelope import DataKey, EnvelopeError, aad_for
from rathaus.municipalities.configuration import kek_for
from rathaus.municipalities.configuration_services import kek_rotate
from rathaus.municipalities.kek import KekError
from rathaus.municipalities.models import ConfigurationProfile
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

ACTOR = Actor.system("tests")


@pytest.fixture(autouse=True)
def _config_key(settings):
    """The configuration key that encrypts the local KEKs at rest."""
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]


def test_content_round_trips_and_is_not_stored_in_the_clear():
    kek = kek_for(municipality=MunicipalityFactory())
    key = DataKey.new(kek)
    aad = aad_for("message", "1", "body")
    sealed = key.encrypt_text("Sehr geehrte Frau Müller", aad=aad)
    assert b"M\xc3\xbcller" not in sealed and key.key not in sealed
    assert key.key.hex() not in key.wrapped and "Müller" not in repr(key)
    again = DataKey.unwrapped(kek, key.wrapped)
    assert again.decrypt_text(sealed, aad=aad) == "Sehr geehrte Frau Müller"
    assert key.encrypt_text("x", aad=aad) != key.encrypt_text("x", aad=aad)  # fresh nonce


def test_a_value_moved_to_another_record_or_field_or_changed_does_not_decrypt():
    key = DataKey.new(kek_for(municipality=MunicipalityFactory()))
    sealed = key.encrypt(b"Bescheid", aad=aad_for("message", "1", "body"))
    with pytest.raises(EnvelopeError):
        key.decrypt(sealed, aad=aad_for("message", "2", "body"))
    with pytest.raises(EnvelopeError):
        key.decrypt(sealed, aad=aad_for("message", "1", "subject"))
    damaged = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(EnvelopeError):
        key.decrypt(damaged, aad=aad_for("message", "1", "body"))
    with pytest.raises(EnvelopeError):
        key.decrypt(b"\x02" + sealed[1:], aad=aad_for("message", "1", "body"))


def test_another_municipalitys_kek_cannot_unwrap():
    key = DataKey.new(kek_for(municipality=MunicipalityFactory()))
    with pytest.raises(KekError):
        DataKey.unwrapped(kek_for(municipality=MunicipalityFactory()), key.wrapped)


def test_rotation_rewraps_the_data_key_and_the_content_still_decrypts():
    municipality = MunicipalityFactory()
    kek = kek_for(municipality=municipality)
    key = DataKey.new(kek)
    sealed = key.encrypt(b"Inhalt", aad=b"a")
    kek_rotate(profile=ConfigurationProfile.objects.get(pk=kek.profile_id), actor=ACTOR)
    rotated = kek_for(municipality=municipality)
    assert rotated.needs_rewrap(key.wrapped)
    rewrapped = rotated.rewrap(key.wrapped)
    assert rewrapped != key.wrapped
    assert DataKey.unwrapped(rotated, rewrapped).decrypt(sealed, aad=b"a") == b"Inhalt"
