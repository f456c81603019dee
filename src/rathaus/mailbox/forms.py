"""Forms of the Postfach (portal and staff area): writing a new message, answering, with
files attached."""

from typing import Any

from django import forms
from django.utils.translation import gettext, gettext_lazy

from rathaus.core.actors import Actor
from rathaus.core.error_responses import form_error_add
from rathaus.core.errors import DomainError
from rathaus.core.forms import KernForm
from rathaus.municipalities.models import Office
from rathaus.uploads.checks import upload_rules

from . import services
from .attachments import MAX_FILES
from .models import Message
from .services import BODY_MAX, SUBJECT_MAX


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one input (a list, empty when none was chosen); type, size and
    viruses are checked by the services (`rathaus.mailbox.attachments`)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(FilesField, self).clean(file, initial) for file in files]


def files_help_text() -> str:
    rules = upload_rules()
    return gettext(
        "Up to %(count)d files: %(types)s; each at most %(max_file)s, together at most "
        "%(max_total)s. Files are checked for viruses before the message is sent."
    ) % {
        "count": MAX_FILES,
        "types": rules.types,
        "max_file": rules.max_file,
        "max_total": rules.max_total,
    }


def files_field_prepare(field: forms.Field) -> None:
    """The help text and the chooser's `accept` hint of a files field, from the upload rules
    in force."""
    field.help_text = files_help_text()
    field.widget.attrs["accept"] = upload_rules().accept


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
    attachments = FilesField(label=gettext_lazy("Attach files"), required=False)
    # The draft this text was continued from (it goes once the message is sent).
    draft = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        files_field_prepare(self.fields["attachments"])

    @property
    def saving_draft(self) -> bool:
        """The "save as draft" button was used (files are attached when sending)."""
        return self.is_bound and "save_draft" in self.data


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
    field_order = ["office", "subject", "body", "attachments"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["office"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Office.objects.select_related("municipality").order_by(
            "municipality__name", "name"
        )


class NotifyForm(KernForm):
    notify = forms.ChoiceField(
        label=gettext_lazy("Tell me of new mail by e-mail"),
        choices=[
            ("immediately", gettext_lazy("At once, for every new message")),
            ("daily", gettext_lazy("Once a day, in a digest (in the morning)")),
            ("off", gettext_lazy("Not at all")),
        ],
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "The e-mail never contains the message, only a link. When an authority provides "
            "an administrative act for you to retrieve, you are always told at once."
        ),
        error_messages={"required": gettext_lazy("Please choose how you want to be told.")},
    )


def reply_send(form: ReplyForm, *, actor: Actor, thread: Any, sender: Any) -> bool:
    """Send the answer in a bound `form` from `sender` into `thread` (or keep it as a draft
    when that button was used); False (with the errors on the form) when the form or the
    service refuses it."""
    if form.saving_draft:
        form.fields["body"].required = False
    if not form.is_valid():
        return False
    try:
        if form.saving_draft:
            services.draft_save(
                actor=actor,
                sender=sender,
                thread=thread,
                body=form.cleaned_data["body"],
                draft=_own_draft(sender, form.cleaned_data["draft"]),
            )
            return True
        services.message_send(
            actor=actor,
            thread=thread,
            sender=sender,
            body=form.cleaned_data["body"],
            uploads=form.cleaned_data["attachments"],
            draft_id=form.cleaned_data["draft"],
        )
    except DomainError as exc:
        form_error_add(form, exc)
        return False
    return True


def _own_draft(sender: Any, draft_id: Any) -> Any:
    """The draft `draft_id` of `sender` to replace (None: none, or not theirs)."""
    if not draft_id:
        return None
    return Message.objects.filter(pk=draft_id, sender=sender, sent_at__isnull=True).first()
