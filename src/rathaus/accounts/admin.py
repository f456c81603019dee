from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from rathaus.accounts.models import Consent, ConsentText, User
from rathaus.core.admin_audit import AuditedModelAdmin


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "kind", "is_staff", "is_active", "last_login"]
    list_filter = ["kind", "is_staff", "is_active"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("rathaus", {"fields": ["kind"]}),
        (
            _("Profile"),
            {
                "fields": [
                    "street",
                    "postal_code",
                    "city",
                    "country",
                    "date_of_birth",
                    "phone",
                    "preferred_language",
                    "notify_by_email",
                ]
            },
        ),
        (_("Data protection"), {"fields": ["inactivity_warning_sent_at", "deleted_at"]}),
    )
    readonly_fields = ["inactivity_warning_sent_at", "deleted_at"]


@admin.register(ConsentText)
class ConsentTextAdmin(AuditedModelAdmin):
    """New versions are added; a version someone agreed to is never edited (only retired)."""

    list_display = ["key", "version", "title_de", "active"]
    list_filter = ["key", "active"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and obj.consents.exists():
            return ["key", "version", "title_de", "title_en", "text_de", "text_en"]
        return []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    """Read-only: consents are given and revoked by the citizen only."""

    list_display = ["user", "text", "granted_at", "revoked_at"]
    list_filter = ["text__key"]
    readonly_fields = ["user", "text", "language", "text_agreed", "granted_at", "revoked_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
