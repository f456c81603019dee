"""Envelope encryption of personal content at rest (messages, later documents).

Each record gets its own random 256-bit data key; its fields and files are encrypted with
AES-256-GCM under that key, and only the data key *wrapped* with the municipality's
key-encryption key (KEK, `rathaus.municipalities.configuration.kek_for`) is stored next to
them. Rotating the KEK re-wraps the data keys (`KeyEncryptionKey.rewrap`) without touching
the content; the KEK itself never lies in the database in the clear.

Every ciphertext is bound to where it belongs by the associated data (`aad`, e.g. the record's
id and the field's name), so a value copied into another row or field does not decrypt.
Format of a ciphertext: one version byte (1), a 12-byte random nonce, the GCM ciphertext with
its 16-byte tag.

`core` does not know municipalities: the KEK comes in as anything with `wrap`/`unwrap`.
"""

import os
from dataclasses import dataclass, field
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = b"\x01"
NONCE_BYTES = 12
KEY_BYTES = 32


class EnvelopeError(ValueError):
    """A ciphertext does not decrypt: damaged, or not encrypted for this record and field.
    The message never contains key material or content."""


class KeyWrapper(Protocol):
    """What wraps data keys: a municipality's `KeyEncryptionKey`."""

    def wrap(self, data_key: bytes) -> str: ...

    def unwrap(self, wrapped: str) -> bytes: ...


@dataclass(frozen=True)
class DataKey:
    """One record's data key: the key itself (kept in memory only) and its wrapped form (what
    is stored)."""

    key: bytes = field(repr=False)
    wrapped: str

    @classmethod
    def new(cls, kek: KeyWrapper) -> "DataKey":
        """A fresh random data key, wrapped with `kek`."""
        key = AESGCM.generate_key(bit_length=KEY_BYTES * 8)
        return cls(key=key, wrapped=kek.wrap(key))

    @classmethod
    def unwrapped(cls, kek: KeyWrapper, wrapped: str) -> "DataKey":
        """The data key stored as `wrapped` (KekError when `kek` cannot unwrap it)."""
        return cls(key=kek.unwrap(wrapped), wrapped=wrapped)

    def encrypt(self, plaintext: bytes, *, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return VERSION + nonce + AESGCM(self.key).encrypt(nonce, plaintext, aad)

    def decrypt(self, ciphertext: bytes, *, aad: bytes) -> bytes:
        if len(ciphertext) < 1 + NONCE_BYTES + 16 or ciphertext[:1] != VERSION:
            raise EnvelopeError("not an encrypted value of a known format")
        nonce, body = ciphertext[1 : 1 + NONCE_BYTES], ciphertext[1 + NONCE_BYTES :]
        try:
            return AESGCM(self.key).decrypt(nonce, body, aad)
        except InvalidTag:
            raise EnvelopeError(
                "the encrypted value is damaged or belongs to another record"
            ) from None

    def encrypt_text(self, text: str, *, aad: bytes) -> bytes:
        return self.encrypt(text.encode("utf-8"), aad=aad)

    def decrypt_text(self, ciphertext: bytes, *, aad: bytes) -> str:
        return self.decrypt(ciphertext, aad=aad).decode("utf-8")


def aad_for(*parts: object) -> bytes:
    """Associated data naming where a ciphertext belongs, e.g. `aad_for("message", id, "body")`."""
    return "\x1f".join(str(p) for p in parts).encode("utf-8")
