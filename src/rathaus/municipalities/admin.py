from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.core.actors import Actor
from rathaus.core.admin_audit import AdminServices, AuditedModelAdmin
from rathaus.core.audit import audit_via
from rathaus.core.errors import DomainError
from rathaus.municipalities import configuration_services, services
from rathaus.municipalities.models import (
    AccessibilityFeedback,
    ConfigurationProfile,
    Municipality,
    Office,
    OpeningException,
    OpeningHours,
    PaymentAccount,
    PostalArea,
)


class PostalAreaInline(admin.TabularInline):
    model = PostalArea
    extra = 0


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class OpeningExceptionInline(admin.TabularInline):
    model = OpeningException
    extra = 0


class MunicipalityForm(ModelForm):
    def clean_configuration_provider(self) -> ConfigurationProfile | None:
        provider: ConfigurationProfile | None = self.cleaned_data.get("configuration_provider")
        if not self.instance._state.adding:
            try:
                configuration_services.configuration_provider_change_check(
                    municipality=self.instance, provider=provider
                )
            except DomainError as exc:
                raise ValidationError(exc.message) from None
        return provider


@admin.register(Municipality)
class MunicipalityAdmin(AuditedModelAdmin):
    form = MunicipalityForm
    list_display = ["name", "kind", "ars", "ags", "parent", "has_portal"]
    list_filter = ["kind", "land", "has_portal"]
    search_fields = ["name", "ars", "ags", "slug"]
    list_select_related = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent", "configuration_provider"]
    inlines = [PostalAreaInline]
    # Creates, changes and postcode areas go through the services (one audit name each);
    # deleting a municipality and changing a postcode row only the admin does (generic).
    model_services = AdminServices(
        create=lambda actor, _parent, data: services.municipality_create(actor=actor, **data),
        update=lambda actor, obj, data: services.municipality_update(
            actor=actor, municipality=obj, **data
        ),
    )
    inline_services = {
        PostalArea: AdminServices(
            create=lambda actor, parent, data: services.postal_area_create(
                actor=actor, municipality=parent, **data
            ),
            delete=lambda actor, obj: services.postal_area_delete(actor=actor, postal_area=obj),
        )
    }


