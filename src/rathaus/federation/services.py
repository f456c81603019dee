"""Writes: login transactions, sign-in with a verified identity, linking, session level."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model, login, logout
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import DomainError
from rathaus.federation.levels import TrustLevel
from rathaus.federation.models import ExternalIdentity, LoginTransaction, ReplayCacheEntry
from rathaus.federation.providers import AuthenticationRejected, VerifiedIdentity
from rathaus.federation.selectors import (
    SESSION_PENDING_LINK_KEY,
    SESSION_TRANSACTIONS_KEY,
    SESSION_TRUST_KEY,
    session_trust_level,
)

TRANSACTION_LIFETIME = dt.timedelta(minutes=10)
PENDING_LINK_LIFETIME = dt.timedelta(minutes=15)
# Federated logins do not go through a password backend; this one loads the user per request.
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


# --- Login transactions -------------------------------------------------------------------


@transaction.atomic
def login_transaction_start(
    *,
    request: HttpRequest,
    provider: str,
    purpose: str,
    requested_level: TrustLevel,
    next_url: str,
    nonce: str = "",
    code_verifier: str = "",
    request_id: str = "",
) -> LoginTransaction:
    """Record a started login and bind it to this browser session."""
    user = request.user if request.user.is_authenticated else None
    if purpose != LoginTransaction.Purpose.LOGIN and user is None:
        raise DomainError(_("Please log in first."))
    txn = LoginTransaction.objects.create(
        provider=provider,
        purpose=purpose,
        state=secrets.token_urlsafe(32),
        nonce=nonce,
        code_verifier=code_verifier,
        request_id=request_id,
        requested_level=requested_level.key,
        next_url=next_url,
        user=user if purpose != LoginTransaction.Purpose.LOGIN else None,
        expires_at=timezone.now() + TRANSACTION_LIFETIME,
    )
    pending = [*request.session.get(SESSION_TRANSACTIONS_KEY, [])[-4:], str(txn.pk)]
    request.session[SESSION_TRANSACTIONS_KEY] = pending
    return txn


def login_transactions_of_session(*, request: HttpRequest, provider: str) -> list[LoginTransaction]:
    """The transactions this browser session started at `provider` (used or not)."""
    ids = request.session.get(SESSION_TRANSACTIONS_KEY, [])
    return list(LoginTransaction.objects.filter(pk__in=ids, provider=provider))


def login_transaction_consume(
    *, request: HttpRequest, provider: str, state: str = "", request_id: str = ""
) -> LoginTransaction:
    """Mark the session's transaction with this `state` (or SAML `request_id`) used, once.

    Commits before the answer is checked, so a callback can never be replayed, whether the
    first attempt succeeded or not.
    """
    if not (state or request_id):
        raise AuthenticationRejected("unknown_state", "no state in the callback")
    ids = request.session.get(SESSION_TRANSACTIONS_KEY, [])
    lookup: dict[str, Any] = {"state": state} if state else {"request_id": request_id}
    with transaction.atomic():
        txn = (
            LoginTransaction.objects.select_for_update()
            .filter(provider=provider, pk__in=ids, **lookup)
            .first()
        )
        if txn is None:
            raise AuthenticationRejected("unknown_state", "no login of this session has it")
        if txn.used_at is not None:
            raise AuthenticationRejected("replayed", "the login transaction was already used")
        txn.used_at = timezone.now()
        txn.save(update_fields=["used_at", "updated_at"])
    if txn.expires_at < txn.used_at:
        raise AuthenticationRejected("expired", "the login took too long")
    return txn


def replay_cache_add(*, provider: str, key: str, expires_at: dt.datetime) -> None:
    """Remember an accepted assertion ID or nonce; AuthenticationRejected if seen before."""
    try:
        with transaction.atomic():
            ReplayCacheEntry.objects.create(provider=provider, key=key, expires_at=expires_at)
    except IntegrityError:
        raise AuthenticationRejected("replayed", "this assertion was already used") from None


@transaction.atomic
def login_housekeeping(*, now: dt.datetime | None = None) -> int:
    """Delete expired transactions and replay cache entries; returns how many rows went."""
    now = now or timezone.now()
    deleted, _counts = LoginTransaction.objects.filter(expires_at__lt=now).delete()
    gone, _counts = ReplayCacheEntry.objects.filter(expires_at__lt=now).delete()
    return deleted + gone


# --- Audit of rejections ------------------------------------------------------------------


@transaction.atomic
def authentication_rejection_record(
    *, request: HttpRequest, provider: str, reason: str, detail: str = ""
) -> None:
    """Audit a refused provider answer (reason code only; never tokens or assertions)."""
    user: Any = request.user
    actor = Actor.person(user) if user.is_authenticated else Actor.system(f"federation:{provider}")
    audit_record(
        actor=actor,
        action="federation.rejected",
        details={"provider": provider, "reason": reason, "detail": detail},
    )


# --- Session level ------------------------------------------------------------------------


def session_trust_set(
    *, request: HttpRequest, level: TrustLevel, method: str, provider: str = "", user: Any = None
) -> None:
    """Record in the session which level the logged-in user reached, how and when."""
    request.session[SESSION_TRUST_KEY] = {
        "user_id": str((user or request.user).pk),
        "level": level.key,
        "method": method,
        "provider": provider,
        "at": timezone.now().isoformat(),
    }


# --- Sign-in with a verified identity -------------------------------------------------------


@dataclass(frozen=True)
class SignInOutcome:
    """What happened: "logged_in", "linked", "stepped_up" or "link_required"."""

    result: str
    next_url: str
    user: Any = None


_USER_FIELDS: dict[str, Callable[[VerifiedIdentity], str]] = {
    "first_name": lambda i: i.given_name,
    "last_name": lambda i: i.family_name,
    "street": lambda i: i.address.get("street", ""),
    "postal_code": lambda i: i.address.get("postal_code", ""),
    "city": lambda i: i.address.get("city", ""),
    "country": lambda i: i.address.get("country", ""),
}


def _apply_attributes(user: Any, identity: VerifiedIdentity) -> list[str]:
    """Copy delivered values onto the user's fields that exist; returns the changed names."""
    changed: list[str] = []
    for name, getter in _USER_FIELDS.items():
        value = getter(identity)
        if value and hasattr(user, name) and getattr(user, name) != value:
            setattr(user, name, value[: user._meta.get_field(name).max_length])
            changed.append(name)
    if identity.birth_date and hasattr(user, "date_of_birth"):
        try:
            birth_date = dt.date.fromisoformat(identity.birth_date[:10])
        except ValueError:
            birth_date = None
        if birth_date and user.date_of_birth != birth_date:
            user.date_of_birth = birth_date
            changed.append("date_of_birth")
    return changed


