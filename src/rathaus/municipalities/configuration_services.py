"""Writes of the per-municipality configuration (profiles, payment accounts, KEKs).

Every write is checked (`configuration_validation`) and audited in its transaction. Audit
details list the names of the changed fields only, never a value: certificates are public,
but keys, passphrases and payment secrets must not reach the audit trail, and listing only
names keeps one rule for all. Secrets arrive in plain text (from the admin's write-only
fields) and are stored encrypted with RATHAUS_CONFIG_ENCRYPTION_KEY (`CONFIG_SECRET_BOX`).
"""

import json
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict
from rathaus.core.model_changes import instance_create, instance_update
from rathaus.core.secret_box import SecretBoxKeyError
from rathaus.municipalities.configuration_validation import (
    fitconnect_destinations_parse,
    mail_address_validate,
    seal_validate,
)
from rathaus.municipalities.kek import CONFIG_SECRET_BOX, kek_providers
from rathaus.municipalities.models import (
    ConfigurationProfile,
    KeyEncryptionKey,
    Municipality,
    PaymentAccount,
)

# Fields of a profile a service caller may set (the secrets come as their own arguments),
# in the order the admin's form shows them.
PROFILE_FIELDS = (
    "kind",
    "name",
    "municipality",
    "seal_certificate_pem",
    "seal_chain_pem",
    "mail_from",
    "mail_reply_to",
    "fitconnect_destinations",
)
PROVIDER_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,49}$")


def _unreadable_secret_message() -> str:
    return _(
        "The stored value cannot be decrypted: RATHAUS_CONFIG_ENCRYPTION_KEY does not hold the "
        "key it was encrypted with. Install that key, or enter the value again (or remove it)."
    )


def _decrypts_to(token: str, value: str) -> bool:
    """Whether the stored `token` holds `value`; a token no key decrypts holds nothing (a new
    value replaces it)."""
    try:
        return CONFIG_SECRET_BOX.decrypt(token) == value
    except SecretBoxKeyError:
        return False


def _check_fields(data: dict[str, Any]) -> None:
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown configuration fields: {', '.join(sorted(unknown))}")


def _validate(
    profile: ConfigurationProfile, *, private_key: str | None, passphrase: str | None
) -> None:
    """Check the profile's values as they will be stored (new secrets or the stored ones);
    one ValidationError with the messages of every field that fails."""
    errors: dict[str, list[str]] = {}

    def check(run: Callable[[], object]) -> None:
        try:
            run()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)

    check(lambda: mail_address_validate(profile.mail_from, field="mail_from"))
    check(lambda: mail_address_validate(profile.mail_reply_to, field="mail_reply_to"))
    if profile.mail_reply_to.strip() and not profile.mail_from.strip():
        errors.setdefault("mail_reply_to", []).append(
            _("A reply-to address needs a sender (From); enter both.")
        )
    if profile.fitconnect_destinations is not None:

        def destinations() -> None:
            profile.fitconnect_destinations = fitconnect_destinations_parse(
                profile.fitconnect_destinations
            )

        check(destinations)

    def stored_or_given(given: str | None, token: str, field: str) -> str | None:
        if given is not None:
            return given
        try:
            return CONFIG_SECRET_BOX.decrypt(token) if token else ""
        except SecretBoxKeyError:
            errors.setdefault(field, []).append(_unreadable_secret_message())
            return None

    key = stored_or_given(private_key, profile.seal_private_key_encrypted, "seal_private_key")
    secret = stored_or_given(passphrase, profile.seal_passphrase_encrypted, "seal_passphrase")
    if key is not None and secret is not None:
        check(
            lambda: seal_validate(
                certificate_pem=profile.seal_certificate_pem,
                chain_pem=profile.seal_chain_pem,
                private_key_pem=key,
                passphrase=secret,
            )
        )
    if errors:
        raise ValidationError(errors)


def configuration_profile_validate(
    *,
    profile: ConfigurationProfile,
    seal_private_key: str | None = None,
    seal_passphrase: str | None = None,
) -> None:
    """Check `profile` (unsaved values) as the services would store it, for forms that want
    the messages at their fields: secrets None = the stored ones, "" = removed. Raises
    ValidationError keyed by field (`seal_private_key`, `seal_passphrase` for the secrets)."""
    _validate(profile, private_key=seal_private_key, passphrase=seal_passphrase)