@admin.register(Office)
class OfficeAdmin(AuditedModelAdmin):
    list_display = ["name", "municipality", "kind", "phone", "email"]
    list_filter = ["kind", "municipality"]
    search_fields = ["name", "municipality__name"]
    list_select_related = ["municipality"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["municipality", "parent"]
    inlines = [OpeningHoursInline, OpeningExceptionInline]
    # Office data and opening exceptions go through the services. Single opening-hours rows
    # and deletions of offices or exceptions only the admin edits (generic audit); the
    # services replace the weekly pattern as a whole (`office_set_opening_hours`).
    model_services = AdminServices(
        create=lambda actor, _parent, data: services.office_create(actor=actor, **data),
        update=lambda actor, obj, data: services.office_update(actor=actor, office=obj, **data),
    )
    inline_services = {
        OpeningException: AdminServices(
            create=lambda actor, parent, data: services.office_add_opening_exception(
                actor=actor, office=parent, **data
            ),
            update=lambda actor, obj, data: services.office_update_opening_exception(
                actor=actor, exception=obj, **data
            ),
        )
    }


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    """Barrier reports from the portals; read-only, they are citizens' statements."""

    list_display = ["created_at", "municipality", "page_url", "name", "email"]
    list_filter = ["municipality"]
    search_fields = ["message", "page_url", "name", "email"]
    list_select_related = ["municipality"]
    date_hierarchy = "created_at"
    readonly_fields = ["municipality", "page_url", "message", "name", "email", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


KEEP_HELP = gettext_lazy("Write-only: a stored value is never shown. Leave empty to keep it.")


class WriteOnlyTextarea(forms.Textarea):
    """A textarea that never renders a value: a secret typed in is not sent back, not even
    when the form is shown again with an error."""

    def format_value(self, value: Any) -> None:
        return None


class ConfigurationProfileForm(ModelForm):
    """The profile's fields plus the write-only secrets of the seal."""

    seal_private_key = forms.CharField(
        label=gettext_lazy("seal private key (PEM)"),
        required=False,
        strip=False,
        widget=WriteOnlyTextarea(attrs={"rows": 4, "autocomplete": "off"}),
        help_text=KEEP_HELP,
    )
    seal_passphrase = forms.CharField(
        label=gettext_lazy("seal key passphrase"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=KEEP_HELP,
    )
    seal_secrets_clear = forms.BooleanField(
        label=gettext_lazy("Remove the stored seal key and passphrase"),
        required=False,
        help_text=gettext_lazy("Together with emptying the certificate: no own seal any more."),
    )

    class Meta:
        model = ConfigurationProfile
        fields = list(configuration_services.PROFILE_FIELDS)
        widgets = {
            "seal_certificate_pem": forms.Textarea(attrs={"rows": 4}),
            "seal_chain_pem": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        for name in ("seal_private_key", "seal_passphrase"):
            stored = bool(getattr(instance, f"{name}_encrypted", ""))
            self.fields[name].help_text = (
                _("A value is stored. Write-only: it is never shown; leave empty to keep it.")
                if stored
                else _("Nothing stored yet.")
            )

    def secrets(self) -> dict[str, str | None]:
        """The secrets to hand to the service: None keeps, "" removes, text replaces."""
        data = self.cleaned_data
        if data.get("seal_secrets_clear"):
            return {"seal_private_key": "", "seal_passphrase": ""}
        return {
            "seal_private_key": data.get("seal_private_key") or None,
            "seal_passphrase": data.get("seal_passphrase") or None,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        names = [n for n in configuration_services.PROFILE_FIELDS if n in self.fields]
        candidate = ConfigurationProfile(
            **{name: data.get(name, getattr(self.instance, name, None)) for name in names},
            seal_private_key_encrypted=self.instance.seal_private_key_encrypted,
            seal_passphrase_encrypted=self.instance.seal_passphrase_encrypted,
        )
        if not self.instance._state.adding:
            try:
                configuration_services.configuration_profile_reassign_check(
                    profile=self.instance,
                    data={n: data.get(n) for n in ("kind", "municipality") if n in self.fields},
                )
            except DomainError as exc:
                raise ValidationError({exc.field or NON_FIELD_ERRORS: exc.message}) from None
        configuration_services.configuration_profile_validate(profile=candidate, **self.secrets())
        if candidate.fitconnect_destinations is not None:
            data["fitconnect_destinations"] = candidate.fitconnect_destinations
        return data


class PaymentAccountForm(ModelForm):
    secrets_new = forms.CharField(
        label=gettext_lazy("secrets"),
        required=False,
        widget=WriteOnlyTextarea(attrs={"rows": 2, "autocomplete": "off"}),
        help_text=gettext_lazy(
            "Write-only. One secret per line; the first signs, all are accepted (to rotate, "
            "put the new one first and remove the old one later). Leave empty to keep."
        ),
    )
    secrets_clear = forms.BooleanField(label=gettext_lazy("remove secrets"), required=False)

    class Meta:
        model = PaymentAccount
        fields = ["provider", "enabled", "account_id"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The provider identifies the account (`payment_account_set` finds it by profile and
        # provider): changing it on an existing row would add a second account. Another
        # provider is a new row; the old one is deleted on its own.
        if not self.instance._state.adding:
            self.fields["provider"].disabled = True

    def secrets(self) -> list[str] | None:
        if self.cleaned_data.get("secrets_clear"):
            return []
        text = self.cleaned_data.get("secrets_new") or ""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return lines or None

    def clean_secrets_new(self) -> str:
        text: str = self.cleaned_data.get("secrets_new") or ""
        if any(len(line.strip()) < 16 for line in text.splitlines() if line.strip()):
            raise ValidationError(_("Each secret must have at least 16 characters."))
        return text


class PaymentAccountInline(admin.TabularInline):
    model = PaymentAccount
    form = PaymentAccountForm
    extra = 0
    fields = ["provider", "enabled", "account_id", "secrets_new", "secrets_clear", "stored"]
    readonly_fields = ["stored"]

    @admin.display(description=gettext_lazy("stored secrets"))
    def stored(self, obj: PaymentAccount) -> str:
        return _("yes") if obj.pk and obj.secrets_encrypted else _("none")


def _profile_update(actor: Actor, obj: ConfigurationProfile, data: dict[str, Any]) -> Any:
    return configuration_services.configuration_profile_update(actor=actor, profile=obj, **data)


@admin.register(ConfigurationProfile)
class ConfigurationProfileAdmin(AuditedModelAdmin):
    """Seal, payment accounts, FIT-Connect destinations, mail sender of a municipality or
    IT service provider. Every write goes through the configuration services (audited, the
    secrets encrypted); secrets are write-only."""

    form = ConfigurationProfileForm
    list_display = ["name", "kind", "municipality", "seal_configured", "mail_from"]
    list_filter = ["kind"]
    search_fields = ["name", "municipality__name"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality"]
    inlines = [PaymentAccountInline]
    readonly_fields = ["seal_summary", "kek_versions", "served"]
    actions = ["rotate_kek"]
    fieldsets = [
        (None, {"fields": ["kind", "name", "municipality", "served"]}),
        (
            gettext_lazy("Electronic seal"),
            {
                "fields": [
                    "seal_summary",
                    "seal_certificate_pem",
                    "seal_chain_pem",
                    "seal_private_key",
                    "seal_passphrase",
                    "seal_secrets_clear",
                ]
            },
        ),
        (gettext_lazy("Mail sender"), {"fields": ["mail_from", "mail_reply_to"]}),
        (gettext_lazy("FIT-Connect"), {"fields": ["fitconnect_destinations"]}),
        (gettext_lazy("Key-encryption key for personal data"), {"fields": ["kek_versions"]}),
    ]
    model_services = AdminServices(
        create=lambda actor, _parent, data: configuration_services.configuration_profile_create(
            actor=actor, **data
        ),
        update=_profile_update,
        delete=lambda actor, obj: configuration_services.configuration_profile_delete(
            actor=actor, profile=obj
        ),
    )
    inline_services = {
        PaymentAccount: AdminServices(
            create=lambda actor, parent, data: configuration_services.payment_account_set(
                actor=actor, profile=parent, **data
            ),
            update=lambda actor, obj, data: configuration_services.payment_account_set(
                actor=actor, profile=obj.profile, **data
            ),
            delete=lambda actor, obj: configuration_services.payment_account_delete(
                actor=actor, account=obj
            ),
        )
    }

    @admin.display(description=gettext_lazy("own seal"), boolean=True)
    def seal_configured(self, obj: ConfigurationProfile) -> bool:
        return obj.has_seal and bool(obj.seal_private_key_encrypted)

    @admin.display(description=gettext_lazy("seal in use"))
    def seal_summary(self, obj: ConfigurationProfile) -> str:
        from cryptography import x509

        if not obj.pk or not obj.has_seal:
            return _("none (the IT service provider's or the installation's seal applies)")
        certificate = x509.load_pem_x509_certificate(obj.seal_certificate_pem.encode("ascii"))
        return _("%(subject)s, issued by %(issuer)s, valid until %(end)s; key stored: %(key)s") % {
            "subject": certificate.subject.rfc4514_string(),
            "issuer": certificate.issuer.rfc4514_string(),
            "end": f"{certificate.not_valid_after_utc:%Y-%m-%d}",
            "key": _("yes") if obj.seal_private_key_encrypted else _("no"),
        }

    @admin.display(description=gettext_lazy("versions"))
    def kek_versions(self, obj: ConfigurationProfile) -> str:
        if not obj.pk:
            return "–"
        rows = obj.key_encryption_keys.order_by("-version")
        if not rows:
            return _("none yet (created on first use)")
        return format_html_join(
            ", ",
            "v{} ({}, {})",
            ((r.version, r.provider, f"{r.created_at:%Y-%m-%d}") for r in rows),
        )

    @admin.display(description=gettext_lazy("serves"))
    def served(self, obj: ConfigurationProfile) -> str:
        if not obj.pk or obj.kind != ConfigurationProfile.Kind.IT_SERVICE_PROVIDER:
            return "–"
        names = [m.name for m in obj.served_municipalities.order_by("name")]
        return ", ".join(names) or _("no municipality yet (set it on the municipality)")

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        assert isinstance(form, ConfigurationProfileForm)
        actor = Actor.person(request.user)
        fields = [n for n in configuration_services.PROFILE_FIELDS if n in form.fields]
        secrets = form.secrets()
        with transaction.atomic(), audit_via("admin"):
            if change:
                data = {n: form.cleaned_data[n] for n in form.changed_data if n in fields}
                configuration_services.configuration_profile_update(
                    actor=actor, profile=obj, **data, **secrets
                )
            else:
                data = {n: form.cleaned_data.get(n) for n in fields}
                created = configuration_services.configuration_profile_create(
                    actor=actor, **data, **secrets
                )
                obj.pk = created.pk
                obj._state.adding = False
                obj._state.db = created._state.db

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: Any, change: bool
    ) -> None:
        if formset.model is not PaymentAccount:
            super().save_formset(request, form, formset, change)
            return
        actor = Actor.person(request.user)
        profile = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        with transaction.atomic(), audit_via("admin"):
            for row in formset.deleted_forms:
                if row.instance.pk is not None:
                    formset.deleted_objects.append(row.instance)
                    configuration_services.payment_account_delete(actor=actor, account=row.instance)
            for row in formset.forms:
                if row in formset.deleted_forms or not row.has_changed():
                    continue
                is_new = row.instance._state.adding
                account = configuration_services.payment_account_set(
                    actor=actor,
                    profile=profile,
                    provider=row.cleaned_data["provider"],
                    enabled=row.cleaned_data["enabled"],
                    account_id=row.cleaned_data.get("account_id") or "",
                    secrets=row.secrets(),
                )
                row.instance = account
                if is_new:
                    formset.new_objects.append(account)
                else:
                    formset.changed_objects.append((account, row.changed_data))

    @admin.action(description=gettext_lazy("Rotate the key-encryption key (new version)"))
    def rotate_kek(self, request: HttpRequest, queryset: QuerySet[ConfigurationProfile]) -> None:
        actor = Actor.person(request.user)
        with audit_via("admin"):
            for profile in queryset:
                try:
                    row = configuration_services.kek_rotate(actor=actor, profile=profile)
                except (DomainError, ValidationError) as exc:
                    self.message_user(request, f"{profile}: {exc}", messages.ERROR)
                else:
                    self.message_user(
                        request,
                        _("%(profile)s: key-encryption key version %(version)s is now in use.")
                        % {"profile": profile, "version": row.version},
                        messages.SUCCESS,
                    )
