"""Who may use which mailbox. A person uses their own and those of the organisations they
are a member of; staff use the mailboxes of the offices in which they hold a handling role
today. Anyone else's mailbox does not exist for them (NotFound, as everywhere in rathaus)."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from rathaus.cases.permissions import HANDLING_ROLES
from rathaus.core.actors import Actor
from rathaus.core.errors import NotFound
from rathaus.organisations.selectors import memberships_of
from rathaus.staff.selectors import office_ids_visible_to

from .models import Mailbox


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


def ensure_mailbox_usable(*, actor: Actor, mailbox: Mailbox) -> None:
    """NotFound unless the person `actor` may use `mailbox`."""
    if (
        not actor.is_person
        or not mailboxes_usable_by(user=actor.user).filter(pk=mailbox.pk).exists()
    ):
        raise NotFound(_("No such mailbox."))
