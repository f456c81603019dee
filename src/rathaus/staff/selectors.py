"""Reads about staff: their roles and the offices they may see (need to know)."""

import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.catalog.models import LocalService
from rathaus.core.errors import NotFound
from rathaus.municipalities.models import Municipality, Office
from rathaus.staff.models import Role, RoleAssignment
from rathaus.staff.role_memo import HeldRole, role_memo_active, role_memo_get


def _is_staff_member(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
    )


def role_assignments_active(*, user: Any) -> QuerySet[RoleAssignment]:
    """Role assignments of `user` that are valid now (none for non-staff or inactive users)."""
    if not _is_staff_member(user):
        return RoleAssignment.objects.none()
    now = timezone.now()
    return (
        RoleAssignment.objects.filter(user_id=user.pk)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=now))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
    )


def _load_held_roles(user_id: Any) -> tuple[HeldRole, ...]:
    offices_of_municipality = (
        Office.objects.filter(municipality_id=OuterRef("office__municipality_id"))
        .order_by()
        .values("municipality_id")
        .annotate(number=Count("pk"))
        .values("number")
    )
    rows = (
        RoleAssignment.objects.filter(user_id=user_id)
        .order_by()  # no join for the default order
        .values_list(
            "office_id",
            "role",
            "valid_from",
            "valid_until",
            "office__municipality_id",
            Subquery(offices_of_municipality),
        )
    )
    return tuple(HeldRole(*row) for row in rows)


def _held_roles(*, user: Any, roles: Iterable[str] | None = None) -> list[HeldRole]:
    """The assignments of `user` valid now (of `roles` if given): one query per request
    (`rathaus.staff.role_memo`), one per call outside a request."""
    if not _is_staff_member(user):
        return []
    now = timezone.now()
    wanted = None if roles is None else {str(role) for role in roles}  # Role members hash apart
    return [
        held
        for held in role_memo_get(user.pk, lambda: _load_held_roles(user.pk))
        if held.valid_at(now) and (wanted is None or held.role in wanted)
    ]


def _office_id_query(
    *, user: Any, roles: Iterable[str] | None
) -> QuerySet[RoleAssignment, uuid.UUID] | list[uuid.UUID]:
    """The offices in which `user` holds one of `roles` (any role when None), for a filter
    `…__in=`: inside a request the ids from the request's memo (no query of its own), else a
    subquery."""
    if role_memo_active():
        return sorted({held.office_id for held in _held_roles(user=user, roles=roles)})
    qs = role_assignments_active(user=user)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return qs.order_by().values_list("office_id", flat=True)  # no join for the default order


def held_offices_by_municipality(
    *, user: Any, roles: Iterable[str]
) -> dict[uuid.UUID, tuple[set[uuid.UUID], int]]:
    """The offices in which `user` holds one of `roles` now, by municipality, each with the
    number of offices that municipality has (so whether they are all of them); from the
    request's memo, no query of its own."""
    by_municipality: dict[uuid.UUID, tuple[set[uuid.UUID], int]] = {}
    for held in _held_roles(user=user, roles=roles):
        offices, _ = by_municipality.setdefault(
            held.municipality_id, (set(), held.municipality_offices)
        )
        offices.add(held.office_id)
    return by_municipality


def sees_all_offices(*, user: Any) -> bool:
    """True for superusers: they administer the installation and are not limited to offices."""
    return _is_staff_member(user) and bool(user.is_superuser)


def office_ids_visible_to(
    *, user: Any, role: str | None = None, roles: Iterable[str] | None = None
) -> set[uuid.UUID]:
    """Primary keys of the offices in which `user` holds `role` (any of `roles`; any role
    when neither is given). Superusers see every office."""
    wanted = [role] if role is not None else (list(roles) if roles is not None else None)
    if sees_all_offices(user=user):
        return set(Office.objects.values_list("pk", flat=True))
    return {held.office_id for held in _held_roles(user=user, roles=wanted)}


def office_filter_visible_to(
    qs: QuerySet[Any], *, user: Any, office_field: str, roles: Iterable[str] | None = None
) -> QuerySet[Any]:
    """`qs` narrowed to rows whose `office_field` is an office `user` may see (the ids of the
    request's memo, or one subquery)."""
    if sees_all_offices(user=user):
        return qs
    return qs.filter(**{f"{office_field}__in": _office_id_query(user=user, roles=roles)})


