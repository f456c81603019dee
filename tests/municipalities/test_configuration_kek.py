"""Key-encryption keys for personal data: per municipality, wrap/unwrap, rotation."""

import os

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from rathaus.core.errors import Conflict
from rathaus.core.models import AuditEvent
from rathaus.municipalities.configuration import kek_for
from rathaus.municipalities.configuration_services import (
    configuration_profile_delete,
    configuration_profile_update,
    configuration_secrets_rotate,
    kek_rotate,
)
from rathaus.municipalities.kek import KekError, KekProvider, kek_providers
from rathaus.municipalities.models import ConfigurationProfile, KeyEncryptionKey
from rathaus.municipalities.services import municipality_update
from tests.factories import MunicipalityFactory
from tests.municipalities.configuration_data import ACTOR, own_profile, provider_profile, serve

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture(autouse=True)
def _local_kek(settings, config_key):
    settings.RATHAUS_KEK_PROVIDER = "local"


def test_each_municipality_gets_its_own_kek_on_first_use():
    dueren, guetersloh = MunicipalityFactory(), MunicipalityFactory()
    data_key = os.urandom(32)
    wrapped = kek_for(municipality=dueren).wrap(data_key)
    assert wrapped.startswith("kek1.") and data_key.hex() not in wrapped
    assert kek_for(municipality=dueren).unwrap(wrapped) == data_key  # stored, not regenerated
    assert KeyEncryptionKey.objects.count() == 1
    profile = ConfigurationProfile.objects.get(municipality=dueren)
    assert profile.kind == ConfigurationProfile.Kind.MUNICIPALITY
    assert AuditEvent.objects.filter(
        action="municipality.configuration.kek.create", municipality_id=dueren.pk
    ).exists()
    # Another municipality's KEK refuses it, with a clear message.
    with pytest.raises(KekError, match="another municipality"):
        kek_for(municipality=guetersloh).unwrap(wrapped)
    assert kek_for(municipality=guetersloh).key_id != kek_for(municipality=dueren).key_id


