"""Linked identities in the GDPR export and in account deletion (accounts' extension point)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from rathaus.accounts.personal_data import (
    PersonalDataCollector,
    PersonalDataEraser,
    register_personal_data_collector,
    register_personal_data_eraser,
)
from rathaus.federation.models import ExternalIdentity, LoginTransaction


def _collect(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "provider": identity.provider,
            "subject": identity.subject,
            "attributes": identity.attributes,
            "last_level": identity.last_level,
            "last_login_at": identity.last_login_at.isoformat() if identity.last_login_at else None,
            "linked_at": identity.created_at.isoformat(),
        }
        for identity in ExternalIdentity.objects.filter(user=user).order_by("created_at")
    ]


def _erase(user: Any) -> None:
    # Called inside the deletion service's transaction, which records the audit event.
    ExternalIdentity.objects.filter(user=user).delete()
    LoginTransaction.objects.filter(user=user).delete()


def register() -> None:
    register_personal_data_collector(
        "federation.identities",
        PersonalDataCollector(title=_("Linked identities (BundID and others)"), collect=_collect),
    )
    register_personal_data_eraser("federation.identities", PersonalDataEraser(erase=_erase))
