"""Webhook subscriptions in the admin: thin, every change goes through the services. The
signing secret is made with the subscription and shown only on the page an action renders
(no-store), never in a list, a message cookie or the log."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from rathaus.core.actors import Actor
from rathaus.core.admin_audit import AdminServices, AuditedModelAdmin
from rathaus.core.errors import DomainError

from .models import WebhookDelivery, WebhookSubscription
from .payloads import EVENT_TYPES
from .services import (
    secret_reveal,
    secret_rotate,
    subscription_create,
    subscription_delete,
    subscription_update,
    url_check,
)


class WebhookSubscriptionForm(forms.ModelForm):
    event_types = forms.MultipleChoiceField(
        label=_("event types"),
        choices=[(name, f"{name}: {text}") for name, text in EVENT_TYPES.items()],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "municipality", "offices", "url", "event_types", "active"]

    def clean_url(self) -> str:
        try:
            return url_check(self.cleaned_data["url"])
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        municipality = data.get("municipality") or getattr(self.instance, "municipality", None)
        offices = data.get("offices") or []
        if municipality is not None and any(
            office.municipality_id != municipality.pk for office in offices
        ):
            self.add_error("offices", _("Choose only offices of the subscription's municipality."))
        return data


def _create(actor: Actor, parent: Any, data: dict[str, Any]) -> WebhookSubscription:
    subscription, _secret = subscription_create(
        actor=actor,
        name=data["name"],
        municipality=data["municipality"],
        url=data["url"],
        event_types=list(data["event_types"]),
        offices=list(data.get("offices") or []),
        active=data.get("active", True),
    )
    return subscription


def _update(actor: Actor, obj: WebhookSubscription, changes: dict[str, Any]) -> None:
    changes.pop("municipality", None)  # a subscription stays with its municipality
    subscription_update(actor=actor, subscription=obj, changes=changes)


def _delete(actor: Actor, obj: WebhookSubscription) -> None:
    subscription_delete(actor=actor, subscription=obj)


def _show(request: HttpRequest, shown: list[tuple[WebhookSubscription, str]]) -> HttpResponse:
    response = TemplateResponse(
        request,
        "webhooks/admin/secrets.html",
        {
            "title": str(_("Signing secrets")),
            "shown": shown,
            "opts": WebhookSubscription._meta,
            "site_header": "rathaus",
        },
    )
    # The page holds secrets: no browser or proxy may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


class WebhookDeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fields = [
        "event_type",
        "event_id",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "last_attempt_at",
        "delivered_at",
    ]
    readonly_fields = [
        "event_type",
        "event_id",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "last_attempt_at",
        "delivered_at",
    ]
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-created_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(AuditedModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ["name", "municipality", "url", "event_types", "active"]
    list_filter = ["active", "municipality"]
    search_fields = ["name", "url", "municipality__name"]
    list_select_related = ["municipality"]
    filter_horizontal = ["offices"]
    inlines = [WebhookDeliveryInline]
    actions = ["show_secret", "rotate_secret"]
    model_services = AdminServices(create=_create, update=_update, delete=_delete)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["municipality"] if obj is not None else []

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: Any = None) -> Any:
        # The new subscription's secret, once, on a page of its own.
        return _show(
            request, [(obj, secret_reveal(actor=Actor.person(request.user), subscription=obj))]
        )

    @admin.action(description=_("Show the signing secret"))
    def show_secret(
        self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]
    ) -> HttpResponse:
        actor = Actor.person(request.user)
        return _show(request, [(s, secret_reveal(actor=actor, subscription=s)) for s in queryset])

    @admin.action(description=_("Make a new signing secret (the old one stops at once)"))
    def rotate_secret(
        self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]
    ) -> HttpResponse:
        actor = Actor.person(request.user)
        return _show(request, [(s, secret_rotate(actor=actor, subscription=s)) for s in queryset])
