"""Forms of the staff area: they parse input; services decide and change."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rathaus.municipalities.models import Office
from rathaus.staff.models import Role


class OfficeContactForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"class": "kern-form-input__input", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        widget=forms.EmailInput(attrs={"class": "kern-form-input__input", "autocomplete": "off"}),
    )


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.municipality.name})"


class RoleAssignForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"class": "kern-form-input__input", "autocomplete": "off"}),
    )
    office = OfficeChoiceField(
        label=_("Office"),
        queryset=Office.objects.none(),
        widget=forms.Select(attrs={"class": "kern-form-input__select"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        widget=forms.Select(attrs={"class": "kern-form-input__select"}),
    )
    valid_until = forms.DateTimeField(
        label=_("Valid until"),
        required=False,
        help_text=_("Optional, e.g. 2026-12-31 18:00 for a substitution."),
        widget=forms.DateTimeInput(attrs={"class": "kern-form-input__input"}),
    )

    def __init__(self, *args: Any, offices: QuerySet[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        office_field = self.fields["office"]
        assert isinstance(office_field, OfficeChoiceField)
        office_field.queryset = offices
