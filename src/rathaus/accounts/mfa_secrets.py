"""Encryption of the second-factor secrets (TOTP keys, recovery-code seeds) stored in the database.

A copy of the database (backup, replica, dump for support) must not be enough to generate
someone's codes, so the key lives outside it: in `RATHAUS_MFA_ENCRYPTION_KEY` (Fernet keys,
comma-separated; the first encrypts, all decrypt, which allows rotation) or, when that is empty,
in a key file (`RATHAUS_MFA_ENCRYPTION_KEY_FILE`) created on first use. Several application
servers must share the same key.
"""

import os
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _key_from_file(path: Path) -> str:
    try:
        # O_EXCL: of several processes starting at once, exactly one writes the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if not key:
            raise ImproperlyConfigured(f"The MFA encryption key file {path} is empty.") from None
        return key
    key = Fernet.generate_key().decode("ascii")
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], key_file: str) -> MultiFernet:
    if not keys:
        keys = (_key_from_file(Path(key_file)),)
    try:
        return MultiFernet([Fernet(key.encode("ascii")) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "RATHAUS_MFA_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64-encoded bytes), "
            'e.g. from python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"'
        ) from exc


def mfa_fernet() -> MultiFernet:
    """The configured cipher (keys from the environment, else from the key file)."""
    return _fernet(
        tuple(settings.RATHAUS_MFA_ENCRYPTION_KEYS), settings.RATHAUS_MFA_ENCRYPTION_KEY_FILE
    )


def mfa_secret_encrypt(text: str) -> str:
    """`text` encrypted and authenticated (a Fernet token, ASCII)."""
    return mfa_fernet().encrypt(text.encode("utf-8")).decode("ascii")


def mfa_secret_decrypt(token: str) -> str:
    """The text of a token from `mfa_secret_encrypt`; ImproperlyConfigured if no key fits."""
    try:
        return mfa_fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as exc:
        # A wrong or missing key (or an unencrypted value) must not pass for a wrong code.
        raise ImproperlyConfigured(
            "A second-factor secret cannot be decrypted: RATHAUS_MFA_ENCRYPTION_KEY (or the key "
            "file) does not hold the key it was encrypted with."
        ) from exc


def mfa_secret_is_encrypted(value: str) -> bool:
    """Whether `value` is a token that the configured keys decrypt (used by the data migration)."""
    try:
        mfa_fernet().decrypt(value.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        return False
    return True
