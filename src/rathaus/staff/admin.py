from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rathaus.core.actors import Actor
from rathaus.core.admin_audit import AdminServices, AuditedModelAdmin
from rathaus.core.audit_actions import register_admin_model
from rathaus.staff import services
from rathaus.staff.models import RoleAssignment


def _revoke(actor: Actor, assignment: RoleAssignment) -> None:
    if assignment.source == RoleAssignment.Source.DIRECTORY:
        # The service leaves directory roles to the directory; a superuser may still remove
        # one here (the next directory login brings it back if the group still grants it).
        AuditedModelAdmin.generic_delete(actor=actor, obj=assignment)
    else:
        services.role_revoke(actor=actor, assignment=assignment)


# Removing a directory role is the one delete the service leaves to the admin.
register_admin_model(RoleAssignment, ["delete"])


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedModelAdmin):
    """Role assignments for superusers; system administrators use the staff area's services.

    Deliberately without any "log in as" (impersonation) action: nobody acts under another
    person's name (see docs/security.md)."""

    list_display = ["user", "office", "role", "source", "valid_from", "valid_until"]
    list_filter = ["role", "source", "office__municipality"]
    search_fields = ["user__username", "user__email", "office__name"]
    list_select_related = ["user", "office__municipality"]
    autocomplete_fields = ["user", "office"]
    readonly_fields = ["source"]
    # Assigning and revoking go through the staff services (staff.role.assign/revoke), as in
    # the staff area; changing an assignment's dates only the admin does (generic audit).
    model_services = AdminServices(
        create=lambda actor, _parent, data: services.role_assign(actor=actor, **data),
        delete=_revoke,
    )

    def _superuser(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._superuser(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request)
