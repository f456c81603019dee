"""Who may use which mailbox. A person uses their own and those of the organisations they
are a member of; staff use the mailboxes of the offices in which they hold a handling role
today; an API client (a specialist system) holding a Postfach scope uses the mailboxes of the
offices of its municipality. Anyone else's mailbox does not exist for them (NotFound, as
everywhere in rathaus)."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from rathaus.cases.permissions import HANDLING_ROLES
from rathaus.core.actors import Actor
from rathaus.core.errors import NotFound
from rathaus.organisations.selectors import memberships_of
from rathaus.staff.selectors import office_ids_visible_to

from .models import Mailbox

# Scopes of API clients (registered in rathaus.apitokens.scopes): reading a municipality's
# office mailboxes (message state, content, receipts), and writing from them (messages to a
# case's applicant, acts provided for retrieval). The API checks the one an endpoint needs;
# either lets a client use the office mailboxes at all.
API_READ_SCOPE = "mailbox:read"
API_WRITE_SCOPE = "mailbox:write"
API_SCOPES = (API_READ_SCOPE, API_WRITE_SCOPE)


def mailboxes_usable_by(*, user: Any) -> QuerySet[Mailbox]:
    """The mailboxes `user` may read and write from."""
    if user is None or not user.is_authenticated:
        return Mailbox.objects.none()
    condition = Q(user_id=user.pk) | Q(
        organisation_id__in=memberships_of(user=user).values("organisation_id")
    )
    if user.is_staff:
        condition |= Q(office_id__in=sorted(office_ids_visible_to(user=user, roles=HANDLING_ROLES)))
    return Mailbox.objects.filter(condition)


def mailboxes_of_client(*, actor: Actor) -> QuerySet[Mailbox]:
    """The mailboxes the API client `actor` may use: those of the offices of its
    municipality, if it holds a Postfach scope (none otherwise, and none for other actors)."""
    scopes = getattr(actor.client, "scopes", None) or []
    if not actor.is_api_client or actor.municipality_id is None:
        return Mailbox.objects.none()
    if not any(scope in scopes for scope in API_SCOPES):
        return Mailbox.objects.none()
    return Mailbox.objects.filter(
        kind=Mailbox.Kind.OFFICE, office__municipality_id=actor.municipality_id
    )


def mailboxes_usable(*, actor: Actor) -> QuerySet[Mailbox]:
    """The mailboxes `actor` may use: a person's by `mailboxes_usable_by`, an API client's by
    `mailboxes_of_client`; none for the system (it never goes through these checks)."""
    if actor.is_api_client:
        return mailboxes_of_client(actor=actor)
    if actor.is_person:
        return mailboxes_usable_by(user=actor.user)
    return Mailbox.objects.none()


def ensure_mailbox_usable(*, actor: Actor, mailbox: Mailbox) -> None:
    """NotFound unless `actor` may use `mailbox` (`mailboxes_usable`)."""
    if not mailboxes_usable(actor=actor).filter(pk=mailbox.pk).exists():
        raise NotFound(_("No such mailbox."))