def _apply_secrets(
    profile: ConfigurationProfile, *, private_key: str | None, passphrase: str | None
) -> list[str]:
    """Store the given secrets encrypted; None keeps, "" removes. The names changed."""
    changed = []
    if private_key is not None:
        private_key = private_key.strip()  # PEM: surrounding whitespace carries nothing
    for name, value in (("seal_private_key", private_key), ("seal_passphrase", passphrase)):
        if value is None:
            continue
        attribute = f"{name}_encrypted"
        old = getattr(profile, attribute)
        if not value and not old:
            continue
        if value and old and _decrypts_to(old, value):
            continue
        setattr(profile, attribute, CONFIG_SECRET_BOX.encrypt(value) if value else "")
        changed.append(name)
    return changed


def _kek_loss_message() -> str:
    return _(
        "Data of this municipality may be protected with the key-encryption key of %(profile)s; "
        "they would become unreadable. Keep the assignment (a municipality that gets its own "
        "key keeps reading data protected with the IT service provider's key)."
    )


def configuration_provider_change_check(
    *, municipality: Municipality, provider: ConfigurationProfile | None
) -> None:
    """Refuse moving `municipality` away from an IT service provider whose profile holds a
    key-encryption key: data keys wrapped with it are unwrapped only while the profile applies
    to the municipality (`kek_for`). Raises Conflict (field `configuration_provider`)."""
    current_id = (
        Municipality.objects.filter(pk=municipality.pk)
        .values_list("configuration_provider_id", flat=True)
        .first()
    )
    new_id = provider.pk if provider is not None else None
    if current_id is None or current_id == new_id:
        return
    if KeyEncryptionKey.objects.filter(profile_id=current_id).exists():
        old = ConfigurationProfile.objects.get(pk=current_id)
        raise Conflict(_kek_loss_message() % {"profile": old.name}, field="configuration_provider")


def configuration_profile_reassign_check(
    *, profile: ConfigurationProfile, data: dict[str, Any]
) -> None:
    """Refuse giving a profile holding a KEK another municipality or kind (its KEK would stop
    applying to the municipalities whose data it protects)."""
    stored = ConfigurationProfile.objects.get(pk=profile.pk)
    for name in ("kind", "municipality"):
        if name not in data:
            continue
        new = data[name]
        new_value = new.pk if isinstance(new, Municipality) else new
        old_value = stored.municipality_id if name == "municipality" else stored.kind
        if new_value != old_value and KeyEncryptionKey.objects.filter(profile=stored).exists():
            raise Conflict(
                _(
                    "This profile holds key-encryption keys for personal data; its kind and "
                    "municipality cannot be changed, data protected with them would become "
                    "unreadable."
                ),
                field=name,
            )


@transaction.atomic
def configuration_profile_create(
    *,
    actor: Actor,
    seal_private_key: str | None = None,
    seal_passphrase: str | None = None,
    **data: Any,
) -> ConfigurationProfile:
    """Create the configuration profile of a municipality (`kind="municipality"`,
    `municipality=`) or of an IT service provider (`kind="it_service_provider"`).

    `seal_private_key` / `seal_passphrase` are the seal's secrets in plain text (PEM, text);
    they are stored encrypted. Raises ValidationError with the field's message."""
    _check_fields(data)
    profile = ConfigurationProfile(**data)
    _apply_secrets(profile, private_key=seal_private_key, passphrase=seal_passphrase)
    _validate(profile, private_key=seal_private_key, passphrase=seal_passphrase)
    stored = instance_create(
        ConfigurationProfile,
        {
            **{f: getattr(profile, f) for f in PROFILE_FIELDS},
            "seal_private_key_encrypted": profile.seal_private_key_encrypted,
            "seal_passphrase_encrypted": profile.seal_passphrase_encrypted,
        },
    )
    filled = sorted(
        name for name in PROFILE_FIELDS if getattr(stored, name) not in (None, "", [])
    ) + [
        n
        for n, v in (("seal_private_key", seal_private_key), ("seal_passphrase", seal_passphrase))
        if v
    ]
    audit_record(
        actor=actor,
        action="municipality.configuration.create",
        obj=stored,
        municipality=stored.municipality_id,
        details={"kind": stored.kind, "name": stored.name, "fields": filled},
    )
    return stored


