"""Object-level checks for staff: a member of staff acts only within their offices.

Services call `ensure_office_access` before they change anything that belongs to an office;
list reads go through `restrict_to_offices`. `StaffPermissionDenied` is a NotPermitted: views
leave it to `rathaus.core.error_responses` (403). Where even the existence of an object must
stay hidden, selectors raise NotFound (404) instead.
"""

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from rathaus.core.errors import NotPermitted
from rathaus.municipalities.models import Office
from rathaus.staff.selectors import office_filter_visible_to, sees_all_offices, staff_roles

M = TypeVar("M", bound=Model)


class StaffPermissionDenied(NotPermitted):
    """The acting member of staff may not see or change this object."""


def office_access_allowed(*, user: Any, office: Office, roles: Iterable[str] | None = None) -> bool:
    """Whether `user` holds one of `roles` (any role when None) in `office`; superusers do."""
    if sees_all_offices(user=user):
        return True
    held = staff_roles(user=user, office=office)
    return bool(held) if roles is None else bool(held & set(roles))


def ensure_office_access(*, user: Any, office: Office, roles: Iterable[str] | None = None) -> None:
    """Raise StaffPermissionDenied unless `user` holds one of `roles` (any role when None)
    in `office`. Superusers pass."""
    if not office_access_allowed(user=user, office=office, roles=roles):
        raise StaffPermissionDenied(_("You have no access to this office."))


def restrict_to_offices(
    qs: QuerySet[M],
    *,
    user: Any,
    office_field: str = "responsible_office",
    roles: Iterable[str] | None = None,
) -> QuerySet[M]:
    """`qs` limited to rows that belong (through `office_field`) to the offices of `user`."""
    return office_filter_visible_to(qs, user=user, office_field=office_field, roles=roles)
