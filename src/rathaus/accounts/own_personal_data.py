"""The accounts app's own contributions to the personal data export and to deletion."""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rathaus.accounts.models import User
from rathaus.accounts.personal_data import (
    PersonalDataCollector,
    PersonalDataEraser,
    register_personal_data_collector,
    register_personal_data_eraser,
)


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else value


def collect_account(user: User) -> dict[str, Any]:
    return {
        "id": str(user.pk),
        "user_name": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "street": user.street,
        "postal_code": user.postal_code,
        "city": user.city,
        "country": user.country,
        "date_of_birth": _iso(user.date_of_birth),
        "phone": user.phone,
        "preferred_language": user.preferred_language,
        "notify_by_email": user.notify_by_email,
        "registered_at": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
    }


def collect_email_addresses(user: User) -> list[dict[str, Any]]:
    from allauth.account.models import EmailAddress

    return [
        {"email": e.email, "verified": e.verified, "primary": e.primary}
        for e in EmailAddress.objects.filter(user=user).order_by("email")
    ]


def collect_authenticators(user: User) -> list[dict[str, Any]]:
    from allauth.mfa.models import Authenticator

    # Type and dates only: secrets and key material never leave the database.
    return [
        {"type": a.type, "created_at": _iso(a.created_at), "last_used_at": _iso(a.last_used_at)}
        for a in Authenticator.objects.filter(user=user).order_by("created_at")
    ]


def collect_consents(user: User) -> list[dict[str, Any]]:
    from rathaus.accounts.selectors import consent_history

    return [
        {
            "key": c.text.key,
            "version": c.text.version,
            "language": c.language,
            "text_agreed": c.text_agreed,
            "granted_at": _iso(c.granted_at),
            "revoked_at": _iso(c.revoked_at),
        }
        for c in consent_history(user=user)
    ]


def collect_audit_events(user: User) -> list[dict[str, Any]]:
    from rathaus.core.models import AuditEvent

    events = AuditEvent.objects.filter(
        Q(actor_type=AuditEvent.ActorType.USER, actor_id=str(user.pk)) | Q(object_id=str(user.pk))
    )
    return [
        {
            "occurred_at": _iso(e.occurred_at),
            "action": e.action,
            "actor": e.actor_label,
            "ip_address": e.ip_address,
            "user_agent": e.user_agent,
            "object": e.object_repr,
            "details": e.details,
        }
        for e in events.order_by("-occurred_at", "-id")
    ]


def collect_login_attempts(user: User) -> list[dict[str, Any]]:
    from axes.models import AccessFailureLog

    if not user.email:
        return []
    return [
        {
            "attempted_at": _iso(a.attempt_time),
            "ip_address": a.ip_address,
            "user_agent": a.user_agent,
            "locked_out": a.locked_out,
        }
        for a in AccessFailureLog.objects.filter(username=user.email.lower()).order_by(
            "-attempt_time"
        )
    ]


def erase_account(user: User) -> None:
    from rathaus.accounts.services import account_erase_own_data

    account_erase_own_data(user)


def register() -> None:
    register_personal_data_collector(
        "accounts.profile", PersonalDataCollector(_("Account and profile"), collect_account, 10)
    )
    register_personal_data_collector(
        "accounts.email_addresses",
        PersonalDataCollector(_("E-mail addresses"), collect_email_addresses, 20),
    )
    register_personal_data_collector(
        "accounts.authenticators",
        PersonalDataCollector(_("Two-factor authentication"), collect_authenticators, 30),
    )
    register_personal_data_collector(
        "accounts.consents", PersonalDataCollector(_("Consents"), collect_consents, 40)
    )
    register_personal_data_collector(
        "accounts.login_failures",
        PersonalDataCollector(_("Failed login attempts"), collect_login_attempts, 50),
    )
    register_personal_data_collector(
        "core.audit_events",
        PersonalDataCollector(_("Audit trail entries about you"), collect_audit_events, 900),
    )
    register_personal_data_eraser(
        "accounts.account",
        PersonalDataEraser(
            erase_account,
            retained=[
                _(
                    "The audit trail: it records who did what and when, as required for the "
                    "security and traceability of administrative procedures. It names your "
                    "account only by its pseudonym and is kept for the retention period of the "
                    "municipality's security logs."
                ),
                _(
                    "Your consent records (which text, when given and revoked): they prove the "
                    "legal basis of notifications made while the consent was in force."
                ),
                _(
                    "An empty, locked account record under its pseudonym, so that the entries "
                    "above keep a valid reference. It holds no name, address or e-mail address."
                ),
            ],
            order=1000,
        ),
    )