@transaction.atomic
def configuration_profile_update(
    *,
    actor: Actor,
    profile: ConfigurationProfile,
    seal_private_key: str | None = None,
    seal_passphrase: str | None = None,
    **data: Any,
) -> ConfigurationProfile:
    """Change a configuration profile. Secrets: None keeps the stored one, "" removes it, any
    other text replaces it. The audit lists the changed field names, no values."""
    _check_fields(data)
    profile = ConfigurationProfile.objects.select_for_update().get(pk=profile.pk)
    configuration_profile_reassign_check(profile=profile, data=data)
    secrets_changed = _apply_secrets(
        profile, private_key=seal_private_key, passphrase=seal_passphrase
    )
    for name, value in data.items():
        setattr(profile, name, value)
    _validate(profile, private_key=seal_private_key, passphrase=seal_passphrase)
    stored = ConfigurationProfile.objects.get(pk=profile.pk)
    values = {name: getattr(profile, name) for name in data}
    changes = instance_update(stored, values)
    if secrets_changed:
        stored.seal_private_key_encrypted = profile.seal_private_key_encrypted
        stored.seal_passphrase_encrypted = profile.seal_passphrase_encrypted
        stored.full_clean()
        stored.save(
            update_fields=["seal_private_key_encrypted", "seal_passphrase_encrypted", "updated_at"]
        )
    changed = sorted([*changes, *secrets_changed])
    if changed:
        audit_record(
            actor=actor,
            action="municipality.configuration.update",
            obj=stored,
            municipality=stored.municipality_id,
            details={"changed": changed},
        )
    return stored


@transaction.atomic
def configuration_profile_delete(*, actor: Actor, profile: ConfigurationProfile) -> None:
    """Delete a profile; refused while it has key-encryption keys (data wrapped with them
    would become unreadable) or serves municipalities."""
    profile = ConfigurationProfile.objects.select_for_update().get(pk=profile.pk)
    if KeyEncryptionKey.objects.filter(profile=profile).exists():
        raise Conflict(
            _(
                "This profile holds key-encryption keys for personal data and cannot be "
                "deleted; data wrapped with them would become unreadable."
            )
        )
    if Municipality.objects.filter(configuration_provider=profile).exists():
        raise Conflict(
            _("Municipalities are served by this profile; assign them another one first.")
        )
    audit_record(
        actor=actor,
        action="municipality.configuration.delete",
        obj=profile,
        municipality=profile.municipality_id,
        details={"kind": profile.kind, "name": profile.name},
    )
    profile.delete()


def _secrets_encrypt(values: list[str]) -> str:
    cleaned = [v.strip() for v in values if v.strip()]
    return CONFIG_SECRET_BOX.encrypt(json.dumps(cleaned)) if cleaned else ""


@transaction.atomic
def payment_account_set(
    *,
    actor: Actor,
    profile: ConfigurationProfile,
    provider: str,
    enabled: bool = True,
    account_id: str = "",
    secrets: list[str] | None = None,
) -> PaymentAccount:
    """Create or change the account of `profile` with the payment provider `provider`.

    `secrets`: None keeps the stored ones; a list replaces them (the first signs, all are
    accepted, so a rotation puts the new secret first and removes the old one later); an
    empty list removes them."""
    if not PROVIDER_KEY.match(provider or ""):
        raise ValidationError(
            {"provider": _("Enter the provider's key, e.g. sandbox (lower-case letters).")}
        )
    if secrets is not None and any(len(s.strip()) < 16 for s in secrets if s.strip()):
        raise ValidationError({"secrets": _("Each secret must have at least 16 characters.")})
    profile = ConfigurationProfile.objects.select_for_update().get(pk=profile.pk)
    account = PaymentAccount.objects.filter(profile=profile, provider=provider).first()
    changed: list[str] = []
    if account is None:
        account = instance_create(
            PaymentAccount,
            {
                "profile": profile,
                "provider": provider,
                "enabled": enabled,
                "account_id": account_id.strip(),
                "secrets_encrypted": _secrets_encrypt(secrets or []),
            },
        )
        changed = ["provider", "enabled", "account_id"] + (["secrets"] if secrets else [])
    else:
        changed = list(
            instance_update(account, {"enabled": enabled, "account_id": account_id.strip()})
        )
        if secrets is not None:
            new = [s.strip() for s in secrets if s.strip()]
            if not account.secrets_encrypted and not new:
                unchanged = True
            else:
                unchanged = bool(account.secrets_encrypted) and _decrypts_to(
                    account.secrets_encrypted, json.dumps(new)
                )
            if not unchanged:
                account.secrets_encrypted = _secrets_encrypt(secrets)
                account.save(update_fields=["secrets_encrypted", "updated_at"])
                changed.append("secrets")
    if changed:
        audit_record(
            actor=actor,
            action="municipality.configuration.payment_account.set",
            obj=account,
            municipality=profile.municipality_id,
            details={"profile": str(profile.pk), "provider": provider, "changed": sorted(changed)},
        )
    return account


@transaction.atomic
def payment_account_delete(*, actor: Actor, account: PaymentAccount) -> None:
    """Remove a payment account (the provider's or the installation's applies again)."""
    account = (
        PaymentAccount.objects.select_related("profile").select_for_update().get(pk=account.pk)
    )
    audit_record(
        actor=actor,
        action="municipality.configuration.payment_account.delete",
        obj=account,
        municipality=account.profile.municipality_id,
        details={"profile": str(account.profile_id), "provider": account.provider},
    )
    account.delete()


