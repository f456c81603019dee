from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rathaus.core.admin_audit import AuditedModelAdmin
from rathaus.municipalities.models import (
    AccessibilityFeedback,
    Municipality,
    Office,
    OpeningException,
    OpeningHours,
    PostalArea,
)


class PostalAreaInline(admin.TabularInline):
    model = PostalArea
    extra = 0


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class OpeningExceptionInline(admin.TabularInline):
    model = OpeningException
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "ars", "ags", "parent", "has_portal"]
    list_filter = ["kind", "land", "has_portal"]
    search_fields = ["name", "ars", "ags", "slug"]
    list_select_related = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    inlines = [PostalAreaInline]


@admin.register(Office)
class OfficeAdmin(AuditedModelAdmin):
    list_display = ["name", "municipality", "kind", "phone", "email"]
    list_filter = ["kind", "municipality"]
    search_fields = ["name", "municipality__name"]
    list_select_related = ["municipality"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["municipality", "parent"]
    inlines = [OpeningHoursInline, OpeningExceptionInline]


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    """Barrier reports from the portals; read-only, they are citizens' statements."""

    list_display = ["created_at", "municipality", "page_url", "name", "email"]
    list_filter = ["municipality"]
    search_fields = ["message", "page_url", "name", "email"]
    list_select_related = ["municipality"]
    date_hierarchy = "created_at"
    readonly_fields = ["municipality", "page_url", "message", "name", "email", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
