"""The actor of a portal or /intern/ request: the logged-in person with the level of
assurance this session reached (`session_trust_level`), optionally acting for someone.

The API builds its actors in its authentication (an API client acts as itself)."""

from typing import Any
from uuid import UUID

from django.http import HttpRequest

from rathaus.accounts.models import User
from rathaus.core.actors import Actor
from rathaus.federation.selectors import session_trust_level


def request_user(request: HttpRequest) -> User:
    """The logged-in user of `request` (views behind login_required)."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("request_user needs a logged-in user (use login_required)")
    return user


def request_actor(
    request: HttpRequest,
    *,
    organisation_id: UUID | None = None,
    principal_id: UUID | None = None,
    proxy_id: UUID | None = None,
) -> Actor:
    """The person behind `request` (who must be logged in), with the session's level of
    assurance; the ids name whom they act for when the caller knows it (a draft's principal,
    the session's "act on behalf of" choice)."""
    user: Any = request.user
    trust = session_trust_level(request)
    return Actor.person(
        user,
        level_of_assurance=trust.level.key if trust is not None else "",
        organisation_id=organisation_id,
        principal_id=principal_id,
        proxy_id=proxy_id,
    )
