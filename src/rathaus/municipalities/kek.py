"""Key-encryption keys (KEK) for personal data: one per municipality (or IT service provider).

Personal data are encrypted with data keys (one per message or document); a data key is stored
only wrapped with the KEK of the municipality it belongs to. The KEK itself comes from a KEK
provider, a plugin point (`kek_providers`):

- ``local`` (built in, the default): a random 256-bit key generated for the profile, stored in
  the database encrypted with RATHAUS_CONFIG_ENCRYPTION_KEY (kept outside the database);
  data keys are wrapped with AES key wrap (RFC 3394).

A provider backed by an HSM or a key management service registers a `KekProvider` whose
`material` is a key reference; the private key then never reaches rathaus.

A wrapped data key is self-describing text, ``kek1.<profile id>.<version>.<base64url>``, so
that it can be unwrapped after the KEK was rotated (every version stays until nothing is
wrapped with it any more) and so that a key wrapped for another municipality is refused with
a clear error instead of failing obscurely.

Which KEK unwraps is read from the wrapped value, not from today's resolution: new data keys
are wrapped with the KEK that applies now (the municipality's own profile, else its IT
service provider's), and a wrapped value is unwrapped with the KEK of the profile named in it,
provided that profile applies to the municipality now (its own or its current IT service
provider's). So data wrapped with the provider's KEK stay readable after the municipality got
its own KEK. Changing a municipality's IT service provider away from a profile holding a KEK,
and deleting or re-assigning such a profile, are refused (`configuration_services`), since
data wrapped with it would become unreadable.
"""

import base64
import binascii
import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar
from uuid import UUID

from cryptography.hazmat.primitives.keywrap import (
    InvalidUnwrap,
    aes_key_unwrap,
    aes_key_wrap,
)

from rathaus.core.registries import Registry
from rathaus.core.secret_box import SecretBox

WRAP_FORMAT = "kek1"
KEK_BYTES = 32

CONFIG_SECRET_BOX = SecretBox(
    label="configuration",
    env_name="RATHAUS_CONFIG_ENCRYPTION_KEY",
    keys_setting="RATHAUS_CONFIG_ENCRYPTION_KEYS",
    key_file_setting="RATHAUS_CONFIG_ENCRYPTION_KEY_FILE",
)


class KekError(ValueError):
    """A data key cannot be wrapped or unwrapped (wrong municipality, unknown version,
    damaged value). The message never contains key material."""


class KekProvider(ABC):
    """Where the key-encryption keys of one kind live. Stateless; registered once."""

    key: ClassVar[str]

    @abstractmethod
    def generate(self) -> str:
        """Create a new KEK and return the material to store for it (protected)."""

    @abstractmethod
    def wrap(self, material: str, data_key: bytes) -> bytes:
        """`data_key` wrapped with the KEK described by `material`."""

    @abstractmethod
    def unwrap(self, material: str, wrapped: bytes) -> bytes:
        """The data key in `wrapped`; KekError when it was not wrapped with this KEK."""

    def rewrap_material(self, material: str) -> str:
        """`material` protected anew (after the installation key was rotated)."""
        return material


class LocalKekProvider(KekProvider):
    """A random 256-bit KEK, kept encrypted with the configuration key (outside the DB)."""

    key = "local"

    def _key(self, material: str) -> bytes:
        raw = base64.b64decode(CONFIG_SECRET_BOX.decrypt(material))
        if len(raw) != KEK_BYTES:
            raise KekError("the stored key-encryption key has the wrong length")
        return raw

    def generate(self) -> str:
        return CONFIG_SECRET_BOX.encrypt(base64.b64encode(os.urandom(KEK_BYTES)).decode("ascii"))

    def wrap(self, material: str, data_key: bytes) -> bytes:
        if len(data_key) < 16 or len(data_key) % 8:
            raise KekError("a data key must be at least 16 bytes, in multiples of 8")
        return aes_key_wrap(self._key(material), data_key)

    def unwrap(self, material: str, wrapped: bytes) -> bytes:
        try:
            return aes_key_unwrap(self._key(material), wrapped)
        except (InvalidUnwrap, ValueError):
            raise KekError("the data key was not wrapped with this key-encryption key") from None

    def rewrap_material(self, material: str) -> str:
        if not CONFIG_SECRET_BOX.needs_rotation(material):
            return material
        return CONFIG_SECRET_BOX.rotate(material)


kek_providers: Registry[KekProvider] = Registry("key-encryption key providers")
kek_providers.register(LocalKekProvider.key)(LocalKekProvider())


