"""allauth's second-factor code forms, with refused attempts in the audit trail.

allauth counts wrong codes per account and per client address (ACCOUNT_RATE_LIMITS
"login_failed") and, once a limit is reached, refuses every code — even the right one —
before checking it. A wrong code is audited through allauth's `authentication_failed`
signal (auth_events.py); a refused one sends no signal, so it is sent here, with the reason.
"""

from typing import Any

from allauth.core import context
from allauth.mfa import signals
from allauth.mfa.base import forms as allauth_forms
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError

TOO_MANY_ATTEMPTS = "too_many_login_attempts"


class _AuditRefusedMixin:
    user: Any
    reauthentication = False

    def clean_code(self) -> str:
        try:
            return super().clean_code()  # type: ignore[misc]
        except ValidationError as error:
            if error.code == TOO_MANY_ATTEMPTS:
                signals.authentication_failed.send(
                    sender=Authenticator,
                    request=context.request,
                    user=self.user,
                    authenticator=None,
                    reauthentication=self.reauthentication,
                    reason=TOO_MANY_ATTEMPTS,
                )
            raise


class AuthenticateForm(_AuditRefusedMixin, allauth_forms.AuthenticateForm):
    pass


class ReauthenticateForm(_AuditRefusedMixin, allauth_forms.ReauthenticateForm):
    reauthentication = True
