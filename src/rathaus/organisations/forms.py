"""Forms of the organisation and proxy pages: they parse input; services do the work."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.catalog.models import Service
from rathaus.core.forms import KernForm
from rathaus.organisations.models import Membership, Organisation


class OrganisationForm(KernForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
    register_number = forms.CharField(
        label=_("Register number"),
        max_length=100,
        required=False,
        help_text=_("e.g. HRB 12345, Amtsgericht Koblenz"),
    )
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)


class InvitationForm(KernForm):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class RoleForm(KernForm):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class ProxyGrantForm(KernForm):
    """Grant a proxy: for oneself or an organisation one administers."""

    unmarked_optional = frozenset({"services"})

    principal = forms.ChoiceField(label=_("On behalf of"))
    agent_email = forms.EmailField(
        label=_("E-mail address of the authorised person"),
        help_text=_("The person needs a user account with this address."),
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=[("all", _("All services")), ("selected", _("Only the services chosen below"))],
        initial="all",
        widget=forms.RadioSelect,
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Services"), queryset=Service.objects.all(), required=False
    )
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        help_text=_("Leave empty for a proxy until revoked."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["principal"].choices = [  # type: ignore[attr-defined]
            ("self", _("Myself")),
            *((str(org.pk), org.name) for org in organisations),
        ]
        self.organisations = {str(org.pk): org for org in organisations}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope") == "selected" and not data.get("services"):
            self.add_error("services", _("Choose at least one service, or all services."))
        return data

    def organisation(self) -> Organisation | None:
        return self.organisations.get(self.cleaned_data["principal"])


class ActingAsForm(KernForm):
    choice = forms.ChoiceField(label=_("Act on behalf of"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = choices  # type: ignore[attr-defined]