def _identity_attributes(identity: VerifiedIdentity) -> dict[str, Any]:
    return {
        **identity.attributes,
        "given_name": identity.given_name,
        "family_name": identity.family_name,
        "birth_date": identity.birth_date,
        "address": identity.address,
        "email": identity.email,
    }


def _identity_update(ext: ExternalIdentity, identity: VerifiedIdentity) -> None:
    ext.attributes = _identity_attributes(identity)
    ext.last_level = identity.level.key
    ext.last_login_at = timezone.now()
    ext.save(update_fields=["attributes", "last_level", "last_login_at", "updated_at"])


def _person(user: Any, identity: VerifiedIdentity) -> Actor:
    """The person who just proved `identity`, at the level of assurance it carries."""
    return Actor.person(user, level_of_assurance=identity.level.key)


def _audit_details(identity: VerifiedIdentity, **extra: Any) -> dict[str, Any]:
    return {"provider": identity.provider, "level": identity.level.key, **extra}


def _login(request: HttpRequest, user: Any, identity: VerifiedIdentity, method: str) -> None:
    login(request, user, backend=LOGIN_BACKEND)
    session_trust_set(
        request=request, level=identity.level, method=method, provider=identity.provider
    )


def _raise_level(request: HttpRequest, identity: VerifiedIdentity, method: str) -> None:
    current = session_trust_level(request)
    if current is None or identity.level >= current.level:
        session_trust_set(
            request=request, level=identity.level, method=method, provider=identity.provider
        )


