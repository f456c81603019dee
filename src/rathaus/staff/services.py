"""Writes about staff access: role assignments and office changes checked by role.

Every function checks the actor's permission itself (callers cannot forget it) and records
an audit event in the transaction of the change.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import DomainError
from rathaus.core.model_changes import instance_create, instance_snapshot
from rathaus.municipalities import services as municipality_services
from rathaus.municipalities.models import Office
from rathaus.staff.models import Role, RoleAssignment
from rathaus.staff.permissions import StaffPermissionDenied, ensure_office_access
from rathaus.staff.selectors import office_filter_visible_to, sees_all_offices


def _ensure_may_assign_roles(*, actor: Actor, office: Office) -> None:
    # Systemadministration in any office of the municipality administers its staff access;
    # a role never reaches into another municipality.
    if sees_all_offices(user=actor.user):
        return
    admin_offices = office_filter_visible_to(
        Office.objects.filter(municipality_id=office.municipality_id),
        user=actor.user,
        office_field="pk",
        roles=[Role.SYSTEM_ADMIN],
    )
    if not admin_offices.exists():
        raise StaffPermissionDenied(
            _("Only system administration of this municipality may assign roles.")
        )


@transaction.atomic
def role_assign(
    *,
    actor: Actor,
    user: Any,
    office: Office,
    role: str,
    valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
) -> RoleAssignment:
    """Give `user` (a member of staff) `role` in `office`; only system administration of the
    office's municipality or a superuser may do so."""
    _ensure_may_assign_roles(actor=actor, office=office)
    if not user.is_staff:
        raise DomainError(_("Roles can only be given to staff accounts."), field="user")
    if RoleAssignment.objects.filter(user=user, office=office, role=role).exists():
        raise DomainError(_("This person already holds this role in this office."), field="role")
    assignment = instance_create(
        RoleAssignment,
        {
            "user": user,
            "office": office,
            "role": role,
            "source": RoleAssignment.Source.MANUAL,
            "valid_from": valid_from,
            "valid_until": valid_until,
        },
    )
    audit_record(
        actor=actor,
        action="staff.role.assign",
        obj=assignment,
        municipality=office.municipality_id,
        details=instance_snapshot(assignment),
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor: Actor, assignment: RoleAssignment) -> None:
    """Take a manually assigned role away (same permission as `role_assign`); the audit trail
    keeps who held it where. Directory roles follow the directory's groups."""
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    _ensure_may_assign_roles(actor=actor, office=assignment.office)
    if assignment.source == RoleAssignment.Source.DIRECTORY:
        # The next directory login would bring it back: change the group membership instead.
        raise DomainError(_("Roles from the staff directory are changed in the directory."))
    audit_record(
        actor=actor,
        action="staff.role.revoke",
        obj=assignment,
        municipality=assignment.office.municipality_id,
        details=instance_snapshot(assignment),
    )
    assignment.delete()


@transaction.atomic
def directory_roles_sync(
    *, user: Any, grants: Iterable[tuple[Office, str]]
) -> dict[str, list[str]]:
    """Make the directory-sourced roles of `user` equal `grants` (office, role) — run by the
    directory login on every sign-in. Manually assigned roles stay untouched.

    Returns {"added": [...], "removed": [...]} as "municipality/office:role" labels.
    """
    wanted = {(office.pk, role): office for office, role in grants}
    current = {
        (a.office_id, a.role): a
        for a in RoleAssignment.objects.select_for_update()
        .filter(user=user)
        .select_related("office__municipality")
    }
    added: list[str] = []
    removed: list[str] = []
    for key, office in wanted.items():
        if key not in current:
            RoleAssignment.objects.create(
                user=user, office=office, role=key[1], source=RoleAssignment.Source.DIRECTORY
            )
            added.append(f"{office.municipality.slug}/{office.slug}:{key[1]}")
    for key, assignment in current.items():
        if assignment.source == RoleAssignment.Source.DIRECTORY and key not in wanted:
            assignment.delete()
            office = assignment.office
            removed.append(f"{office.municipality.slug}/{office.slug}:{key[1]}")
    if added or removed:
        # The system acts here (the directory is the source of truth), on behalf of `user`.
        audit_record(
            actor=Actor.system("directory_login"),
            action="staff.role.directory_sync",
            obj=user,
            details={"added": sorted(added), "removed": sorted(removed)},
        )
    return {"added": sorted(added), "removed": sorted(removed)}


@transaction.atomic
def directory_email_confirm(*, user: Any) -> None:
    """Mark the e-mail address the directory gave `user` as verified: the directory vouches
    for it, and the login (which requires verified addresses) must not wait for a mail."""
    from allauth.account.models import EmailAddress

    if not user.email:
        return
    EmailAddress.objects.filter(user=user, primary=True).exclude(email__iexact=user.email).update(
        primary=False
    )
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is not None and address.verified and address.primary:
        return
    if address is None:
        address = EmailAddress(user=user, email=user.email)
    address.verified = True
    address.primary = True
    address.save()
    audit_record(
        actor=Actor.system("directory_login"),
        action="staff.directory_email.confirm",
        obj=user,
        details={"email": address.email},
    )


@transaction.atomic
def directory_login_refuse(*, username: str, reason: str) -> None:
    """Record that the directory authenticated `username` but rathaus refused the login."""
    audit_record(
        actor=Actor.system("directory_login"),
        action="staff.directory_login.refused",
        details={"username": username, "reason": reason},
    )


@transaction.atomic
def office_contact_update(*, actor: Actor, office: Office, phone: str, email: str) -> Office:
    """Change an office's phone number and e-mail address; needs Fachadministration in that
    office (or a superuser)."""
    ensure_office_access(user=actor.user, office=office, roles=[Role.SPECIALIST_ADMIN])
    return municipality_services.office_update(
        actor=actor, office=office, phone=phone.strip(), email=email.strip()
    )
