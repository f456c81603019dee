from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rathaus.catalog.models import LifeSituation, LocalService, RequiredDocument, Service
from rathaus.catalog.search import search_index_update
from rathaus.core.admin_audit import AuditedModelAdmin


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


class LocalServiceInline(admin.TabularInline):
    model = LocalService
    extra = 0
    autocomplete_fields = ["municipality", "responsible_office"]


@admin.register(Service)
class ServiceAdmin(AuditedModelAdmin):
    list_display = ["name_de", "leika_key", "target_group", "ozg_maturity", "min_trust_level"]
    list_filter = [
        "target_group",
        "ozg_maturity",
        "min_trust_level",
        "online_application",
        "life_situations",
    ]
    search_fields = ["name_de", "name_en", "leika_key", "keywords", "synonyms"]
    prepopulated_fields = {"slug": ["name_de"]}
    filter_horizontal = ["life_situations"]
    inlines = [RequiredDocumentInline, LocalServiceInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Life situations are saved here, after the service itself: reindex afterwards.
        search_index_update(services=[form.instance])


@admin.register(LifeSituation)
class LifeSituationAdmin(AuditedModelAdmin):
    list_display = ["name_de", "name_en", "slug"]
    search_fields = ["name_de", "name_en"]
    prepopulated_fields = {"slug": ["name_de"]}

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Life-situation names are part of their services' search documents.
        search_index_update(services=list(obj.services.all()))


@admin.register(LocalService)
class LocalServiceAdmin(AuditedModelAdmin):
    list_display = ["service", "municipality", "responsible_office", "online_available"]
    list_filter = ["municipality", "online_available"]
    search_fields = ["service__name_de", "municipality__name"]
    list_select_related = ["service", "municipality", "responsible_office"]
    autocomplete_fields = ["service", "municipality", "responsible_office"]
