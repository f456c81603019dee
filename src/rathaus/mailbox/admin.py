"""The office mailboxes in the admin: whether an office accepts messages as written form
(§3a VwVfG) and how its staff are told of new mail. Threads and messages are not shown here:
their content is encrypted and read only in the Postfach."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from rathaus.core.admin_audit import AuditedModelAdmin

from .models import Mailbox


@admin.register(Mailbox)
class OfficeMailboxAdmin(AuditedModelAdmin):
    list_display = ["office", "written_form_accepted", "notify"]
    list_filter = ["written_form_accepted", "office__municipality"]
    search_fields = ["office__name"]
    fields = ["office", "written_form_accepted", "notify"]
    readonly_fields = ["office"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Mailbox]:
        return (
            super().get_queryset(request).filter(kind=Mailbox.Kind.OFFICE).select_related("office")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made with the office, on first use

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
