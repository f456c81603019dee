"""Reads: the level of assurance of the current session, providers, linked identities."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpRequest

from rathaus.federation.levels import TrustLevel, level_at_least
from rathaus.federation.models import ExternalIdentity
from rathaus.federation.providers import IdentityProvider, configured_providers

if TYPE_CHECKING:
    from rathaus.catalog.models import Service

SESSION_TRUST_KEY = "federation_trust"
SESSION_PENDING_LINK_KEY = "federation_pending_link"
SESSION_TRANSACTIONS_KEY = "federation_transactions"


@dataclass(frozen=True)
class SessionTrust:
    """The level of assurance this session reached, how and when."""

    level: TrustLevel
    method: str  # "password", "oidc", "saml"
    provider: str  # provider key, "" for local login
    at: dt.datetime


def session_trust_level(request: HttpRequest) -> SessionTrust | None:
    """The level the logged-in user reached in this session, or None if not logged in.

    A logged-in session without a record (a login path that did not record one) counts as a
    local login at level low; a record of another user never counts.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    record: dict[str, Any] | None = request.session.get(SESSION_TRUST_KEY)
    if record and record.get("user_id") == str(user.pk):
        return SessionTrust(
            level=TrustLevel.from_key(record["level"]),
            method=record["method"],
            provider=record.get("provider", ""),
            at=dt.datetime.fromisoformat(record["at"]),
        )
    return SessionTrust(
        level=TrustLevel.LOW,
        method="password",
        provider="",
        at=dt.datetime.min.replace(tzinfo=dt.UTC),
    )


def trust_level_sufficient(*, session_level: TrustLevel | None, service: Service) -> bool:
    """True if a session at `session_level` may start `service` (its min_trust_level)."""
    return level_at_least(session_level, TrustLevel.from_key(service.min_trust_level))


def providers_for_level(*, level: TrustLevel) -> list[IdentityProvider]:
    """Configured providers that can deliver at least `level`, in configuration order."""
    return [p for p in configured_providers().values() if p.max_level >= level]


def external_identities_for_user(*, user: Any) -> QuerySet[ExternalIdentity]:
    """The identities linked to `user`, by provider."""
    return ExternalIdentity.objects.filter(user=user).order_by("provider", "created_at")
