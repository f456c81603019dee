"""Which configuration applies to a municipality: reads for the consumers.

A municipality may have its own configuration profile, and it may be served by an IT service
provider whose profile covers several municipalities (`Municipality.configuration_provider`).
Every value is resolved in this order:

1. the municipality's own profile,
2. its IT service provider's profile,
3. the installation's settings (RATHAUS_SEAL_*, RATHAUS_PAYMENT_*,
   RATHAUS_FITCONNECT_DESTINATIONS, DEFAULT_FROM_EMAIL, RATHAUS_KEK_PROVIDER).

Values that only make sense together are resolved as one group: the seal (certificate, chain,
key, passphrase), the mail sender (From with its Reply-To), one payment provider's account.
A function here returns None where the installation setting applies; the consumer (seals,
payments, FIT-Connect) then reads its setting as before, so an installation without profiles
behaves exactly as before.

Secrets are decrypted here, on use, with RATHAUS_CONFIG_ENCRYPTION_KEY; a wrong key raises
`SecretBoxKeyError` (ImproperlyConfigured) naming the setting.
"""

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from rathaus.municipalities.configuration_validation import fitconnect_destinations_parse
from rathaus.municipalities.kek import (
    CONFIG_SECRET_BOX,
    KekVersion,
    KeyEncryptionKey,
    kek_providers,
)
from rathaus.municipalities.models import (
    ConfigurationProfile,
    Municipality,
    PaymentAccount,
)
from rathaus.municipalities.models import (
    KeyEncryptionKey as KeyEncryptionKeyRow,
)


@dataclass(frozen=True)
class SealConfiguration:
    """A seal configured in a profile, decrypted for signing."""

    profile_id: UUID
    profile_name: str
    certificate_pem: bytes
    chain_pem: bytes
    private_key_pem: bytes
    passphrase: str
    updated_at_ns: int  # changes when the seal is replaced (cache key)


@dataclass(frozen=True)
class PaymentAccountConfiguration:
    """The account with one payment provider; `secrets` newest first (all are accepted,
    the first signs)."""

    provider: str
    enabled: bool
    account_id: str
    secrets: tuple[bytes, ...]
    profile_id: UUID


@dataclass(frozen=True)
class MailSender:
    from_email: str
    reply_to: tuple[str, ...] = ()


def _municipality_id(municipality: Municipality | UUID | str) -> Any:
    return municipality.pk if isinstance(municipality, Municipality) else municipality


def configuration_profiles_for(
    *, municipality: Municipality | UUID | str
) -> list[ConfigurationProfile]:
    """The profiles that apply to `municipality`, in resolution order: its own, then its IT
    service provider's (one query)."""
    municipality_id = _municipality_id(municipality)
    provider_ids = Municipality.objects.filter(pk=municipality_id).values(
        "configuration_provider_id"
    )
    profiles = list(
        ConfigurationProfile.objects.filter(
            Q(municipality_id=municipality_id) | Q(pk__in=provider_ids)
        )
    )
    profiles.sort(key=lambda p: 0 if p.kind == ConfigurationProfile.Kind.MUNICIPALITY else 1)
    return profiles


def _seal_profile(municipality: Municipality | UUID | str) -> ConfigurationProfile | None:
    for profile in configuration_profiles_for(municipality=municipality):
        if profile.has_seal and profile.seal_private_key_encrypted:
            return profile
    return None


def seal_certificates_for(*, municipality: Municipality | UUID | str) -> tuple[bytes, bytes] | None:
    """The certificate and chain (PEM) of the seal configured for `municipality`, without
    decrypting its key (for validators); None: the installation's seal applies."""
    profile = _seal_profile(municipality)
    if profile is None:
        return None
    return (
        profile.seal_certificate_pem.strip().encode("ascii"),
        profile.seal_chain_pem.strip().encode("ascii"),
    )


def seal_configuration_for(*, municipality: Municipality | UUID | str) -> SealConfiguration | None:
    """The seal that seals documents of `municipality`; None: the installation's seal."""
    profile = _seal_profile(municipality)
    if profile is None:
        return None
    return SealConfiguration(
        profile_id=profile.pk,
        profile_name=profile.name,
        certificate_pem=profile.seal_certificate_pem.strip().encode("ascii"),
        chain_pem=profile.seal_chain_pem.strip().encode("ascii"),
        private_key_pem=CONFIG_SECRET_BOX.decrypt(profile.seal_private_key_encrypted).encode(
            "ascii"
        ),
        passphrase=CONFIG_SECRET_BOX.decrypt(profile.seal_passphrase_encrypted)
        if profile.seal_passphrase_encrypted
        else "",
        updated_at_ns=int(profile.updated_at.timestamp() * 1_000_000_000),
    )


def payment_secrets_decrypt(token: str) -> tuple[bytes, ...]:
    """The secrets list stored in `PaymentAccount.secrets_encrypted`."""
    if not token:
        return ()
    values = json.loads(CONFIG_SECRET_BOX.decrypt(token))
    return tuple(str(v).encode("utf-8") for v in values)


