"""Who may do what with the records. The file plan is kept by a municipality's registry
(Registratur) or system administration; files are kept by the office's case-handling roles.
The system (a command, a subscriber) acts under its job's name; a specialist system (API
client, scopes `records:read` / `records:write`) within its municipality."""

from uuid import UUID

from django.utils.translation import gettext as _

from rathaus.cases.permissions import HANDLING_ROLES
from rathaus.core.actors import Actor
from rathaus.core.errors import NotFound, NotPermitted
from rathaus.municipalities.models import Municipality, Office
from rathaus.staff.models import Role
from rathaus.staff.permissions import office_access_allowed
from rathaus.staff.selectors import (
    municipality_ids_with_role,
    office_ids_visible_to,
    sees_all_offices,
)

PLAN_ROLES = (Role.REGISTRY, Role.SYSTEM_ADMIN)


def ensure_plan_keeper(*, actor: Actor, municipality: Municipality) -> None:
    """NotPermitted unless `actor` may change `municipality`'s file plan."""
    if actor.is_system:
        return
    user = actor.user if actor.is_person else None
    if user is not None and (
        sees_all_offices(user=user)
        or any(
            municipality.pk in municipality_ids_with_role(user=user, role=role)
            for role in PLAN_ROLES
        )
    ):
        return
    raise NotPermitted(_("Only the registry or system administration keeps the file plan."))


def ensure_file_keeper(*, actor: Actor, office: Office) -> None:
    """NotPermitted unless `actor` may create, close and reopen files of `office`."""
    if not _handles(actor, office):
        raise NotPermitted(_("You do not keep the files of this office."))


def ensure_file_reader(*, actor: Actor, office: Office) -> None:
    """NotFound (need to know) unless `actor` may read the documents of `office`'s files:
    the office's case-handling roles."""
    if not _handles(actor, office):
        raise NotFound(_("No such document."))


def _handles(actor: Actor, office: Office) -> bool:
    """The system; a specialist system (API client) of `office`'s municipality (its token's
    scope is checked by the API); a person holding one of the case-handling roles in
    `office`."""
    if actor.is_system:
        return True
    if actor.is_api_client:
        return actor.municipality_id == office.municipality_id
    user = actor.user if actor.is_person else None
    return user is not None and office_access_allowed(
        user=user, office=office, roles=HANDLING_ROLES
    )


def readable_office_ids(*, actor: Actor) -> set[UUID] | None:
    """The offices whose documents `actor` may read (None: all of them — the system and
    the installation's administrators)."""
    if actor.is_system:
        return None
    if actor.is_api_client:
        if actor.municipality_id is None:
            return set()
        offices = Office.objects.filter(municipality_id=actor.municipality_id)
        return set(offices.values_list("pk", flat=True))
    user = actor.user if actor.is_person else None
    if user is None:
        return set()
    if sees_all_offices(user=user):
        return None
    return office_ids_visible_to(user=user, roles=HANDLING_ROLES)
