"""Writes of the accounts app (Bürgerkonto): profile, consents, deletion, inactivity."""

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from rathaus.accounts.models import Consent, ConsentText, User
from rathaus.accounts.personal_data import ordered_erasers
from rathaus.accounts.selectors import inactive_accounts_base
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import DomainError

logger = logging.getLogger(__name__)

PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "street",
    "postal_code",
    "city",
    "country",
    "date_of_birth",
    "phone",
    "preferred_language",
    "notify_by_email",
)


@transaction.atomic
def profile_update(*, user: User, actor: Actor, data: dict[str, Any]) -> User:
    """Change profile fields of `user`; records which fields changed (not their values)."""
    if actor.user_id != user.pk:
        raise DomainError("only the account holder changes the profile")
    user = User.objects.select_for_update().get(pk=user.pk)
    changed = [
        name for name in PROFILE_FIELDS if name in data and getattr(user, name) != data[name]
    ]
    for name in changed:
        setattr(user, name, data[name])
    if changed:
        user.save(update_fields=changed)
        audit_record(
            actor=actor, action="account.profile_update", obj=user, details={"fields": changed}
        )
    return user


@transaction.atomic
def consent_give(
    *, user: User, text: ConsentText, language: str, actor: Actor | None = None
) -> Consent:
    """Record that `user` agrees to `text` as shown in `language`; idempotent per version.
    Audited as `user`'s act, or as `actor`'s where another records it (the demo loader)."""
    if not text.active:
        raise DomainError("this consent text is no longer offered")
    User.objects.select_for_update().get(pk=user.pk)  # serialises consent changes per user
    current = (
        Consent.objects.filter(user=user, text__key=text.key, revoked_at__isnull=True)
        .select_related("text")
        .first()
    )
    if current is not None and current.text_id == text.pk:
        return current
    now = timezone.now()
    if current is not None:  # consent to an older version is replaced by the new one
        current.revoked_at = now
        current.save(update_fields=["revoked_at", "updated_at"])
    consent = Consent.objects.create(
        user=user,
        text=text,
        language=language,
        text_agreed=text.text_in(language),
        granted_at=now,
    )
    audit_record(
        actor=actor or Actor.person(user),
        action="consent.give",
        obj=consent,
        details={"key": text.key, "version": text.version, "language": language},
    )
    return consent


@transaction.atomic
def consent_revoke(*, user: User, key: str) -> Consent | None:
    """Revoke `user`'s current consent to `key` (effective now); None if there was none."""
    User.objects.select_for_update().get(pk=user.pk)
    consent = (
        Consent.objects.filter(user=user, text__key=key, revoked_at__isnull=True)
        .select_related("text")
        .first()
    )
    if consent is None:
        return None
    consent.revoked_at = timezone.now()
    consent.save(update_fields=["revoked_at", "updated_at"])
    audit_record(
        actor=Actor.person(user),
        action="consent.revoke",
        obj=consent,
        details={"key": key, "version": consent.text.version},
    )
    return consent


@transaction.atomic
def account_delete(*, user: User, actor: Actor, reason: str) -> User:
    """Delete a citizen account (GDPR Art. 17): erase what may go, anonymise what must stay.

    Every registered eraser runs (see `personal_data.py`); the user row itself stays as an
    anonymous, inactive husk under its pseudonymous user name so that the audit trail and
    retained records keep a valid reference. `reason` is "request" or "inactivity".
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.deleted_at is not None:
        return user
    if user.kind != User.Kind.CITIZEN or user.is_staff or user.is_superuser:
        raise DomainError("only citizen accounts can be deleted this way")
    for _key, eraser in ordered_erasers():
        eraser.erase(user)
    audit_record(actor=actor, action="account.delete", obj=user, details={"reason": reason})
    return user


def account_erase_own_data(user: User) -> None:
    """The accounts app's eraser: profile, e-mail addresses, MFA devices, login attempts."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    logins = [e for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)]
    logins += [user.email] if user.email else []
    logins = [login.lower() for login in logins]
    AccessAttempt.objects.filter(username__in=logins).delete()
    AccessLog.objects.filter(username__in=logins).delete()
    AccessFailureLog.objects.filter(username__in=logins).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    for name in PROFILE_FIELDS:
        field = User._meta.get_field(name)
        assert isinstance(field, models.Field)
        setattr(user, name, field.get_default())
    user.email = ""
    user.is_active = False
    user.set_unusable_password()  # also ends every session (the session hash changes)
    user.deleted_at = timezone.now()
    user.save(update_fields=[*PROFILE_FIELDS, "email", "is_active", "password", "deleted_at"])


