"""Reads of the accounts app (Bürgerkonto)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from rathaus.accounts.models import Consent, ConsentText, User
from rathaus.accounts.personal_data import ordered_collectors, ordered_erasers


def consent_text_current(*, key: str) -> ConsentText | None:
    """The newest active version of the consent text `key`, or None."""
    return ConsentText.objects.filter(key=key, active=True).order_by("-version").first()


def consent_texts_current() -> list[ConsentText]:
    """The newest active version of every consent text, by key."""
    newest: dict[str, ConsentText] = {}
    for text in ConsentText.objects.filter(active=True).order_by("key", "-version"):
        newest.setdefault(text.key, text)
    return list(newest.values())


def consent_active(*, user: User, key: str) -> Consent | None:
    """The consent `user` currently gives to any version of `key`, or None.

    Used by other apps, e.g. the mailbox for notification by retrieval (§ 41 (2a) VwVfG).
    """
    return (
        Consent.objects.filter(user=user, text__key=key, revoked_at__isnull=True)
        .select_related("text")
        .first()
    )


def consent_history(*, user: User) -> QuerySet[Consent]:
    """All consents `user` ever gave, newest first, including revoked ones."""
    return Consent.objects.filter(user=user).select_related("text").order_by("-granted_at")


@dataclass(frozen=True)
class PersonalDataSection:
    key: str
    title: str
    data: Any


def personal_data_export(*, user: User) -> list[PersonalDataSection]:
    """Everything the platform holds about `user`, one section per registered collector."""
    return [
        PersonalDataSection(key=key, title=str(collector.title), data=collector.collect(user))
        for key, collector in ordered_collectors()
    ]


def personal_data_export_document(*, user: User) -> dict[str, Any]:
    """The export as one JSON-serialisable document (GDPR Art. 20, machine-readable)."""
    return {
        "generated_at": timezone.now().isoformat(),
        "account_id": str(user.pk),
        "sections": {s.key: s.data for s in personal_data_export(user=user)},
    }


def account_deletion_retained() -> list[str]:
    """What account deletion keeps and why, collected from every registered eraser."""
    return [str(text) for _key, eraser in ordered_erasers() for text in eraser.retained]


def inactive_accounts_base(*, inactive_since: datetime) -> QuerySet[User]:
    """Citizen accounts, not deleted, without login (or registration) since `inactive_since`."""
    return User.objects.filter(
        kind=User.Kind.CITIZEN, deleted_at__isnull=True, is_superuser=False, is_staff=False
    ).filter(
        Q(last_login__lte=inactive_since)
        | Q(last_login__isnull=True, date_joined__lte=inactive_since)
    )
