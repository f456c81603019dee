from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from rathaus.cases.models import Case, DocumentRequest, StatusChange


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StatusChangeInline(_ReadOnlyInline):
    model = StatusChange
    fields = readonly_fields = ("created_at", "status", "actor_label", "note")


class DocumentRequestInline(_ReadOnlyInline):
    model = DocumentRequest
    fields = readonly_fields = ("created_at", "deadline", "status", "message", "closed_at")


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Cases change through their services (inbox, API), never here: the admin shows them to
    superusers for support only (clerks use the inbox, which keeps need to know per office)."""

    list_display = ["reference", "service", "office", "status", "opened_at", "acknowledged_at"]
    list_filter = ["status", "municipality"]
    search_fields = ["reference"]
    list_select_related = ["service", "office"]
    date_hierarchy = "opened_at"
    inlines = [StatusChangeInline, DocumentRequestInline]
    exclude = ["applicant", "principal_user", "organisation", "assignee"]
    readonly_fields = ["applicant_name", "assignee_name"]

    @admin.display(description=_("applicant"))
    def applicant_name(self, obj: Case) -> str:
        return str(obj.applicant.display_name)

    @admin.display(description=_("assignee"))
    def assignee_name(self, obj: Case) -> str:
        return str(obj.assignee.display_name) if obj.assignee else ""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