@transaction.atomic
def session_timeout_record(*, user: Any, reason: str) -> None:
    """Audit that a session ended by timeout (`reason`: "idle" or "absolute")."""
    audit_record(
        actor=Actor.person(user),
        action="auth.session_timeout",
        obj=user,
        details={"reason": reason},
    )


# The daily job that warns and deletes inactive accounts.
INACTIVITY_ACTOR = Actor.system("inactive_accounts")


@dataclass(frozen=True)
class InactivityRun:
    warned: list[str]
    deleted: list[str]


def _last_activity(user: User) -> dt.datetime:
    return user.last_login or user.date_joined


def inactive_accounts_process(*, now: dt.datetime | None = None) -> InactivityRun:
    """Warn, then delete, citizen accounts without login for the configured period.

    A warning goes out `RATHAUS_ACCOUNT_INACTIVITY_WARNING_DAYS` before the deadline and is
    recorded on the account, so re-running sends nothing twice; logging in again makes the
    warning void. An account is deleted only once its deadline passed *and* a warning went
    out at least the warning period before, so nobody loses an account unannounced even if
    the job did not run for a while. Meant to run daily (cron; Celery beat later).
    """
    now = now or timezone.now()
    period = dt.timedelta(days=settings.RATHAUS_ACCOUNT_INACTIVITY_DAYS)
    notice = dt.timedelta(days=settings.RATHAUS_ACCOUNT_INACTIVITY_WARNING_DAYS)
    warned: list[str] = []
    deleted: list[str] = []

    to_delete = (
        inactive_accounts_base(inactive_since=now - period)
        .filter(inactivity_warning_sent_at__lte=now - notice)
        .exclude(last_login__gt=F("inactivity_warning_sent_at"))
    )
    for user in to_delete:
        account_delete(user=user, actor=INACTIVITY_ACTOR, reason="inactivity")
        deleted.append(user.username)

    candidates = inactive_accounts_base(inactive_since=now - period + notice).filter(is_active=True)
    for user in candidates:
        sent = user.inactivity_warning_sent_at
        if sent is not None and sent >= _last_activity(user):
            continue
        _inactivity_warn(user=user, now=now, deletion_on=_last_activity(user) + period)
        warned.append(user.username)
    return InactivityRun(warned=warned, deleted=deleted)


@transaction.atomic
def _inactivity_warn(*, user: User, now: dt.datetime, deletion_on: dt.datetime) -> None:
    user = User.objects.select_for_update().get(pk=user.pk)
    user.inactivity_warning_sent_at = now
    user.save(update_fields=["inactivity_warning_sent_at"])
    audit_record(
        actor=INACTIVITY_ACTOR,
        action="account.inactivity_warning",
        obj=user,
        details={"deletion_on": deletion_on.date().isoformat()},
    )
    if not user.email:
        return
    deletion_on = max(
        deletion_on, now + dt.timedelta(days=settings.RATHAUS_ACCOUNT_INACTIVITY_WARNING_DAYS)
    )
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {"user": user, "deletion_on": deletion_on}
        subject = render_to_string("accounts/email/inactivity_warning_subject.txt", context)
        body = render_to_string("accounts/email/inactivity_warning_message.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
