"""Forms of the decision pages under /intern/bescheide/ (parsing only; the rules are in
`rathaus.decisions.services`)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.decisions.services import PLACEHOLDERS


class TemplateTextsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    operative_part = forms.CharField(
        label=_("Operative part"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is decided. Placeholders: %(names)s.")
        % {"names": ", ".join("{{ " + n + " }}" for n in PLACEHOLDERS)},
    )
    reasons = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    fee_assessment = forms.CharField(
        label=_("Fee assessment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    legal_remedy = forms.CharField(
        label=_("Legal remedy notice"), widget=forms.Textarea(attrs={"rows": 6})
    )


class NewVersionForm(forms.Form):
    municipality = forms.ChoiceField(label=_("Municipality"))

    def __init__(self, *args: Any, municipalities: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(m.pk), m.name) for m in municipalities]


class PostedForm(forms.Form):
    posted_on = forms.DateField(
        label=_("Handed to the post on"), widget=forms.DateInput(attrs={"type": "date"})
    )
