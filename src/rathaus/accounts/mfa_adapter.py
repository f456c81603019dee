"""allauth MFA adapter: second-factor secrets are stored encrypted (see mfa_secrets.py)."""

from allauth.mfa.adapter import DefaultMFAAdapter

from rathaus.accounts.mfa_secrets import mfa_secret_decrypt, mfa_secret_encrypt


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return mfa_secret_encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return mfa_secret_decrypt(encrypted_text)
