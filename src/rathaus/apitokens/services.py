"""Writes for API clients and their tokens; every change is audited."""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.apitokens.models import TOKEN_PREFIX, ApiClient, ApiToken
from rathaus.apitokens.scopes import SCOPES
from rathaus.apitokens.selectors import secret_digest
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import DomainError
from rathaus.municipalities.models import Municipality

# The audit trail and `last_used_at` record a token's use at most this often.
USE_RECORD_INTERVAL = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued token; `plaintext` exists only here and is never stored."""

    token: ApiToken
    plaintext: str


def _check_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise DomainError(
            _("Unknown scopes: %(scopes)s") % {"scopes": ", ".join(unknown)}, field="scopes"
        )
    return [scope for scope in SCOPES if scope in scopes]


@transaction.atomic
def client_create(
    *,
    actor: Actor,
    name: str,
    municipality: Municipality,
    scopes: list[str],
    description: str = "",
) -> ApiClient:
    """Register a specialist system of `municipality` with the given scopes."""
    client = ApiClient.objects.create(
        name=name,
        municipality=municipality,
        scopes=_check_scopes(scopes),
        description=description,
    )
    audit_record(
        actor=actor,
        action="apiclient.create",
        obj=client,
        details={"scopes": client.scopes},
    )
    return client


@transaction.atomic
def client_update(
    *, actor: Actor, client: ApiClient, name: str, scopes: list[str], description: str
) -> ApiClient:
    """Change name, scopes or description of a client (takes effect on the next request)."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    before = client.scopes
    client.name = name
    client.scopes = _check_scopes(scopes)
    client.description = description
    client.save(update_fields=["name", "scopes", "description", "updated_at"])
    audit_record(
        actor=actor,
        action="apiclient.update",
        obj=client,
        details={"scopes_before": before, "scopes": client.scopes},
    )
    return client


def _new_token(
    *, client: ApiClient, expires_at: dt.datetime, rotated_from: ApiToken | None
) -> IssuedToken:
    # 48 bits of public prefix for the lookup, 256 bits of secret.
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        client=client,
        prefix=prefix,
        secret_hash=secret_digest(secret),
        expires_at=expires_at,
        rotated_from=rotated_from,
    )
    return IssuedToken(token=token, plaintext=f"{TOKEN_PREFIX}_{prefix}_{secret}")


def _default_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.RATHAUS_API_TOKEN_LIFETIME_DAYS)


@transaction.atomic
def token_issue(
    *, actor: Actor, client: ApiClient, expires_at: dt.datetime | None = None
) -> IssuedToken:
    """A new token for `client`; the plaintext is returned once and stored nowhere."""
    expires_at = expires_at or _default_expiry()
    if expires_at <= timezone.now():
        raise DomainError(_("The expiry must lie in the future."), field="expires_at")
    issued = _new_token(client=client, expires_at=expires_at, rotated_from=None)
    audit_record(
        actor=actor,
        action="apitoken.issue",
        obj=issued.token,
        municipality=issued.token.client.municipality_id,
        details={"client": str(client.pk), "expires_at": expires_at.isoformat()},
    )
    return issued


@transaction.atomic
def token_rotate(
    *, actor: Actor, token: ApiToken, grace: dt.timedelta | None = None
) -> IssuedToken:
    """Replace `token` by a new one; the old one stays valid for `grace` (default from
    RATHAUS_API_TOKEN_ROTATION_GRACE_HOURS) so the specialist system can switch over."""
    token = ApiToken.objects.select_for_update().select_related("client").get(pk=token.pk)
    now = timezone.now()
    if token.revoked_at is not None or token.expires_at <= now:
        raise DomainError(_("Only an active token can be rotated."))
    if ApiToken.objects.filter(rotated_from=token).exists():
        raise DomainError(_("This token has already been rotated."))
    if grace is None:
        grace = dt.timedelta(hours=settings.RATHAUS_API_TOKEN_ROTATION_GRACE_HOURS)
    issued = _new_token(client=token.client, expires_at=_default_expiry(), rotated_from=token)
    token.expires_at = min(token.expires_at, now + grace)
    token.save(update_fields=["expires_at", "updated_at"])
    audit_record(
        actor=actor,
        action="apitoken.rotate",
        obj=issued.token,
        municipality=issued.token.client.municipality_id,
        details={"rotated_from": str(token.pk), "old_expires_at": token.expires_at.isoformat()},
    )
    return issued


@transaction.atomic
def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Stop `token` from working, immediately. Revoking twice keeps the first time."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=actor,
            action="apitoken.revoke",
            obj=token,
            municipality=token.client.municipality_id,
        )
    return token


@transaction.atomic
def token_record_use(*, token: ApiToken, at: dt.datetime | None = None) -> bool:
    """Note that `token` was used: `last_used_at` and an 'apitoken.use' audit event with the
    caller's IP and user agent, at most once per USE_RECORD_INTERVAL per token.

    The conditional UPDATE lets exactly one of several concurrent requests win, so a busy
    specialist system costs one write a minute, not one per request. Returns whether it
    recorded.
    """
    at = at or timezone.now()
    won = (
        ApiToken.objects.filter(pk=token.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=at - USE_RECORD_INTERVAL))
        .update(last_used_at=at)
    )
    if not won:
        return False
    token.last_used_at = at
    audit_record(
        actor=Actor.api_client(token.client),
        action="apitoken.use",
        obj=token,
        details={"client": str(token.client_id), "client_name": token.client.name},
    )
    return True
