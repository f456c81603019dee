from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from rathaus.accounts.models import Consent, ConsentText, User
from rathaus.core.actors import Actor
from rathaus.core.admin_audit import AdminServices, AuditedModelAdmin
from rathaus.core.audit import audit_record, audit_via

# Fields whose old and new values the audit keeps (rights and status); every other field
# of an account (personal data) is recorded by name only. The password never appears: its
# hash is not a form field of the change page, and `user.password_set` records only that it
# was set.
USER_AUDITED_VALUES = ("username", "kind", "is_active", "is_staff", "is_superuser")
USER_AUDITED_LISTS = ("groups", "user_permissions")


def _names(values: Any) -> list[str]:
    return sorted(str(v) for v in values)


def user_admin_update(actor: Actor, user: User, data: dict[str, Any]) -> None:
    """Save the admin's changes of `user` (the form's values, not yet saved) and audit them
    as `user.update`: rights old → new, groups and permissions old → new, other fields by
    name. Many-to-many values are saved by the admin right after, in the same transaction."""
    stored = User.objects.get(pk=user.pk)
    changes: dict[str, Any] = {}
    for name, value in data.items():
        if name in USER_AUDITED_VALUES:
            changes[name] = [getattr(stored, name), value]
        elif name in USER_AUDITED_LISTS:
            changes[name] = [_names(getattr(stored, name).all()), _names(value)]
        elif name != "password":
            changes.setdefault("fields", []).append(name)
    user.save()
    audit_record(actor=actor, action="user.update", obj=user, details=changes)


def user_admin_delete(actor: Actor, user: User) -> None:
    """Delete an account in the admin, audited as `user.delete` (no personal data)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="user.delete",
            obj=user,
            details={"username": user.username, "kind": user.kind},
        )
        user.delete()


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    """Accounts in the admin; every change is audited (`user.create|update|delete`,
    `user.password_set`), never a password or its hash. Creating is done here, not through
    `AdminServices.create`: Django's add form sets the password on the object itself."""

    model_services = AdminServices(update=user_admin_update, delete=user_admin_delete)
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

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        with transaction.atomic(), audit_via("admin"):
            obj.save()
            audit_record(
                actor=Actor.person(request.user),
                action="user.create",
                obj=obj,
                details={
                    **{name: getattr(obj, name) for name in USER_AUDITED_VALUES},
                    "usable_password": obj.has_usable_password(),
                },
            )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            # A valid form saves and redirects; an invalid one renders the page again.
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.get(pk=id)
                with audit_via("admin"):
                    audit_record(
                        actor=Actor.person(request.user),
                        action="user.password_set",
                        obj=user,
                        details={"usable_password": user.has_usable_password()},
                    )
        return response


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
