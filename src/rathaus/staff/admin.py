from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rathaus.core.admin_audit import AuditedModelAdmin
from rathaus.staff.models import RoleAssignment


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

    def _superuser(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._superuser(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request)
