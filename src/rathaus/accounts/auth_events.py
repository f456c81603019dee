"""Every authentication event goes to the audit trail, with IP address and user agent.

The one place where signals of Django, allauth (account + MFA) and django-axes are turned
into audit events. The IP address and user agent come from the request context that
`RequestContextMiddleware` sets (read by `audit_record`).
"""

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth import signals as auth_signals
from django.db import transaction

from rathaus.accounts.lockout import attempted_login
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record

# Refused attempts (nobody is logged in yet) are recorded by the system's authentication.
AUTHENTICATION_ACTOR = Actor.system("authentication")


def _record(
    *, actor: Actor, action: str, obj: Any = None, details: dict[str, Any] | None = None
) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action=action, obj=obj, details=details)


def _user_for_login(login: str) -> Any:
    if not login:
        return None
    model = get_user_model()
    return (
        model.objects.filter(email__iexact=login).first()
        or model.objects.filter(username=login).first()
    )


def _login_details(user: Any, login: str) -> dict[str, Any]:
    # An existing account is referenced by its id (pseudonymous in the trail, which outlives
    # account deletion); only an unknown login is written down as typed.
    return {} if user is not None else {"login": login}


def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _record(actor=Actor.person(user), action="auth.login", obj=user)


def on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        _record(actor=Actor.person(user), action="auth.logout", obj=user)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    login = attempted_login(request, credentials)
    user = _user_for_login(login)
    _record(
        actor=AUTHENTICATION_ACTOR,
        action="auth.login_failed",
        obj=user,
        details=_login_details(user, login),
    )


def on_locked_out(sender: Any, request: Any, username: str, ip_address: str, **kwargs: Any) -> None:
    user = _user_for_login(username or "")
    details = {**_login_details(user, username or ""), "ip_address": ip_address}
    _record(actor=AUTHENTICATION_ACTOR, action="auth.lockout", obj=user, details=details)


def on_signed_up(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _record(actor=Actor.person(user), action="auth.signup", obj=user)


def on_email_confirmed(sender: Any, request: Any, email_address: Any, **kwargs: Any) -> None:
    _record(
        actor=Actor.person(email_address.user), action="auth.email_verified", obj=email_address.user
    )


def on_email_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _record(actor=Actor.person(user), action="auth.email_changed", obj=user)


def on_email_added(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _record(actor=Actor.person(user), action="auth.email_added", obj=user)


def on_email_removed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _record(actor=Actor.person(user), action="auth.email_removed", obj=user)


def on_password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _record(actor=Actor.person(user), action="auth.password_change", obj=user)


def on_password_set(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _record(actor=Actor.person(user), action="auth.password_set", obj=user)


def on_password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _record(actor=Actor.person(user), action="auth.password_reset", obj=user)


def _mfa_details(authenticator: Any, **extra: Any) -> dict[str, Any]:
    return {"type": authenticator.type, **extra}


def on_authenticator_added(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    _record(
        actor=Actor.person(user), action="mfa.add", obj=user, details=_mfa_details(authenticator)
    )


def on_authenticator_removed(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    _record(
        actor=Actor.person(user), action="mfa.remove", obj=user, details=_mfa_details(authenticator)
    )


def on_authenticator_reset(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    _record(
        actor=Actor.person(user), action="mfa.reset", obj=user, details=_mfa_details(authenticator)
    )


def on_authenticator_used(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    details = _mfa_details(
        authenticator,
        reauthenticated=bool(kwargs.get("reauthenticated")),
        passwordless=bool(kwargs.get("passwordless")),
    )
    # The login itself is recorded by `user_logged_in`; this is the second factor.
    _record(actor=Actor.person(user), action="mfa.authenticate", obj=user, details=details)


def on_mfa_failed(
    sender: Any, request: Any, user: Any, authenticator: Any = None, **kwargs: Any
) -> None:
    details = _mfa_details(authenticator) if authenticator is not None else {}
    if kwargs.get("reason"):
        # Refused without checking the code: too many wrong codes (see mfa_forms.py).
        details["reason"] = kwargs["reason"]
    _record(actor=AUTHENTICATION_ACTOR, action="mfa.authenticate_failed", obj=user, details=details)


def connect() -> None:
    """Connect the receivers (called once from AccountsConfig.ready)."""
    uid = "rathaus.accounts.auth_events"
    auth_signals.user_logged_in.connect(on_logged_in, dispatch_uid=f"{uid}.login")
    auth_signals.user_logged_out.connect(on_logged_out, dispatch_uid=f"{uid}.logout")
    auth_signals.user_login_failed.connect(on_login_failed, dispatch_uid=f"{uid}.failed")
    user_locked_out.connect(on_locked_out, dispatch_uid=f"{uid}.lockout")
    pairs = [
        (account_signals.user_signed_up, on_signed_up),
        (account_signals.email_confirmed, on_email_confirmed),
        (account_signals.email_changed, on_email_changed),
        (account_signals.email_added, on_email_added),
        (account_signals.email_removed, on_email_removed),
        (account_signals.password_changed, on_password_changed),
        (account_signals.password_set, on_password_set),
        (account_signals.password_reset, on_password_reset),
        (mfa_signals.authenticator_added, on_authenticator_added),
        (mfa_signals.authenticator_removed, on_authenticator_removed),
        (mfa_signals.authenticator_reset, on_authenticator_reset),
        (mfa_signals.authenticator_used, on_authenticator_used),
        (mfa_signals.authentication_failed, on_mfa_failed),
    ]
    for signal, receiver in pairs:
        signal.connect(receiver, dispatch_uid=f"{uid}.{receiver.__name__}")
