"""Admin for API clients and tokens: thin, every change goes through the services.

Token secrets are shown exactly once, on the page the issuing or rotating action renders;
they never reach a list, a message cookie or the log.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from rathaus.apitokens.models import ApiClient, ApiToken
from rathaus.apitokens.scopes import scope_choices
from rathaus.apitokens.selectors import token_is_active
from rathaus.apitokens.services import (
    IssuedToken,
    client_create,
    client_update,
    token_issue,
    token_revoke,
    token_rotate,
)
from rathaus.core.actors import Actor
from rathaus.core.errors import DomainError


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=scope_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ApiClient
        fields = ["name", "municipality", "scopes", "description"]


def _show_secrets(request: HttpRequest, issued: list[IssuedToken], title: str) -> TemplateResponse:
    response = TemplateResponse(
        request,
        "apitokens/admin/token_issued.html",
        {"title": title, "issued": issued, "opts": ApiToken._meta, "site_header": "rathaus"},
    )
    # The page holds secrets: no browser or proxy may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


class ApiTokenInline(admin.TabularInline):
    model = ApiToken
    fk_name = "client"
    fields = ["prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = ["name", "municipality", "scopes", "created_at"]
    list_filter = ["municipality"]
    search_fields = ["name", "municipality__name"]
    list_select_related = ["municipality"]
    inlines = [ApiTokenInline]
    actions = ["issue_token"]

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            client_update(
                actor=Actor.person(request.user),
                client=obj,
                name=data["name"],
                scopes=data["scopes"],
                description=data["description"],
            )
        else:
            created = client_create(
                actor=Actor.person(request.user),
                name=data["name"],
                municipality=data["municipality"],
                scopes=data["scopes"],
                description=data["description"],
            )
            obj.pk = created.pk
            obj._state.adding = False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Clients keep their history; revoke their tokens instead.
        return False

    @admin.action(description=_("Issue a new token"))
    def issue_token(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> HttpResponse:
        issued = [
            token_issue(actor=Actor.person(request.user), client=client) for client in queryset
        ]
        return _show_secrets(request, issued, str(_("New API tokens")))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["__str__", "client", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["client__municipality"]
    search_fields = ["prefix", "client__name"]
    list_select_related = ["client__municipality"]
    fields = ["client", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["client", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
    actions = ["rotate", "revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Rotate (old token valid for the grace period)"))
    def rotate(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> HttpResponse | None:
        issued = []
        for token in queryset.select_related("client"):
            if not token_is_active(token=token):
                continue
            try:
                issued.append(token_rotate(actor=Actor.person(request.user), token=token))
            except DomainError as exc:
                self.message_user(request, f"{token}: {exc.message}", messages.ERROR)
        if not issued:
            return None
        return _show_secrets(request, issued, str(_("Rotated API tokens")))

    @admin.action(description=_("Revoke now"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            token_revoke(actor=Actor.person(request.user), token=token)
        self.message_user(request, _("The tokens were revoked."), messages.SUCCESS)
