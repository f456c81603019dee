"""allauth's WebAuthn forms, hardened: a malformed credential is a form error, not a 500.

allauth parses the posted credential with fido2, which raises KeyError/TypeError/ValueError
on payloads a browser would never send (but an attacker or a broken client might).
"""

from collections.abc import Callable
from typing import Any

from allauth.mfa.adapter import get_adapter
from allauth.mfa.webauthn import forms as allauth_forms
from allauth.mfa.webauthn.internal import auth


def _reject_malformed(parse: Callable[[Any], Any], credential: Any) -> None:
    try:
        parse(credential)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise get_adapter().validation_error("incorrect_code") from error


class AddWebAuthnForm(allauth_forms.AddWebAuthnForm):
    def clean(self) -> dict[str, Any]:
        credential = self.cleaned_data.get("credential")
        if credential:
            _reject_malformed(auth.parse_registration_response, credential)
        return super().clean()


class SignupWebAuthnForm(allauth_forms.SignupWebAuthnForm):
    def clean(self) -> dict[str, Any]:
        credential = self.cleaned_data.get("credential")
        if credential:
            _reject_malformed(auth.parse_registration_response, credential)
        return super().clean()


class LoginWebAuthnForm(allauth_forms.LoginWebAuthnForm):
    def clean_credential(self) -> Any:
        _reject_malformed(auth.parse_authentication_response, self.cleaned_data["credential"])
        return super().clean_credential()


class ReauthenticateWebAuthnForm(allauth_forms.ReauthenticateWebAuthnForm):
    def clean_credential(self) -> Any:
        _reject_malformed(auth.parse_authentication_response, self.cleaned_data["credential"])
        return super().clean_credential()
