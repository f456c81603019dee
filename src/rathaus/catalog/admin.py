from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rathaus.catalog import services
from rathaus.catalog.models import LifeSituation, LocalService, RequiredDocument, Service
from rathaus.catalog.search import search_index_update
from rathaus.core.admin_audit import AdminServices, AuditedModelAdmin


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
    # Every write a service offers goes through it (one audit name); deleting a service or
    # a local offer only the admin does (generic audit).
    model_services = AdminServices(
        create=lambda actor, _parent, data: services.service_create(actor=actor, **data),
        update=lambda actor, obj, data: services.service_update(actor=actor, service=obj, **data),
    )
    inline_services = {
        RequiredDocument: AdminServices(
            create=lambda actor, parent, data: services.required_document_add(
                actor=actor, service=parent, **data
            ),
            update=lambda actor, obj, data: services.required_document_update(
                actor=actor, document=obj, **data
            ),
            delete=lambda actor, obj: services.required_document_remove(actor=actor, document=obj),
        ),
        LocalService: AdminServices(
            create=lambda actor, parent, data: services.local_service_create(
                actor=actor, service=parent, **data
            ),
            update=lambda actor, obj, data: services.local_service_update(
                actor=actor, local_service=obj, **data
            ),
        ),
    }

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Life situations are saved here, after the service itself: reindex afterwards.
        search_index_update(services=[form.instance])


@admin.register(LifeSituation)
class LifeSituationAdmin(AuditedModelAdmin):
    list_display = ["name_de", "name_en", "slug"]
    search_fields = ["name_de", "name_en"]
    prepopulated_fields = {"slug": ["name_de"]}
    model_services = AdminServices(
        create=lambda actor, _parent, data: services.life_situation_create(actor=actor, **data),
        update=lambda actor, obj, data: services.life_situation_update(
            actor=actor, life_situation=obj, **data
        ),
    )

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
    model_services = AdminServices(
        create=lambda actor, _parent, data: services.local_service_create(actor=actor, **data),
        update=lambda actor, obj, data: services.local_service_update(
            actor=actor, local_service=obj, **data
        ),
    )
