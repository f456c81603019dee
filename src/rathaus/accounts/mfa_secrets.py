"""Encryption of the second-factor secrets (TOTP keys, recovery-code seeds) stored in the database.

A copy of the database (backup, replica, dump for support) must not be enough to generate
someone's codes, so the key lives outside it: in `RATHAUS_MFA_ENCRYPTION_KEY` (Fernet keys,
comma-separated; the first encrypts, all decrypt, which allows rotation) or, when that is empty,
in a key file (`RATHAUS_MFA_ENCRYPTION_KEY_FILE`) created on first use. Several application
servers must share the same key. The machinery is the shared `rathaus.core.secret_box`.
"""

from cryptography.fernet import MultiFernet

from rathaus.core.secret_box import SecretBox

MFA_SECRET_BOX = SecretBox(
    label="second-factor",
    env_name="RATHAUS_MFA_ENCRYPTION_KEY",
    keys_setting="RATHAUS_MFA_ENCRYPTION_KEYS",
    key_file_setting="RATHAUS_MFA_ENCRYPTION_KEY_FILE",
)


def mfa_fernet() -> MultiFernet:
    """The configured cipher (keys from the environment, else from the key file)."""
    return MFA_SECRET_BOX.fernet()


def mfa_secret_encrypt(text: str) -> str:
    """`text` encrypted and authenticated (a Fernet token, ASCII)."""
    return MFA_SECRET_BOX.encrypt(text)


def mfa_secret_decrypt(token: str) -> str:
    """The text of a token from `mfa_secret_encrypt`; ImproperlyConfigured if no key fits.

    A wrong or missing key (or an unencrypted value) must not pass for a wrong code."""
    return MFA_SECRET_BOX.decrypt(token)


def mfa_secret_is_encrypted(value: str) -> bool:
    """Whether `value` is a token that the configured keys decrypt (used by the data migration)."""
    return MFA_SECRET_BOX.is_encrypted(value)
