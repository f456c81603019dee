"""Forms of the Postfach (portal and staff area): writing a new message, answering."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from rathaus.core.actors import Actor
from rathaus.core.error_responses import form_error_add
from rathaus.core.errors import DomainError
from rathaus.core.forms import KernForm
from rathaus.municipalities.models import Office

from . import services
from .services import BODY_MAX, SUBJECT_MAX


class ReplyForm(KernForm):
    body = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": gettext_lazy("Please write a message.")},
        help_text=gettext_lazy(
            "Plain text; paragraphs and lists are kept, links are shown as text."
        ),
    )


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.municipality.name})"


class ComposeForm(ReplyForm):
    office = OfficeChoiceField(
        label=gettext_lazy("To"),
        queryset=Office.objects.none(),
        empty_label=gettext_lazy("Please choose an office"),
        error_messages={
            "required": gettext_lazy("Please choose the office you are writing to."),
            "invalid_choice": gettext_lazy("Please choose the office you are writing to."),
        },
    )
    subject = forms.CharField(
        label=gettext_lazy("Subject"),
        max_length=SUBJECT_MAX,
        error_messages={"required": gettext_lazy("Please enter a subject.")},
    )
    field_order = ["office", "subject", "body"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["office"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Office.objects.select_related("municipality").order_by(
            "municipality__name", "name"
        )


def reply_send(form: ReplyForm, *, actor: Actor, thread: Any, sender: Any) -> bool:
    """Send the answer in a bound `form` from `sender` into `thread`; False (with the errors
    on the form) when the form or the service refuses it."""
    if not form.is_valid():
        return False
    try:
        services.message_send(
            actor=actor, thread=thread, sender=sender, body=form.cleaned_data["body"]
        )
    except DomainError as exc:
        form_error_add(form, exc)
        return False
    return True