@dataclass(frozen=True)
class KekVersion:
    version: int
    provider: str
    material: str


@dataclass(frozen=True)
class KeyEncryptionKey:
    """The KEK of one profile with all its versions; wraps with the newest version.

    Obtained from `rathaus.municipalities.configuration.kek_for(municipality)`.
    """

    profile_id: UUID
    versions: tuple[KekVersion, ...]  # newest first
    # KEKs of the other profiles that apply to the municipality (its IT service provider's
    # while it has an own KEK): values wrapped with them are still unwrapped, never new ones.
    also_unwraps: tuple[tuple[UUID, tuple[KekVersion, ...]], ...] = ()

    @property
    def current_version(self) -> int:
        return self.versions[0].version

    @property
    def key_id(self) -> str:
        return f"{self.profile_id}.{self.current_version}"

    def _versions_of(self, profile_id: str) -> tuple[KekVersion, ...]:
        if profile_id == str(self.profile_id):
            return self.versions
        for other_id, versions in self.also_unwraps:
            if profile_id == str(other_id):
                return versions
        raise KekError(
            "the data key was wrapped with the key-encryption key of another municipality "
            "or IT service provider"
        )

    def _version(self, number: int, versions: tuple[KekVersion, ...] | None = None) -> KekVersion:
        for version in self.versions if versions is None else versions:
            if version.version == number:
                return version
        raise KekError(f"key-encryption key version {number} is unknown (retired or foreign)")

    def wrap(self, data_key: bytes) -> str:
        """`data_key` wrapped with the current version, as self-describing text."""
        current = self.versions[0]
        wrapped = kek_providers.get(current.provider).wrap(current.material, data_key)
        encoded = base64.urlsafe_b64encode(wrapped).decode("ascii").rstrip("=")
        return f"{WRAP_FORMAT}.{self.profile_id}.{current.version}.{encoded}"

    def _parse(self, wrapped: str) -> tuple[KekVersion, bytes]:
        parts = wrapped.split(".")
        if len(parts) != 4 or parts[0] != WRAP_FORMAT:
            raise KekError("this is not a wrapped data key")
        versions = self._versions_of(parts[1])
        try:
            number = int(parts[2])
            raw = base64.urlsafe_b64decode(parts[3] + "=" * (-len(parts[3]) % 4))
        except (ValueError, binascii.Error):
            raise KekError("the wrapped data key is damaged") from None
        return self._version(number, versions), raw

    def unwrap(self, wrapped: str) -> bytes:
        """The data key in `wrapped` (any version of this KEK); KekError otherwise."""
        version, raw = self._parse(wrapped)
        return kek_providers.get(version.provider).unwrap(version.material, raw)

    def needs_rewrap(self, wrapped: str) -> bool:
        """Whether `wrapped` uses an older version than the current one, or another
        profile's KEK (the IT service provider's, before the municipality had its own)."""
        version, _raw = self._parse(wrapped)
        return (
            wrapped.split(".")[1] != str(self.profile_id) or version.version != self.current_version
        )

    def rewrap(self, wrapped: str) -> str:
        """`wrapped` unwrapped and wrapped again with the current version (after rotation,
        or to move it from the IT service provider's KEK to the municipality's own)."""
        if not self.needs_rewrap(wrapped):
            return wrapped
        return self.wrap(self.unwrap(wrapped))


def rows_rewrap(rows: Any, kek: KeyEncryptionKey, batch: int = 500) -> int:
    """Re-wrap the stale data keys (`data_key_wrapped`) of the model rows of the queryset
    `rows` with the current version of `kek`, a batch at a time; the encrypted content stays
    as it is. Returns how many were re-wrapped."""
    rows = rows.only("pk", "data_key_wrapped").order_by("pk")
    changed = 0
    last = None
    while True:
        page = list((rows.filter(pk__gt=last) if last else rows)[:batch])
        if not page:
            return changed
        last = page[-1].pk
        stale = [row for row in page if kek.needs_rewrap(row.data_key_wrapped)]
        for row in stale:
            row.data_key_wrapped = kek.rewrap(row.data_key_wrapped)
        rows.model.objects.bulk_update(stale, ["data_key_wrapped"])
        changed += len(stale)


# Who keeps data keys wrapped with a municipality's KEK: each app registers how to re-wrap
# its keys (called with the municipality, returns how many changed); `manage.py
# keys_rewrap` runs them all after `kek_rotate`.
DataKeyRewrapper = Callable[..., int]
data_key_rewrappers: Registry[DataKeyRewrapper] = Registry("data key re-wrappers")
