"""Who acts: a person (with the level of assurance of their login and whom they act for), an
API client (a specialist system of one municipality) or the system running a named job.

Edges build the actor once per request (`rathaus.core.request_actor` for the portal and
/intern/, the API's authentication for clients) and pass it to every service; services never
look at the request. The audit trail records the actor's kind and id, so an API client is
recorded as itself, not as "system".
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID


class ActorKind(StrEnum):
    PERSON = "person"
    API_CLIENT = "api_client"
    SYSTEM = "system"


@dataclass(frozen=True, kw_only=True)
class Actor:
    """An immutable description of who performs a service call.

    `user` is the person's account (kind PERSON), `client` the API client row (kind
    API_CLIENT); `level_of_assurance` is the trust level of the person's login ("" when
    unknown); `organisation_id` / `principal_id` / `proxy_id` name whom a person acts for;
    `municipality_id` is an API client's municipality; `job` names the system's job.
    """

    kind: ActorKind
    id: str
    label: str
    user: Any = None
    client: Any = None
    level_of_assurance: str = ""
    organisation_id: UUID | None = None
    principal_id: UUID | None = None
    proxy_id: UUID | None = None
    municipality_id: UUID | None = None
    job: str = ""

    @classmethod
    def person(
        cls,
        user: Any,
        *,
        level_of_assurance: str = "",
        organisation_id: UUID | None = None,
        principal_id: UUID | None = None,
        proxy_id: UUID | None = None,
    ) -> "Actor":
        if user is None or not getattr(user, "is_authenticated", False):
            raise ValueError("a person actor needs an authenticated user")
        label = getattr(user, "get_username", lambda: str(user))()
        return cls(
            kind=ActorKind.PERSON,
            id=str(user.pk),
            label=str(label),
            user=user,
            level_of_assurance=str(level_of_assurance or ""),
            organisation_id=organisation_id,
            principal_id=principal_id,
            proxy_id=proxy_id,
        )

    @classmethod
    def api_client(cls, client: Any) -> "Actor":
        return cls(
            kind=ActorKind.API_CLIENT,
            id=str(client.pk),
            label=str(client.name),
            client=client,
            municipality_id=client.municipality_id,
        )

    @classmethod
    def system(cls, job: str) -> "Actor":
        if not job:
            raise ValueError("a system actor names its job")
        return cls(kind=ActorKind.SYSTEM, id=job, label="system", job=job)

    @property
    def is_person(self) -> bool:
        return self.kind is ActorKind.PERSON

    @property
    def is_api_client(self) -> bool:
        return self.kind is ActorKind.API_CLIENT

    @property
    def is_system(self) -> bool:
        return self.kind is ActorKind.SYSTEM

    @property
    def user_id(self) -> Any:
        """The person's user pk (None for clients and the system)."""
        return self.user.pk if self.user is not None else None

    def __str__(self) -> str:
        return self.label


def actor_of(value: "Actor | Any", *, job: str = "unspecified") -> Actor:
    """`value` as an Actor: an Actor stays, a user becomes a person (without a known level of
    assurance), an object with `as_actor()` (the API client) converts itself, None becomes the
    system running `job`. For call sites that hold a user, not for new service signatures."""
    if isinstance(value, Actor):
        return value
    if value is None:
        return Actor.system(job)
    as_actor = getattr(value, "as_actor", None)
    if callable(as_actor):
        converted = as_actor()
        if isinstance(converted, Actor):
            return converted
    if getattr(value, "is_authenticated", False):
        return Actor.person(value)
    return Actor.system(job)
