"""Reads of API clients and tokens, including the check of a presented bearer token."""

import datetime as dt
import hashlib
import hmac

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.apitokens.models import TOKEN_PREFIX, ApiClient, ApiToken
from rathaus.apitokens.scopes import SCOPES as SCOPES  # the scopes a client may be given
from rathaus.core.errors import DomainError


class TokenInvalid(DomainError):
    """The presented token is malformed, unknown, expired or revoked."""


def secret_digest(secret: str) -> str:
    """The SHA-256 hex digest under which a token secret is stored (see `ApiToken`)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def token_is_active(*, token: ApiToken, at: dt.datetime | None = None) -> bool:
    """Whether `token` can be used at `at` (default: now): not expired and not revoked."""
    at = at or timezone.now()
    if token.revoked_at is not None and token.revoked_at <= at:
        return False
    return token.expires_at > at


def token_authenticate(*, raw: str, at: dt.datetime | None = None) -> ApiToken:
    """The active token `raw` (`rth_<prefix>_<secret>`) stands for, with its client.

    Raises TokenInvalid without saying which part was wrong: a caller probing tokens learns
    nothing from the message.
    """
    invalid = TokenInvalid(_("The token is invalid, expired or revoked."))
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        raise invalid
    token = ApiToken.objects.select_related("client__municipality").filter(prefix=parts[1]).first()
    # Compare a digest even when the prefix is unknown, so timing does not tell them apart.
    expected = token.secret_hash if token is not None else "0" * 64
    matches = hmac.compare_digest(secret_digest(parts[2]), expected)
    if token is None or not matches or not token_is_active(token=token, at=at):
        raise invalid
    return token


def token_list(*, client: ApiClient) -> QuerySet[ApiToken]:
    """The tokens of `client`, newest first (digests only; secrets are never stored)."""
    return ApiToken.objects.filter(client=client).order_by("-created_at")
