from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rathaus.core.actors import Actor
from rathaus.core.admin_audit import AuditedModelAdmin
from rathaus.core.models import AuditEvent, OutboxMessage
from rathaus.core.outbox_runner import outbox_retry


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only view of the audit trail."""

    list_display = [
        "occurred_at",
        "actor_label",
        "action",
        "object_type",
        "object_repr",
        "ip_address",
    ]
    list_filter = ["action", "actor_type", "object_type"]
    search_fields = ["actor_label", "action", "object_id", "object_repr"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(AuditedModelAdmin):
    """Background work: watch failed messages and retry them (audited as `outbox.retry`)."""

    list_display = [
        "id",
        "topic",
        "status",
        "attempts",
        "created_at",
        "available_at",
        "locked_until",
        "done_at",
    ]
    list_filter = ["status", "topic"]
    search_fields = ["=id", "topic", "last_error"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "topic",
        "payload",
        "status",
        "attempts",
        "created_at",
        "available_at",
        "locked_until",
        "done_at",
        "last_error",
    ]
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # The retry action needs the change permission of the model, which the admin's
        # read-only pages do not grant; check it here instead.
        actions = super().get_actions(request)
        if not request.user.has_perm("core.change_outboxmessage"):
            actions.pop("retry_now", None)
        return actions

    @admin.action(description=_("Retry now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        retried = 0
        for message in queryset.exclude(status=OutboxMessage.Status.DONE):
            outbox_retry(message=message, actor=Actor.person(request.user))
            retried += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d message will be retried.",
                "%(count)d messages will be retried.",
                retried,
            )
            % {"count": retried},
            messages.SUCCESS,
        )