def staff_offices(*, user: Any) -> QuerySet[Office]:
    """Offices in which `user` currently holds at least one role, with their municipality."""
    return office_filter_visible_to(
        Office.objects.select_related("municipality"), user=user, office_field="pk"
    ).order_by("municipality__name", "name")


def staff_roles(*, user: Any, office: Office) -> set[str]:
    """The roles `user` currently holds in `office` (role values, e.g. "case_worker")."""
    return {held.role for held in _held_roles(user=user) if held.office_id == office.pk}


def staff_roles_by_office(*, user: Any) -> list[tuple[Office, list[str]]]:
    """Each office of `user` with the labels of the roles held there (for the start page)."""
    by_office: dict[uuid.UUID, tuple[Office, list[str]]] = {}
    for assignment in role_assignments_active(user=user).select_related("office__municipality"):
        office = assignment.office
        by_office.setdefault(office.pk, (office, []))[1].append(str(Role(assignment.role).label))
    return sorted(by_office.values(), key=lambda pair: (pair[0].municipality.name, pair[0].name))


def role_assignment_list(*, office: Office) -> QuerySet[RoleAssignment]:
    """All role assignments of `office` (current and not), with their users."""
    return RoleAssignment.objects.filter(office=office).select_related("user")


def staff_office_get(*, user: Any, office_id: uuid.UUID) -> Office:
    """The office `office_id` if `user` holds a role there, else NotFound — an office outside
    one's own is treated as not existing."""
    office = staff_offices(user=user).filter(pk=office_id).first()
    if office is None:
        raise NotFound(_("No such office."))
    return office


def staff_local_services(*, user: Any) -> QuerySet[LocalService]:
    """The services offered by municipalities for which an office of `user` is responsible."""
    return office_filter_visible_to(
        LocalService.objects.select_related(
            "service", "municipality", "responsible_office__municipality"
        ),
        user=user,
        office_field="responsible_office",
    ).order_by("municipality__name", "responsible_office__name", "service__name_de")


def municipality_ids_with_role(*, user: Any, role: str) -> set[uuid.UUID]:
    """Municipalities in which `user` holds `role` in at least one office (all for
    superusers): for duties that belong to the municipality, not one office (the cash office)."""
    if sees_all_offices(user=user):
        return set(Municipality.objects.values_list("pk", flat=True))
    return set(
        Office.objects.filter(pk__in=_office_id_query(user=user, roles=[role])).values_list(
            "municipality_id", flat=True
        )
    )


def administers_roles(*, user: Any) -> bool:
    """Whether `user` administers any roles (`role_admin_offices` is not empty), from the
    role assignments alone (the request's memo): the staff area's navigation asks on every
    page."""
    if sees_all_offices(user=user):
        return True
    return bool(_held_roles(user=user, roles=[Role.SYSTEM_ADMIN]))


def role_admin_offices(*, user: Any) -> QuerySet[Office]:
    """Offices whose roles `user` administers: all offices of each municipality in which
    `user` holds Systemadministration (every office for superusers)."""
    offices = Office.objects.select_related("municipality").order_by("municipality__name", "name")
    if sees_all_offices(user=user):
        return offices
    municipality_ids = Office.objects.filter(
        pk__in=_office_id_query(user=user, roles=[Role.SYSTEM_ADMIN])
    ).values("municipality_id")
    return offices.filter(municipality_id__in=municipality_ids)


def role_assignment_list_administered(*, user: Any) -> QuerySet[RoleAssignment]:
    """Role assignments (current or not) in the offices whose roles `user` administers."""
    return (
        RoleAssignment.objects.filter(office__in=role_admin_offices(user=user).values("pk"))
        .select_related("user", "office__municipality")
        .order_by("office__municipality__name", "office__name", "user__username", "role")
    )


def role_assignment_get_administered(*, user: Any, assignment_id: uuid.UUID) -> RoleAssignment:
    """One role assignment that `user` administers, or NotFound."""
    assignment = role_assignment_list_administered(user=user).filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFound(_("No such role assignment."))
    return assignment


def staff_account_get(*, username: str) -> Any:
    """The active staff account named `username`, or NotFound."""
    user = (
        get_user_model()
        .objects.filter(username=username.strip(), is_staff=True, is_active=True)
        .first()
    )
    if user is None:
        raise NotFound(_("No staff account with this user name."))
    return user
