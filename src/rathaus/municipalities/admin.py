from django.contrib import admin

from rathaus.core.admin_audit import AuditedModelAdmin
from rathaus.municipalities.models import (
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
