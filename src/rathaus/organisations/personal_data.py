"""What the organisations app holds about a person, for the export and account deletion."""

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.accounts.personal_data import (
    PersonalDataCollector,
    PersonalDataEraser,
    register_personal_data_collector,
    register_personal_data_eraser,
)
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.organisations.models import Membership, Proxy
from rathaus.organisations.selectors import (
    principal_label,
    proxies_granted,
    proxies_received,
)

# The erasure of an account runs as the system, whoever asked for the deletion.
ERASURE_ACTOR = Actor.system("account_erasure")


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def collect_memberships(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "organisation": m.organisation.name,
            "role": m.role,
            "since": _iso(m.created_at),
        }
        for m in Membership.objects.filter(user=user).select_related("organisation")
    ]


def _proxy(proxy: Proxy) -> dict[str, Any]:
    principal = proxy.principal_organisation or proxy.principal_user
    return {
        "principal": (
            proxy.principal_organisation.name
            if proxy.principal_organisation
            else principal_label(principal)
        ),
        "agent": principal_label(proxy.agent),
        "services": "all" if proxy.all_services else [s.slug for s in proxy.services.all()],
        "valid_from": _iso(proxy.valid_from),
        "valid_until": _iso(proxy.valid_until),
        "revoked_at": _iso(proxy.revoked_at),
        "uses": [
            {
                "at": _iso(use.created_at),
                "action": use.action,
                "service": use.service.slug if use.service else None,
                "ip_address": use.ip_address,
            }
            for use in proxy.uses.all()
        ],
    }


def collect_proxies(user: Any) -> dict[str, Any]:
    return {
        "granted": [_proxy(p) for p in proxies_granted(user=user).filter(principal_user=user)],
        "received": [_proxy(p) for p in proxies_received(user=user)],
    }


@transaction.atomic
def erase_organisation_data(user: Any) -> None:
    """Memberships end (an organisation losing its last admin gets its longest-standing
    member as admin); proxies by or for the person are revoked but kept with their uses."""
    memberships = list(
        Membership.objects.select_for_update().filter(user=user).select_related("organisation")
    )
    for membership in memberships:
        organisation = membership.organisation
        was_admin = membership.role == Membership.Role.ADMIN
        membership.delete()
        remaining = Membership.objects.filter(organisation=organisation).order_by("created_at")
        if was_admin and not remaining.filter(role=Membership.Role.ADMIN).exists():
            successor = remaining.first()
            if successor is not None:
                successor.role = Membership.Role.ADMIN
                successor.save(update_fields=["role", "updated_at"])
                audit_record(
                    actor=ERASURE_ACTOR,
                    action="organisation.membership.role_change",
                    obj=organisation,
                    details={"user": str(successor.user_id), "to": "admin", "why": "succession"},
                )
    now = timezone.now()
    open_proxies = Proxy.objects.select_for_update().filter(
        Q(principal_user=user) | Q(agent=user), revoked_at__isnull=True
    )
    for proxy in open_proxies:
        proxy.revoked_at = now
        proxy.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=ERASURE_ACTOR, action="proxy.revoke", obj=proxy, details={"why": "deletion"}
        )


def register() -> None:
    register_personal_data_collector(
        "organisations.memberships",
        PersonalDataCollector(_("Organisation memberships"), collect_memberships, 60),
    )
    register_personal_data_collector(
        "organisations.proxies",
        PersonalDataCollector(
            _("Proxies granted and received, with their uses"), collect_proxies, 70
        ),
    )
    register_personal_data_eraser(
        "organisations",
        PersonalDataEraser(
            erase_organisation_data,
            retained=[
                _(
                    "Proxies you granted or received, revoked, with the record of their uses: "
                    "they show who acted for whom in administrative procedures."
                )
            ],
            order=50,
        ),
    )
