"""Admin for payments: a read-only, audit-friendly view; refunds go through the service.

Nothing is edited here (status changes only through `payments.services`, which audit them);
the class still derives from AuditedModelAdmin so that any change a later edit allows is
audited.
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from rathaus.core.actors import Actor
from rathaus.core.admin_audit import AuditedModelAdmin
from rathaus.core.errors import DomainError
from rathaus.payments.models import Payment, PaymentEvent
from rathaus.payments.services import payment_mark_received, payment_refund
from rathaus.staff.models import Role
from rathaus.staff.selectors import municipality_ids_with_role, sees_all_offices


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    fields = ["created_at", "event_id", "status", "occurred_at", "applied", "outcome"]
    readonly_fields = ["created_at", "event_id", "status", "occurred_at", "applied", "outcome"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


PAYMENT_FIELDS = [
    "reference",
    "municipality",
    "provider",
    "status",
    "amount_cents",
    "currency",
    "description",
    "provider_reference",
    "payer",
    "return_url",
    "created_at",
    "status_changed_at",
    "paid_at",
]


@admin.register(Payment)
class PaymentAdmin(AuditedModelAdmin):
    list_display = [
        "reference",
        "municipality",
        "provider",
        "status",
        "amount_cents",
        "currency",
        "created_at",
        "paid_at",
    ]
    list_filter = ["status", "provider", "municipality"]
    search_fields = ["reference", "provider_reference"]
    date_hierarchy = "created_at"
    readonly_fields = PAYMENT_FIELDS
    fields = tuple(PAYMENT_FIELDS)
    inlines = [PaymentEventInline]
    actions = ["mark_received", "refund"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Payment]:
        """The payments of the municipalities whose cash office `request.user` is part of
        (all for superusers): one municipality's staff never see another's payments."""
        qs = super().get_queryset(request).select_related("municipality")
        if sees_all_offices(user=request.user):
            return qs
        return qs.filter(
            municipality_id__in=municipality_ids_with_role(user=request.user, role=Role.CASH_OFFICE)
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _is_cash_office(self, request: HttpRequest) -> bool:
        return bool(municipality_ids_with_role(user=request.user, role=Role.CASH_OFFICE))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or self._is_cash_office(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The Kasse role is what grants the cash office's tool; the queryset keeps it to the
        # municipalities where the role is held.
        return super().has_view_permission(request, obj) or self._is_cash_office(request)

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("payments.change_payment") or self._is_cash_office(request)

    @admin.action(
        description=_("Record the selected invoices as paid (money received)"),
        permissions=["refund"],
    )
    def mark_received(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        for payment in queryset:
            try:
                payment_mark_received(payment=payment, actor=Actor.person(request.user))
            except DomainError as exc:
                self.message_user(request, f"{payment.reference}: {exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request, _("Payment recorded for %s.") % payment.reference, messages.SUCCESS
                )

    @admin.action(
        description=_("Record refund of the selected paid payments"), permissions=["refund"]
    )
    def refund(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        for payment in queryset:
            try:
                payment_refund(payment=payment, actor=Actor.person(request.user))
            except DomainError as exc:
                self.message_user(request, f"{payment.reference}: {exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request, _("Refund recorded for %s.") % payment.reference, messages.SUCCESS
                )