def _kek_add(
    profile: ConfigurationProfile, provider: str, *, actor: Actor, action: str
) -> KeyEncryptionKey:
    """Add the next version of `profile`'s KEK from `provider`, audited as `action`."""
    plugin = kek_providers.get(provider)
    latest = KeyEncryptionKey.objects.filter(profile=profile).order_by("-version").first()
    row = KeyEncryptionKey.objects.create(
        profile=profile,
        version=(latest.version + 1) if latest else 1,
        provider=provider,
        material=plugin.generate(),
    )
    audit_record(
        actor=actor,
        action=action,
        obj=profile,
        municipality=profile.municipality_id,
        details={"version": row.version, "provider": row.provider},
    )
    return row


@transaction.atomic
def kek_rotate(
    *, actor: Actor, profile: ConfigurationProfile, provider: str | None = None
) -> KeyEncryptionKey:
    """Add a new version of the profile's key-encryption key; it wraps all new data keys.

    Older versions keep unwrapping; `KeyEncryptionKey.rewrap` (see `kek_for`) moves a
    wrapped data key to the new version. `provider` defaults to the current version's
    provider, else RATHAUS_KEK_PROVIDER."""
    from django.conf import settings

    profile = ConfigurationProfile.objects.select_for_update().get(pk=profile.pk)
    latest = KeyEncryptionKey.objects.filter(profile=profile).order_by("-version").first()
    chosen = provider or (latest.provider if latest else settings.RATHAUS_KEK_PROVIDER)
    if chosen not in kek_providers:
        raise ValidationError({"provider": _("Unknown KEK provider %(name)s.") % {"name": chosen}})
    return _kek_add(profile, chosen, actor=actor, action="municipality.configuration.kek.rotate")


def kek_create_default(*, municipality: Municipality) -> ConfigurationProfile:
    """Give `municipality` its first key-encryption key (RATHAUS_KEK_PROVIDER), creating its
    own profile when it has none. Runs inside the caller's transaction (`kek_for`); a
    concurrent first use waits on the municipality's row and then finds the key."""
    from django.conf import settings

    Municipality.objects.select_for_update().get(pk=municipality.pk)
    profile = ConfigurationProfile.objects.filter(municipality=municipality).first()
    actor = Actor.system("kek_create_default")
    if profile is None:
        profile = instance_create(
            ConfigurationProfile,
            {
                "kind": ConfigurationProfile.Kind.MUNICIPALITY,
                "name": municipality.name,
                "municipality": municipality,
            },
        )
        audit_record(
            actor=actor,
            action="municipality.configuration.create",
            obj=profile,
            municipality=municipality.pk,
            details={"kind": profile.kind, "name": profile.name, "fields": []},
        )
    if not KeyEncryptionKey.objects.filter(profile=profile).exists():
        _kek_add(
            profile,
            settings.RATHAUS_KEK_PROVIDER,
            actor=actor,
            action="municipality.configuration.kek.create",
        )
    return profile


@transaction.atomic
def configuration_secrets_rotate(*, actor: Actor) -> int:
    """Re-encrypt every stored configuration secret with the first configured key
    (RATHAUS_CONFIG_ENCRYPTION_KEY); run after putting a new key in front. Returns how many
    values were re-encrypted; afterwards the old key can be removed."""
    count = 0
    for profile in ConfigurationProfile.objects.select_for_update().order_by("pk"):
        fields = []
        for attribute in ("seal_private_key_encrypted", "seal_passphrase_encrypted"):
            token = getattr(profile, attribute)
            if token and CONFIG_SECRET_BOX.needs_rotation(token):
                setattr(profile, attribute, CONFIG_SECRET_BOX.rotate(token))
                fields.append(attribute)
        if fields:
            profile.save(update_fields=[*fields, "updated_at"])
            count += len(fields)
    for account in PaymentAccount.objects.select_for_update().order_by("pk"):
        if account.secrets_encrypted and CONFIG_SECRET_BOX.needs_rotation(
            account.secrets_encrypted
        ):
            account.secrets_encrypted = CONFIG_SECRET_BOX.rotate(account.secrets_encrypted)
            account.save(update_fields=["secrets_encrypted", "updated_at"])
            count += 1
    for kek in KeyEncryptionKey.objects.select_for_update().order_by("pk"):
        material = kek_providers.get(kek.provider).rewrap_material(kek.material)
        if material != kek.material:
            kek.material = material
            kek.save(update_fields=["material", "updated_at"])
            count += 1
    audit_record(
        actor=actor,
        action="municipality.configuration.secrets.rotate",
        details={"reencrypted": count},
    )
    return count
