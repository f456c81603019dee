"""Read-only admin for support staff: organisations, members, invitations and proxies.

Changes go through the account pages (and their services), which check permissions and
audit; the admin only shows the state, e.g. to answer a citizen's question.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rathaus.organisations.models import Invitation, Membership, Organisation, Proxy, ProxyUse


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(ReadOnlyMixin, admin.TabularInline):
    model = Membership
    fields = ["user", "role", "created_at"]
    readonly_fields = ["user", "role", "created_at"]
    extra = 0


class InvitationInline(ReadOnlyMixin, admin.TabularInline):
    model = Invitation
    fields = ["email", "role", "invited_by", "expires_at", "accepted_at", "revoked_at"]
    readonly_fields = ["email", "role", "invited_by", "expires_at", "accepted_at", "revoked_at"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "register_number", "city", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "register_number"]
    inlines = [MembershipInline, InvitationInline]


class ProxyUseInline(ReadOnlyMixin, admin.TabularInline):
    model = ProxyUse
    fields = ["created_at", "action", "service", "ip_address"]
    readonly_fields = ["created_at", "action", "service", "ip_address"]
    extra = 0


@admin.register(Proxy)
class ProxyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "all_services",
        "valid_from",
        "valid_until",
        "revoked_at",
        "created_at",
    ]
    list_select_related = ["principal_user", "principal_organisation", "agent"]
    search_fields = ["agent__email", "principal_user__email", "principal_organisation__name"]
    inlines = [ProxyUseInline]
