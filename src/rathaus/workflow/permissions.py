"""Who may work on a work item: a clerk of the case's office with one of the task's roles
(the team lead always); for anyone else the item does not exist (404)."""

from django.utils.translation import gettext as _

from rathaus.core.actors import Actor
from rathaus.core.errors import NotFound, NotPermitted
from rathaus.staff.models import Role
from rathaus.staff.permissions import office_access_allowed

from .models import WorkItem

CASE_ROLES = (Role.CASE_WORKER, Role.TEAM_LEAD)


def ensure_work_item_access(*, actor: Actor, item: WorkItem) -> None:
    """NotFound unless the actor handles cases in the item's office; NotPermitted when the
    task asks for a role the clerk does not hold there."""
    user = actor.user if actor.is_person else None
    if user is None or not office_access_allowed(
        user=user, office=item.office, roles=[*CASE_ROLES, *item.roles]
    ):
        raise NotFound(_("No such task."))
    roles = [*item.roles, Role.TEAM_LEAD] if item.roles else list(CASE_ROLES)
    if not office_access_allowed(user=user, office=item.office, roles=roles):
        raise NotPermitted(_("This task is for another role."))