def payment_account_for(
    *, municipality: Municipality | UUID | str, provider: str
) -> PaymentAccountConfiguration | None:
    """The account of `municipality` with `provider` (own profile, then the IT service
    provider's); None: the installation's configuration of the provider applies."""
    profiles = configuration_profiles_for(municipality=municipality)
    if not profiles:
        return None
    accounts = {
        (a.profile_id, a.provider): a
        for a in PaymentAccount.objects.filter(
            profile__in=[p.pk for p in profiles], provider=provider
        )
    }
    for profile in profiles:
        account = accounts.get((profile.pk, provider))
        if account is not None:
            return PaymentAccountConfiguration(
                provider=provider,
                enabled=account.enabled,
                account_id=account.account_id,
                secrets=payment_secrets_decrypt(account.secrets_encrypted),
                profile_id=profile.pk,
            )
    return None


def payment_providers_switched_off(*, municipality: Municipality | UUID | str) -> frozenset[str]:
    """The payment providers that `municipality`'s accounts switch off (its own profile's
    account decides, else its IT service provider's), in one query and without decrypting
    any secret: what the fee page asks for every provider on every request."""
    municipality_id = _municipality_id(municipality)
    provider_ids = Municipality.objects.filter(pk=municipality_id).values(
        "configuration_provider_id"
    )
    rows = PaymentAccount.objects.filter(
        Q(profile__municipality_id=municipality_id) | Q(profile__in=provider_ids)
    ).values_list("provider", "enabled", "profile__kind")
    own = ConfigurationProfile.Kind.MUNICIPALITY
    decided: dict[str, bool] = {}
    for provider, enabled, _kind in sorted(rows, key=lambda row: 0 if row[2] == own else 1):
        decided.setdefault(provider, enabled)
    return frozenset(provider for provider, enabled in decided.items() if not enabled)


def fitconnect_destinations_for(*, municipality: Municipality | UUID | str) -> list[dict[str, Any]]:
    """The FIT-Connect destinations for submissions of `municipality` (own, provider's, else
    RATHAUS_FITCONNECT_DESTINATIONS), parsed and checked."""
    for profile in configuration_profiles_for(municipality=municipality):
        if profile.fitconnect_destinations is not None:
            return fitconnect_destinations_parse(profile.fitconnect_destinations)
    return fitconnect_destinations_parse(settings.RATHAUS_FITCONNECT_DESTINATIONS)


def mail_sender_for(*, municipality: Municipality | UUID | str | None) -> MailSender:
    """From and Reply-To of mails about `municipality` (own, provider's, else
    DEFAULT_FROM_EMAIL without Reply-To)."""
    if municipality is not None:
        for profile in configuration_profiles_for(municipality=municipality):
            if profile.mail_from.strip():
                reply_to = (profile.mail_reply_to.strip(),) if profile.mail_reply_to else ()
                return MailSender(from_email=profile.mail_from.strip(), reply_to=reply_to)
    return MailSender(from_email=settings.DEFAULT_FROM_EMAIL)


def _kek_of(municipality: Municipality) -> KeyEncryptionKey | None:
    """The KEK versions of the profiles that apply to `municipality` (its own first, then its
    IT service provider's), newest first, in one query; None when neither has any."""
    municipality_id = _municipality_id(municipality)
    provider_ids = Municipality.objects.filter(pk=municipality_id).values(
        "configuration_provider_id"
    )
    rows = (
        KeyEncryptionKeyRow.objects.filter(
            Q(profile__municipality_id=municipality_id) | Q(profile_id__in=provider_ids)
        )
        .order_by("-version")
        .values_list("profile_id", "profile__municipality_id", "version", "provider", "material")
    )
    keks: dict[UUID, list[KekVersion]] = {}
    own: set[UUID] = set()
    for profile_id, owner_id, version, provider, material in rows:
        keks.setdefault(profile_id, []).append(
            KekVersion(version=version, provider=provider, material=material)
        )
        if owner_id is not None and str(owner_id) == str(municipality_id):
            own.add(profile_id)
    if not keks:
        return None
    current, *others = sorted(keks, key=lambda pk: 0 if pk in own else 1)
    return KeyEncryptionKey(
        profile_id=current,
        versions=tuple(keks[current]),
        also_unwraps=tuple((pk, tuple(keks[pk])) for pk in others),
    )


def kek_for(*, municipality: Municipality) -> KeyEncryptionKey:
    """The key-encryption key for personal data of `municipality`.

    Wraps with the KEK of the municipality's own profile, else its IT service provider's;
    when neither has one, a KEK of the installation's default provider (RATHAUS_KEK_PROVIDER,
    "local") is created for the municipality on first use (its own profile is created for it).

    Unwraps with the KEK named in the wrapped value, when it belongs to a profile that
    applies to the municipality now (its own or its current IT service provider's): a data
    key wrapped with the provider's KEK stays readable after the municipality got its own
    (`KeyEncryptionKey.rewrap` moves it to the own KEK).
    """
    kek = _kek_of(municipality)
    if kek is not None:
        return kek
    # Imported here: the services import this module.
    from rathaus.municipalities.configuration_services import kek_create_default

    with transaction.atomic():
        kek_create_default(municipality=municipality)
    kek = _kek_of(municipality)
    assert kek is not None
    return kek


def kek_provider_names() -> list[str]:
    """The registered KEK providers (for the admin's choices)."""
    return list(kek_providers)