@transaction.atomic
def identity_sign_in(
    *, request: HttpRequest, identity: VerifiedIdentity, method: str
) -> SignInOutcome:
    """Act on a verified identity: log in, create the account, link, or raise the level.

    * login: a linked identity logs its user in; an unknown one creates a citizen account
      from the delivered attributes — unless its e-mail belongs to an existing account:
      then nothing is linked or logged in, the user must log in to that account first and
      confirm the link (`identity_link_confirm`).
    * link / step-up: started by a logged-in user, who thereby proved both; an identity not
      yet linked is linked to them; one linked to someone else is refused.
    """
    ext = (
        ExternalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(provider=identity.provider, subject=identity.subject)
        .first()
    )
    if identity.purpose == LoginTransaction.Purpose.LOGIN:
        return _sign_in_login(request, identity, ext, method)
    return _sign_in_as_user(request, identity, ext, method)


def _sign_in_login(
    request: HttpRequest, identity: VerifiedIdentity, ext: ExternalIdentity | None, method: str
) -> SignInOutcome:
    user_model = get_user_model()
    if ext is not None:
        if not ext.user.is_active:
            raise AuthenticationRejected("account_inactive", "the linked account is inactive")
        _identity_update(ext, identity)
        changed = _apply_attributes(ext.user, identity)
        if changed:
            ext.user.save(update_fields=changed)
        _login(request, ext.user, identity, method)
        audit_record(
            actor=_person(ext.user, identity),
            action="federation.login",
            obj=ext,
            details=_audit_details(identity),
        )
        return SignInOutcome("logged_in", identity.next_url, ext.user)

    email = identity.email.strip()
    if email and user_model.objects.filter(email__iexact=email).exists():
        # Same e-mail, but the identity is not proven to be the same person: no automatic
        # link. The user logs in to the existing account and confirms.
        if request.user.is_authenticated:
            logout(request)
        request.session[SESSION_PENDING_LINK_KEY] = {
            "identity": identity.as_session_data(),
            "at": timezone.now().isoformat(),
        }
        audit_record(
            actor=Actor.system(f"federation:{identity.provider}"),
            action="federation.link_required",
            details=_audit_details(identity, reason="email_in_use"),
        )
        return SignInOutcome("link_required", identity.next_url)

    user = user_model(
        username=f"ext-{secrets.token_hex(12)}",
        email=email,
        kind=user_model.Kind.CITIZEN,
    )
    user.set_unusable_password()
    _apply_attributes(user, identity)
    user.save()
    ext = ExternalIdentity.objects.create(
        user=user,
        provider=identity.provider,
        subject=identity.subject,
        attributes=_identity_attributes(identity),
        last_level=identity.level.key,
        last_login_at=timezone.now(),
    )
    _login(request, user, identity, method)
    audit_record(
        actor=_person(user, identity),
        action="federation.account_create",
        obj=ext,
        details=_audit_details(identity),
    )
    audit_record(
        actor=_person(user, identity),
        action="federation.login",
        obj=ext,
        details=_audit_details(identity),
    )
    return SignInOutcome("logged_in", identity.next_url, user)


