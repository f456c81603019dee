"""Per-municipality configuration: resolution order, secrets at rest, validation, audit."""

import json
import uuid
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.db import connection

from rathaus.core.errors import Conflict
from rathaus.core.models import AuditEvent
from rathaus.core.secret_box import SecretBoxKeyError
from rathaus.municipalities.configuration import (
    configuration_profiles_for,
    fitconnect_destinations_for,
    mail_sender_for,
    payment_account_for,
    payment_secrets_decrypt,
    seal_configuration_for,
)
from rathaus.municipalities.configuration_services import (
    configuration_profile_delete,
    configuration_profile_update,
    configuration_secrets_rotate,
    payment_account_set,
)
from rathaus.municipalities.configuration_validation import fitconnect_destinations_parse
from rathaus.municipalities.models import ConfigurationProfile, PaymentAccount
from tests.factories import MunicipalityFactory
from tests.municipalities.configuration_data import (
    ACTOR,
    encrypted_key,
    own_profile,
    provider_profile,
    seal_for,
    seal_values,
    serve,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

DESTINATION = {
    "destination_id": "d5f7e3a1-6b1c-4c61-9c3f-2d9a3e8c0b11",
    "url": "https://submission-api.example/v1/submissions",
    "key_file": "/etc/rathaus/fitconnect/dest.jwk.json",
    "service": "hundesteuer",
}


@pytest.fixture(autouse=True)
def _installation(settings, config_key):
    settings.DEFAULT_FROM_EMAIL = "rathaus <noreply@installation.example>"
    settings.RATHAUS_FITCONNECT_DESTINATIONS = "[]"


@pytest.fixture
def seals(tmp_path):
    return {
        "dueren": seal_for("Stadt Düren", tmp_path / "ca"),
        "guetersloh": seal_for("Stadt Gütersloh", tmp_path / "ca"),
        "provider": seal_for("KRZ", tmp_path / "ca"),
    }


def raw_row(table: str, pk: uuid.UUID) -> str:
    """The row as the database stores it, all columns as text (no ORM decoding)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {table} WHERE id = %s",
            [pk.hex if connection.vendor == "sqlite" else pk],
        )
        row = cursor.fetchone()
    assert row is not None
    return " ".join(str(value) for value in row)


def test_resolution_is_own_profile_then_provider_then_installation(seals):
    own, served, alone = MunicipalityFactory(), MunicipalityFactory(), MunicipalityFactory()
    provider = provider_profile(
        **seal_values(seals["provider"]),
        mail_from="KRZ <noreply@krz.example>",
        fitconnect_destinations=[DESTINATION],
    )
    serve(own, provider)
    serve(served, provider)
    own_profile(own, **seal_values(seals["dueren"]), mail_from="Stadt Düren <post@dueren.example>")

    assert [p.pk for p in configuration_profiles_for(municipality=own)][1] == provider.pk
    # Seal: own → provider → installation (None).
    assert seal_configuration_for(municipality=own).certificate_pem.decode() == (
        seals["dueren"].certificate_pem.strip()
    )
    assert seal_configuration_for(municipality=served).profile_id == provider.pk
    assert seal_configuration_for(municipality=alone) is None
    # Mail sender: own → provider → DEFAULT_FROM_EMAIL.
    assert mail_sender_for(municipality=own).from_email == "Stadt Düren <post@dueren.example>"
    assert mail_sender_for(municipality=served).from_email == "KRZ <noreply@krz.example>"
    assert mail_sender_for(municipality=alone).from_email == (
        "rathaus <noreply@installation.example>"
    )
    # FIT-Connect: the own profile sets none (null) → the provider's list; [] means "none".
    assert fitconnect_destinations_for(municipality=own) == [DESTINATION]
    assert fitconnect_destinations_for(municipality=alone) == []
    configuration_profile_update(
        actor=ACTOR,
        profile=ConfigurationProfile.objects.get(municipality=own),
        fitconnect_destinations=[],
    )
    assert fitconnect_destinations_for(municipality=own) == []
    assert fitconnect_destinations_for(municipality=served) == [DESTINATION]


def test_payment_accounts_resolve_per_provider(seals):
    own, served, alone = MunicipalityFactory(), MunicipalityFactory(), MunicipalityFactory()
    provider = provider_profile()
    serve(own, provider)
    serve(served, provider)
    payment_account_set(
        actor=ACTOR,
        profile=provider,
        provider="sandbox",
        account_id="KRZ-1",
        secrets=["provider-secret-0123456789"],
    )
    payment_account_set(
        actor=ACTOR,
        profile=own_profile(own),
        provider="sandbox",
        account_id="DN-7",
        secrets=["new-secret-0123456789", "old-secret-0123456789"],
    )
    account = payment_account_for(municipality=own, provider="sandbox")
    assert account.account_id == "DN-7"
    assert account.secrets == (b"new-secret-0123456789", b"old-secret-0123456789")
    assert payment_account_for(municipality=served, provider="sandbox").account_id == "KRZ-1"
    assert payment_account_for(municipality=alone, provider="sandbox") is None
    assert payment_account_for(municipality=own, provider="invoice") is None


def test_secrets_are_not_stored_in_plain_text(seals):
    municipality = MunicipalityFactory()
    passphrase = "geheime-passphrase-42"
    profile = own_profile(
        municipality,
        seal_certificate_pem=seals["dueren"].certificate_pem,
        seal_chain_pem=seals["dueren"].chain_pem,
        seal_private_key=encrypted_key(seals["dueren"], passphrase),
        seal_passphrase=passphrase,
    )
    account = payment_account_set(
        actor=ACTOR, profile=profile, provider="sandbox", secrets=["webhook-secret-0123456789"]
    )
    row = raw_row("municipalities_configurationprofile", profile.pk)
    assert "PRIVATE KEY" not in row and passphrase not in row
    assert "BEGIN CERTIFICATE" in row  # the certificate is public and stays readable
    assert "webhook-secret" not in raw_row("municipalities_paymentaccount", account.pk)
    # ...and still usable through the resolution.
    configured = seal_configuration_for(municipality=municipality)
    assert b"ENCRYPTED PRIVATE KEY" in configured.private_key_pem
    assert configured.passphrase == passphrase


def test_a_wrong_installation_key_is_a_clear_error(settings, seals):
    municipality = MunicipalityFactory()
    own_profile(municipality, **seal_values(seals["dueren"]))
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(SecretBoxKeyError, match="RATHAUS_CONFIG_ENCRYPTION_KEY"):
        seal_configuration_for(municipality=municipality)
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured, match="RATHAUS_CONFIG_ENCRYPTION_KEY must be"):
        seal_configuration_for(municipality=municipality)


def test_rotating_the_installation_key_reencrypts_every_secret(settings, config_key, seals):
    municipality = MunicipalityFactory()
    profile = own_profile(municipality, **seal_values(seals["dueren"]))
    payment_account_set(
        actor=ACTOR, profile=profile, provider="sandbox", secrets=["webhook-secret-0123456789"]
    )
    new_key = Fernet.generate_key().decode()
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = [new_key, config_key]
    assert seal_configuration_for(municipality=municipality) is not None  # old key still reads
    output = StringIO()
    call_command("configuration_secrets_rotate", stdout=output)  # what operators run
    assert "Re-encrypted 2 secret(s)" in output.getvalue()
    assert configuration_secrets_rotate(actor=ACTOR) == 0  # nothing left on the old key
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = [new_key]  # the old key can go
    assert seal_configuration_for(municipality=municipality).private_key_pem.startswith(
        b"-----BEGIN PRIVATE KEY-----"
    )
    account = payment_account_for(municipality=municipality, provider="sandbox")
    assert account.secrets == (b"webhook-secret-0123456789",)
    events = AuditEvent.objects.filter(action="municipality.configuration.secrets.rotate")
    assert sorted(e.details["reencrypted"] for e in events) == [0, 2]
    assert {e.actor_id for e in events} == {"configuration_secrets_rotate", ACTOR.id}


def test_without_a_configured_key_one_is_created_in_a_private_file(settings, tmp_path, seals):
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = []
    settings.RATHAUS_CONFIG_ENCRYPTION_KEY_FILE = str(tmp_path / "config.key")
    municipality = MunicipalityFactory()
    own_profile(municipality, **seal_values(seals["dueren"]))
    key_file = tmp_path / "config.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    token = ConfigurationProfile.objects.get().seal_private_key_encrypted
    assert (
        Fernet(key_file.read_text().strip().encode())
        .decrypt(token.encode())
        .startswith(b"-----BEGIN PRIVATE KEY-----")
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"seal_private_key": "guetersloh"}, "seal_private_key", "does not belong to the seal"),
        ({"seal_certificate_pem": "not a pem"}, "seal_certificate_pem", "not a PEM certificate"),
        ({"seal_private_key": "garbage"}, "seal_private_key", "not a PEM private key"),
        ({"seal_chain_pem": "other-ca"}, "seal_chain_pem", "does not contain the certificate"),
        ({"seal_certificate_pem": ""}, "seal_certificate_pem", "Enter the seal certificate"),
        ({"seal_private_key": "encrypted"}, "seal_passphrase", "protected: enter its passphrase"),
        (
            {"seal_private_key": "encrypted", "seal_passphrase": "wrong-passphrase"},
            "seal_passphrase",
            "does not open",
        ),
        ({"mail_from": "no address"}, "mail_from", "Enter one e-mail address"),
        ({"mail_from": "", "mail_reply_to": "a@b.de"}, "mail_reply_to", "needs a sender"),
        ({"fitconnect_destinations": {"a": 1}}, "fitconnect_destinations", "JSON list"),
        (
            {"fitconnect_destinations": [{**DESTINATION, "destination_id": "x"}]},
            "fitconnect_destinations",
            "Destination 1: destination_id must be the UUID",
        ),
        (
            {"fitconnect_destinations": [{**DESTINATION, "office": str(uuid.uuid4())}]},
            "fitconnect_destinations",
            "exactly one of office",
        ),
    ],
)
def test_invalid_values_are_refused_with_a_message_at_the_field(
    seals, tmp_path, change, field, message
):
    municipality = MunicipalityFactory()
    values = {**seal_values(seals["dueren"]), "mail_from": "Stadt <post@stadt.example>"}
    replacements = {
        "guetersloh": seals["guetersloh"].private_key_pem,
        # Another CA of the same name: only the signature tells them apart.
        "other-ca": seal_for("Elsewhere", tmp_path / "other-ca").chain_pem,
        "encrypted": encrypted_key(seals["dueren"], "right-passphrase"),
    }
    resolved = {k: replacements.get(v, v) if isinstance(v, str) else v for k, v in change.items()}
    with pytest.raises(ValidationError) as info:
        own_profile(municipality, **{**values, **resolved})
    assert field in info.value.message_dict
    assert message in " ".join(info.value.message_dict[field])
    assert not ConfigurationProfile.objects.exists()


def test_the_installation_setting_is_parsed_by_the_same_rules():
    assert fitconnect_destinations_parse(json.dumps([DESTINATION])) == [DESTINATION]
    with pytest.raises(ValidationError, match="url must be the absolute"):
        fitconnect_destinations_parse([{**DESTINATION, "url": "ftp://x"}])
    with pytest.raises(ValidationError, match="not valid JSON"):
        fitconnect_destinations_parse("[{")


def test_changes_are_audited_with_field_names_never_values(seals):
    municipality = MunicipalityFactory()
    profile = own_profile(municipality, **seal_values(seals["dueren"]))
    created = AuditEvent.objects.get(action="municipality.configuration.create")
    assert created.municipality_id == municipality.pk
    assert "seal_private_key" in created.details["fields"]

    configuration_profile_update(
        actor=ACTOR,
        profile=profile,
        seal_certificate_pem=seals["guetersloh"].certificate_pem,
        seal_private_key=seals["guetersloh"].private_key_pem,
        mail_from="Stadt <post@stadt.example>",
    )
    event = AuditEvent.objects.get(action="municipality.configuration.update")
    assert event.details == {"changed": ["mail_from", "seal_certificate_pem", "seal_private_key"]}
    assert event.municipality_id == municipality.pk
    # Keeping the secret (None) or giving the same one again records no change of it.
    configuration_profile_update(
        actor=ACTOR, profile=profile, seal_private_key=seals["guetersloh"].private_key_pem
    )
    assert AuditEvent.objects.filter(action="municipality.configuration.update").count() == 1
    payment_account_set(
        actor=ACTOR, profile=profile, provider="sandbox", secrets=["webhook-secret-0123456789"]
    )
    payment_account_set(
        actor=ACTOR, profile=profile, provider="sandbox", secrets=["rotated-secret-0123456789"]
    )
    events = AuditEvent.objects.filter(action="municipality.configuration.payment_account.set")
    assert [e.details["changed"] for e in events.order_by("occurred_at")] == [
        ["account_id", "enabled", "provider", "secrets"],
        ["secrets"],
    ]
    everything = json.dumps([e.details for e in AuditEvent.objects.all()])
    assert "PRIVATE KEY" not in everything
    assert "BEGIN CERTIFICATE" not in everything
    assert "secret-0123456789" not in everything


def test_a_profile_with_keks_or_served_municipalities_is_not_deleted(seals):
    from rathaus.municipalities.configuration import kek_for

    provider = provider_profile()
    served = MunicipalityFactory()
    serve(served, provider)
    with pytest.raises(Conflict, match="Municipalities are served"):
        configuration_profile_delete(actor=ACTOR, profile=provider)
    municipality = MunicipalityFactory()
    kek_for(municipality=municipality)
    with pytest.raises(Conflict, match="key-encryption keys"):
        configuration_profile_delete(
            actor=ACTOR, profile=ConfigurationProfile.objects.get(municipality=municipality)
        )
    lonely = own_profile(MunicipalityFactory())
    configuration_profile_delete(actor=ACTOR, profile=lonely)
    assert not ConfigurationProfile.objects.filter(pk=lonely.pk).exists()
    assert AuditEvent.objects.filter(action="municipality.configuration.delete").count() == 1


def test_a_payment_account_needs_a_provider_key_and_long_secrets():
    profile = own_profile(MunicipalityFactory())
    with pytest.raises(ValidationError, match="provider's key"):
        payment_account_set(actor=ACTOR, profile=profile, provider="Sand Box")
    with pytest.raises(ValidationError, match="at least 16 characters"):
        payment_account_set(actor=ACTOR, profile=profile, provider="sandbox", secrets=["short"])
    assert not PaymentAccount.objects.exists()


@pytest.mark.parametrize("member", ["d", "p", "q", "dp", "dq", "qi", "k"])
def test_a_destination_key_with_private_members_is_refused(member):
    public = {"kty": "RSA", "n": "sXch", "e": "AQAB", "use": "enc", "alg": "RSA-OAEP-256"}
    entry = {key: value for key, value in DESTINATION.items() if key != "key_file"}
    assert fitconnect_destinations_parse([{**entry, "key": public}])[0]["key"] == public
    with pytest.raises(ValidationError) as caught:
        fitconnect_destinations_parse([{**entry, "key": {**public, member: "c2VjcmV0"}}])
    message = " ".join(caught.value.message_dict["fitconnect_destinations"])
    assert "public key" in message and member in message


def test_payment_secrets_the_key_does_not_decrypt_can_be_replaced(settings):
    profile = own_profile(MunicipalityFactory())
    payment_account_set(actor=ACTOR, profile=profile, provider="sandbox", secrets=["a" * 20])
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    account = payment_account_set(
        actor=ACTOR, profile=profile, provider="sandbox", secrets=["b" * 20]
    )
    assert payment_secrets_decrypt(account.secrets_encrypted) == (b"b" * 20,)
