"""Secrets stored in the database, encrypted with a key held outside it.

A copy of the database (backup, replica, dump for support) must not be enough to read a
secret, so the key lives outside it: in an environment variable holding Fernet keys
(comma-separated; the first encrypts, all decrypt, which allows rotation) or, when that is
empty, in a key file under the var directory created on first use (mode 0600). Several
application servers must share the same key.

Each kind of secret has its own box with its own key (`SecretBox`): the second-factor
secrets (`RATHAUS_MFA_ENCRYPTION_KEY`, rathaus.accounts.mfa_secrets) and the configuration
secrets of municipalities and IT service providers (`RATHAUS_CONFIG_ENCRYPTION_KEY`,
rathaus.municipalities.configuration): losing or rotating one never touches the other.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SecretBoxKeyError(ImproperlyConfigured):
    """No configured key decrypts a stored secret (wrong or lost key, or a plain value).

    An ImproperlyConfigured: the operator must install the right key; it must never pass for
    a wrong password or code."""


def _key_from_file(path: Path, label: str) -> str:
    try:
        # O_EXCL: of several processes starting at once, exactly one writes the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if not key:
            raise ImproperlyConfigured(
                f"The {label} encryption key file {path} is empty."
            ) from None
        return key
    key = Fernet.generate_key().decode("ascii")
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...], key_file: str, label: str, env_name: str) -> MultiFernet:
    if not keys:
        keys = (_key_from_file(Path(key_file), label),)
    try:
        return MultiFernet([Fernet(key.encode("ascii")) for key in keys])
    except (ValueError, UnicodeEncodeError) as exc:
        raise ImproperlyConfigured(
            f"{env_name} must be Fernet keys (32 url-safe base64-encoded bytes), "
            'e.g. from python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"'
        ) from exc


@dataclass(frozen=True)
class SecretBox:
    """Encrypts and decrypts text with the keys of one setting pair.

    `keys_setting` names the Django setting with the list of keys (read on every call, so
    tests and a reloaded configuration take effect), `key_file_setting` the one with the key
    file used while the list is empty; `env_name` is the environment variable operators set
    (used in error messages), `label` says what is protected ("second-factor").
    """

    label: str
    env_name: str
    keys_setting: str
    key_file_setting: str

    def fernet(self) -> MultiFernet:
        """The cipher: keys from the environment, else from the key file."""
        return _fernet(
            tuple(getattr(settings, self.keys_setting)),
            str(getattr(settings, self.key_file_setting)),
            self.label,
            self.env_name,
        )

    def encrypt(self, text: str) -> str:
        """`text` encrypted and authenticated with the first key (a Fernet token, ASCII)."""
        return self.fernet().encrypt(text.encode("utf-8")).decode("ascii")

    def _with_key(self, token: str, run: Callable[[MultiFernet, bytes], bytes], verb: str) -> bytes:
        """`run(cipher, token)`; SecretBoxKeyError naming the setting when no key fits."""
        try:
            return run(self.fernet(), token.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError) as exc:
            raise SecretBoxKeyError(
                f"A {self.label} secret cannot be {verb}: {self.env_name} (or the key file) "
                "does not hold the key it was encrypted with."
            ) from exc

    def decrypt(self, token: str) -> str:
        """The text of a token from `encrypt`; SecretBoxKeyError when no key fits."""
        return self._with_key(token, MultiFernet.decrypt, "decrypted").decode("utf-8")

    def is_encrypted(self, value: str) -> bool:
        """Whether `value` is a token that the configured keys decrypt."""
        try:
            self.fernet().decrypt(value.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            return False
        return True

    def rotate(self, token: str) -> str:
        """`token` encrypted anew with the first key (after a new key was put in front)."""
        return self._with_key(token, MultiFernet.rotate, "re-encrypted").decode("ascii")

    def needs_rotation(self, token: str) -> bool:
        """Whether `token` was encrypted with another key than the first (current) one."""
        primary = self.fernet()._fernets[0]
        try:
            primary.decrypt(token.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            return True
        return False