def _sign_in_as_user(
    request: HttpRequest, identity: VerifiedIdentity, ext: ExternalIdentity | None, method: str
) -> SignInOutcome:
    user = request.user
    if not user.is_authenticated or str(user.pk) != identity.initiating_user_id:
        raise AuthenticationRejected(
            "session_changed", "the user who started this is not logged in"
        )
    if ext is not None and ext.user_id != user.pk:
        raise AuthenticationRejected(
            "linked_to_other_account", "identity belongs to another account"
        )
    result = "stepped_up" if identity.purpose == LoginTransaction.Purpose.STEP_UP else "linked"
    if ext is None:
        ext = ExternalIdentity.objects.create(
            user=user,
            provider=identity.provider,
            subject=identity.subject,
            attributes=_identity_attributes(identity),
            last_level=identity.level.key,
            last_login_at=timezone.now(),
        )
        audit_record(
            actor=_person(user, identity),
            action="federation.link",
            obj=ext,
            details=_audit_details(identity),
        )
    else:
        _identity_update(ext, identity)
    _raise_level(request, identity, method)
    if result == "stepped_up":
        audit_record(
            actor=_person(user, identity),
            action="federation.step_up",
            obj=ext,
            details=_audit_details(identity),
        )
    return SignInOutcome(result, identity.next_url, user)


def pending_link_get(*, request: HttpRequest) -> VerifiedIdentity | None:
    """The identity waiting for the user to log in and confirm the link, if still fresh."""
    data = request.session.get(SESSION_PENDING_LINK_KEY)
    if not data:
        return None
    if dt.datetime.fromisoformat(data["at"]) + PENDING_LINK_LIFETIME < timezone.now():
        del request.session[SESSION_PENDING_LINK_KEY]
        return None
    return VerifiedIdentity.from_session_data(data["identity"])


@transaction.atomic
def identity_link_confirm(*, request: HttpRequest, method: str) -> ExternalIdentity:
    """Link the pending identity to the logged-in user, who proved the account meanwhile.

    Only the account whose e-mail the provider delivered can take the link, and only if the
    external identity is still unlinked.
    """
    identity = pending_link_get(request=request)
    user = request.user
    if identity is None:
        raise DomainError(_("There is no identity waiting to be linked (or it expired)."))
    if not user.is_authenticated or (user.email or "").lower() != identity.email.lower():
        raise DomainError(
            _("Please log in to the account with the e-mail address %(email)s.")
            % {"email": identity.email}
        )
    if ExternalIdentity.objects.filter(
        provider=identity.provider, subject=identity.subject
    ).exists():
        del request.session[SESSION_PENDING_LINK_KEY]
        raise DomainError(_("This identity is already linked to an account."))
    ext = ExternalIdentity.objects.create(
        user=user,
        provider=identity.provider,
        subject=identity.subject,
        attributes=_identity_attributes(identity),
        last_level=identity.level.key,
        last_login_at=timezone.now(),
    )
    changed = _apply_attributes(user, identity)
    if changed:
        user.save(update_fields=changed)
    del request.session[SESSION_PENDING_LINK_KEY]
    _raise_level(request, identity, method)
    audit_record(
        actor=_person(user, identity),
        action="federation.link",
        obj=ext,
        details=_audit_details(identity),
    )
    return ext


@transaction.atomic
def identity_unlink(*, actor: Actor, identity_id: Any) -> None:
    """Remove a linked identity of the person `actor`; refused if it is their only way to
    log in."""
    user = actor.user
    if user is None:
        raise DomainError(_("This identity is not linked to your account."))
    ext = ExternalIdentity.objects.select_for_update().filter(pk=identity_id, user=user).first()
    if ext is None:
        raise DomainError(_("This identity is not linked to your account."))
    others = ExternalIdentity.objects.filter(user=user).exclude(pk=ext.pk).exists()
    if not user.has_usable_password() and not others:
        raise DomainError(
            _("Set a password first: this identity is the only way to log in to your account.")
        )
    details = {"provider": ext.provider}
    audit_record(actor=actor, action="federation.unlink", obj=ext, details=details)
    ext.delete()
