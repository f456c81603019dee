"""Who may do what with decisions: templates are kept by the Fachadministration (specialist
administration) or the system administration of the municipality — installation-wide
templates by whoever sees every office —; decisions are made and delivered by those who
handle the case (`cases.permissions.ensure_can_handle`: a handling role in the case's
office, the case's process, an API client of the municipality with the write scope)."""

from typing import Any

from django.utils.translation import gettext as _

from rathaus.cases.permissions import ensure_can_handle
from rathaus.core.actors import Actor
from rathaus.core.errors import NotPermitted
from rathaus.staff.models import Role
from rathaus.staff.selectors import municipality_ids_with_role, sees_all_offices

TEMPLATE_ROLES = (Role.SPECIALIST_ADMIN, Role.SYSTEM_ADMIN)


def template_keeper(*, actor: Actor, municipality: Any) -> bool:
    """Whether `actor` keeps the decision templates of `municipality` (None: the
    installation-wide ones)."""
    if actor.is_system:
        return True
    user = actor.user if actor.is_person else None
    if user is None:
        return False
    if sees_all_offices(user=user):
        return True
    return municipality is not None and any(
        municipality.pk in municipality_ids_with_role(user=user, role=role)
        for role in TEMPLATE_ROLES
    )


def ensure_template_keeper(*, actor: Actor, municipality: Any) -> None:
    """NotPermitted unless `actor` keeps the decision templates of `municipality`."""
    if not template_keeper(actor=actor, municipality=municipality):
        raise NotPermitted(_("Only the specialist administration keeps decision templates."))


def ensure_can_decide(*, actor: Actor, case: Any) -> None:
    """Raise unless `actor` may make and deliver decisions about `case`."""
    ensure_can_handle(actor=actor, case=case)
