"""Forms of the citizen portal. They parse and check input only; the work is done by services
and selectors. Field markup follows the KERN UX form components (see includes/field.html)."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rathaus.catalog.models import Service
from rathaus.core.forms import KernForm
from rathaus.municipalities.keys import validate_ars
from rathaus.portal.alphabet import collation_key


class ResponsibilityForm(KernForm):
    """Zuständigkeitsfinder: a service plus a place (postcode and place name, or ARS)."""

    # Either a postcode or a regional key is needed: neither is marked "optional".
    unmarked_optional = frozenset({"plz", "ars"})

    leistung = forms.ChoiceField(
        label=_("Service"),
        error_messages={
            "required": _("Please choose a service."),
            "invalid_choice": _("Please choose a service from the list."),
        },
    )
    plz = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=5,
        help_text=_("Five digits, e.g. 56812"),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code", "class": "postcode"}
        ),
    )
    ort = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=100,
        help_text=_("Only needed when the postcode covers several places"),
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    ars = forms.CharField(
        label=_("Official regional key (ARS)"),
        required=False,
        max_length=12,
        help_text=_("Alternatively to the postcode: the 12-digit Amtlicher Regionalschlüssel"),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, services: Iterable[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Sorted by the name in the active language, "Ä" with "A".
        self.services = {s.slug: s for s in sorted(services, key=lambda s: collation_key(s.name))}
        field = self.fields["leistung"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("Please choose")),
            *((slug, s.name) for slug, s in self.services.items()),
        ]

    def clean_leistung(self) -> Service:
        return self.services[self.cleaned_data["leistung"]]

    def clean_plz(self) -> str:
        postcode: str = self.cleaned_data["plz"].strip()
        if postcode and not (len(postcode) == 5 and postcode.isdigit()):
            raise ValidationError(_("A postcode has exactly five digits, e.g. 56812."))
        return postcode

    def clean_ars(self) -> str:
        ars: str = self.cleaned_data["ars"].strip().replace(" ", "")
        if ars:
            validate_ars(ars)
        return ars

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("plz") and not cleaned.get("ars"):
            self.add_error("plz", _("Please enter a postcode or an official regional key."))
        return cleaned


class AccessibilityFeedbackForm(KernForm):
    """Report a barrier (BITV 2.0 feedback mechanism)."""

    message = forms.CharField(
        label=_("Which barrier did you find?"),
        max_length=5000,
        help_text=_("Please describe what did not work and, if possible, which aid you used."),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Please describe the barrier.")},
    )
    page_url = forms.CharField(
        label=_("Page"),
        required=False,
        max_length=500,
        help_text=_("Address or title of the page on which the barrier occurs"),
    )
    name = forms.CharField(
        label=_("Your name"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        help_text=_("Only if you would like an answer"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": _("Please enter a valid e-mail address, e.g. name@example.org.")
        },
    )
