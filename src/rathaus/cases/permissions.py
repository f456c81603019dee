"""Who may handle a case: staff with a handling role in the case's office, or an API client
(specialist system) of the case's municipality holding the scope."""

from django.utils.translation import gettext as _

from rathaus.cases.models import Case
from rathaus.core.actors import Actor
from rathaus.core.errors import NotPermitted
from rathaus.staff.models import Role
from rathaus.staff.permissions import ensure_office_access

# Need to know: who handles cases of an office (Fachadministration, Systemadministration and
# Datenschutz see no application data through the inbox).
HANDLING_ROLES = (Role.CASE_WORKER, Role.TEAM_LEAD, Role.REGISTRY)

# Scopes of API clients (registered in rathaus.apitokens.scopes).
API_READ_SCOPE = "applications:read"
API_WRITE_SCOPE = "applications:write"

# The case's process (rathaus.workflow: a model the office's Fachadministration published)
# acts for the office: it sets statuses and requests documents as its model says.
PROCESS_JOB = "workflow"


def ensure_can_handle(*, actor: Actor, case: Case, write: bool = True) -> None:
    """Raise unless `actor` may read (or, with `write`, change) `case`.

    Staff need a role in the case's office (StaffPermissionDenied); an API client must
    belong to the case's municipality and hold the read or write scope (NotPermitted); the
    system may not act on cases through these services, except the case's process
    (`Actor.system(PROCESS_JOB)`).
    """
    if actor.is_system and actor.id == PROCESS_JOB:
        return
    if actor.is_api_client:
        scope = API_WRITE_SCOPE if write else API_READ_SCOPE
        scopes = getattr(actor.client, "scopes", None) or []
        if actor.municipality_id != case.municipality_id or scope not in scopes:
            raise NotPermitted(_("This client may not handle this application."))
        return
    if not actor.is_person:
        raise NotPermitted(_("This client may not handle this application."))
    ensure_office_access(user=actor.user, office=case.office, roles=HANDLING_ROLES)


def actor_label(actor: Actor) -> str:
    """How an actor is named on the status history and the acknowledgement."""
    if actor.is_api_client:
        return str(getattr(actor.client, "name", actor.label))
    if actor.is_person:
        return str(getattr(actor.user, "display_name", actor.label))
    return ""