def test_the_kek_is_stored_encrypted_with_the_installation_key(settings, config_key):
    municipality = MunicipalityFactory()
    kek_for(municipality=municipality)
    row = KeyEncryptionKey.objects.get()
    raw_key = Fernet(config_key.encode()).decrypt(row.material.encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT material FROM municipalities_keyencryptionkey")
        (stored,) = cursor.fetchone()
    assert raw_key.decode() not in stored
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(Exception, match="RATHAUS_CONFIG_ENCRYPTION_KEY"):
        kek_for(municipality=municipality).wrap(os.urandom(32))


def test_rotation_wraps_with_the_new_version_and_rewraps_old_data_keys():
    municipality = MunicipalityFactory()
    data_key = os.urandom(32)
    old = kek_for(municipality=municipality).wrap(data_key)
    profile = ConfigurationProfile.objects.get(municipality=municipality)
    row = kek_rotate(actor=ACTOR, profile=profile)
    assert row.version == 2
    kek = kek_for(municipality=municipality)
    assert kek.current_version == 2
    assert kek.needs_rewrap(old)
    assert kek.unwrap(old) == data_key  # the old version still unwraps
    new = kek.rewrap(old)
    assert new.split(".")[2] == "2" and not kek.needs_rewrap(new)
    assert kek.unwrap(new) == data_key
    assert kek.rewrap(new) == new
    event = AuditEvent.objects.get(action="municipality.configuration.kek.rotate")
    assert event.details == {"version": 2, "provider": "local"}
    # A retired version (row removed once nothing uses it) no longer unwraps.
    KeyEncryptionKey.objects.filter(profile=profile, version=1).delete()
    with pytest.raises(KekError, match="version 1 is unknown"):
        kek_for(municipality=municipality).unwrap(old)


def test_damaged_or_foreign_values_are_refused():
    kek = kek_for(municipality=MunicipalityFactory())
    wrapped = kek.wrap(os.urandom(32))
    prefix, profile_id, version, body = wrapped.split(".")
    flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
    with pytest.raises(KekError, match="not wrapped with this"):
        kek.unwrap(".".join([prefix, profile_id, version, flipped]))
    with pytest.raises(KekError, match="not a wrapped data key"):
        kek.unwrap("plain")
    with pytest.raises(KekError, match="at least 16 bytes"):
        kek.wrap(b"short")


def test_an_it_service_providers_kek_serves_its_municipalities():
    provider = provider_profile()
    kek_rotate(actor=ACTOR, profile=provider)  # the provider's first KEK
    served_a, served_b = MunicipalityFactory(), MunicipalityFactory()
    serve(served_a, provider)
    serve(served_b, provider)
    wrapped = kek_for(municipality=served_a).wrap(os.urandom(16))
    assert kek_for(municipality=served_b).unwrap(wrapped)
    assert not ConfigurationProfile.objects.filter(municipality=served_a).exists()


def test_installation_key_rotation_reencrypts_kek_material(settings, config_key):
    municipality = MunicipalityFactory()
    data_key = os.urandom(32)
    wrapped = kek_for(municipality=municipality).wrap(data_key)
    new_key = Fernet.generate_key().decode()
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = [new_key, config_key]
    assert configuration_secrets_rotate(actor=ACTOR) == 1
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = [new_key]
    assert kek_for(municipality=municipality).unwrap(wrapped) == data_key


class ReversedTestProvider(KekProvider):
    """A stand-in for an HSM provider: the material is a key label, not a key."""

    key = "test_reversed"

    def generate(self) -> str:
        return "label-1"

    def wrap(self, material: str, data_key: bytes) -> bytes:
        return material.encode() + b":" + data_key[::-1]

    def unwrap(self, material: str, wrapped: bytes) -> bytes:
        label, _, body = wrapped.partition(b":")
        if label != material.encode():
            raise KekError("foreign label")
        return body[::-1]


def test_kek_providers_are_a_plugin_point(settings):
    if "test_reversed" not in kek_providers:
        kek_providers.register("test_reversed")(ReversedTestProvider())
    settings.RATHAUS_KEK_PROVIDER = "test_reversed"
    municipality = MunicipalityFactory()
    kek = kek_for(municipality=municipality)
    assert KeyEncryptionKey.objects.get().provider == "test_reversed"
    assert kek.unwrap(kek.wrap(b"0123456789abcdef")) == b"0123456789abcdef"
    # Rotation to the local provider keeps unwrapping what the old provider wrapped.
    wrapped = kek.wrap(b"fedcba9876543210")
    kek_rotate(
        actor=ACTOR,
        profile=ConfigurationProfile.objects.get(municipality=municipality),
        provider="local",
    )
    rotated = kek_for(municipality=municipality)
    assert rotated.versions[0].provider == "local"
    assert rotated.unwrap(rotated.rewrap(wrapped)) == b"fedcba9876543210"


def test_data_wrapped_with_the_providers_kek_stay_readable_after_an_own_kek():
    provider = provider_profile()
    kek_rotate(actor=ACTOR, profile=provider)
    municipality = MunicipalityFactory()
    serve(municipality, provider)
    data_key = os.urandom(32)
    wrapped = kek_for(municipality=municipality).wrap(data_key)
    assert wrapped.split(".")[1] == str(provider.pk)
    # The municipality gets its own KEK: new wraps use it, old values still unwrap.
    own = own_profile(municipality)
    kek_rotate(actor=ACTOR, profile=own)
    kek = kek_for(municipality=municipality)
    assert kek.unwrap(wrapped) == data_key
    fresh = kek.wrap(data_key)
    assert fresh.split(".")[1] == str(own.pk)
    assert kek.needs_rewrap(wrapped) and not kek.needs_rewrap(fresh)
    moved = kek.rewrap(wrapped)
    assert moved.split(".")[1] == str(own.pk) and kek.unwrap(moved) == data_key
    # Still no other municipality reads it.
    with pytest.raises(KekError, match="another municipality"):
        kek_for(municipality=MunicipalityFactory()).unwrap(wrapped)


def test_a_kek_that_protects_data_cannot_be_taken_away():
    provider = provider_profile()
    kek_rotate(actor=ACTOR, profile=provider)
    other = provider_profile("Anderes Rechenzentrum")
    municipality = MunicipalityFactory()
    municipality_update(actor=ACTOR, municipality=municipality, configuration_provider=provider)
    with pytest.raises(Conflict, match="would become unreadable") as caught:
        municipality_update(actor=ACTOR, municipality=municipality, configuration_provider=other)
    assert caught.value.field == "configuration_provider"
    with pytest.raises(Conflict, match="would become unreadable"):
        municipality_update(actor=ACTOR, municipality=municipality, configuration_provider=None)
    municipality.refresh_from_db()
    assert municipality.configuration_provider == provider
    # Nor can the profile be deleted or given to a municipality.
    with pytest.raises(Conflict, match="cannot be deleted"):
        configuration_profile_delete(actor=ACTOR, profile=provider)
    with pytest.raises(Conflict, match="cannot be changed"):
        configuration_profile_update(
            actor=ACTOR, profile=provider, kind="municipality", municipality=municipality
        )
    # A provider without a KEK can be changed freely.
    municipality_update(
        actor=ACTOR, municipality=MunicipalityFactory(), configuration_provider=other
    )
