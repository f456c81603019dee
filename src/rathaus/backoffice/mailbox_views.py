"""The office mailboxes under /intern/postfach/: the mailboxes of the clerk's offices with
their unread counts, an office's inbox and archive, a thread (reading retrieves it for the
office), answering, assigning a thread to a clerk, writing to the applicant of a case."""

import uuid
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from rathaus.backoffice.submission_views import AssigneeChoiceField
from rathaus.cases.selectors import inbox_case_get, office_handlers
from rathaus.core.downloads import bytes_download
from rathaus.core.error_responses import form_error_add
from rathaus.core.errors import DomainError
from rathaus.core.forms import KernForm
from rathaus.federation.actors import request_actor
from rathaus.mailbox import selectors as mailbox_selectors
from rathaus.mailbox import services as mailbox_services
from rathaus.mailbox.forms import ReplyForm, reply_send
from rathaus.mailbox.services import BODY_MAX, SUBJECT_MAX

SALT = "rathaus.backoffice.mailbox"


# The level of assurance retrieving an act needs (§41 (2a) VwVfG).
LEVEL_CHOICES = [
    ("low", gettext_lazy("low")),
    ("substantial", gettext_lazy("substantial")),
    ("high", gettext_lazy("high")),
]


class CaseMessageForm(ReplyForm):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=SUBJECT_MAX)
    provide = forms.BooleanField(
        label=gettext_lazy(
            "Provide as an administrative act for retrieval (notification by retrieval, "
            "section 41 (2a) VwVfG)"
        ),
        required=False,
        help_text=gettext_lazy(
            "Only for applicants who consented. It counts as notified on the day after "
            "retrieval; if it is not retrieved within ten days, you get a task to notify it "
            "another way."
        ),
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Level of assurance needed to retrieve it"),
        choices=LEVEL_CHOICES,
        initial="substantial",
        required=False,
    )
    document = forms.FileField(
        label=gettext_lazy("The administrative act (PDF)"),
        required=False,
        help_text=gettext_lazy("Needed when you provide an act for retrieval."),
    )
    field_order = ["subject", "body", "attachments", "provide", "level", "document"]
    unmarked_optional = frozenset({"provide", "level", "document"})


@require_safe
def mailbox_list(request: HttpRequest) -> HttpResponse:
    mailboxes = mailbox_services.office_mailboxes_of(user=request.user)
    unread = mailbox_selectors.unread_totals(mailboxes=mailboxes)
    return render(
        request,
        "backoffice/mailbox/list.html",
        {"mailboxes": [(box, unread[box.pk]) for box in mailboxes]},
    )


def _inbox(request: HttpRequest, mailbox_id: uuid.UUID, *, archived: bool) -> HttpResponse:
    mailbox = mailbox_selectors.mailbox_get(actor=request_actor(request), mailbox_id=mailbox_id)
    listing = mailbox_selectors.inbox_page(
        mailbox=mailbox, archived=archived, params=request.GET, salt=SALT, reader=request.user
    )
    return render(
        request,
        "backoffice/mailbox/inbox.html",
        {
            "mailbox": mailbox,
            "archived": archived,
            "rows": listing.rows,
            "page": listing.page,
            "query": listing.query,
            "capped": listing.capped,
            "assigned": request.GET.get("zustaendig", ""),
            "unread_only": bool(request.GET.get("ungelesen")),
        },
    )


@require_safe
def mailbox_inbox(request: HttpRequest, mailbox_id: uuid.UUID) -> HttpResponse:
    return _inbox(request, mailbox_id, archived=False)


@require_safe
def mailbox_archive(request: HttpRequest, mailbox_id: uuid.UUID) -> HttpResponse:
    return _inbox(request, mailbox_id, archived=True)


@require_http_methods(["GET", "HEAD", "POST"])
def mailbox_thread(
    request: HttpRequest, mailbox_id: uuid.UUID, thread_id: uuid.UUID
) -> HttpResponse:
    actor = request_actor(request)
    mailbox = mailbox_selectors.mailbox_get(actor=actor, mailbox_id=mailbox_id)
    if request.method == "POST":  # the messages only to show the form again with its errors
        form = ReplyForm(request.POST, request.FILES)
        found = mailbox_selectors.thread_get(actor=actor, mailbox=mailbox, thread_id=thread_id)
        if reply_send(form, actor=actor, thread=found, sender=mailbox):
            return redirect("backoffice:mailbox-thread", mailbox.pk, found.pk)
    view = mailbox_selectors.thread_view(actor=actor, mailbox=mailbox, thread_id=thread_id)
    if request.method != "POST":
        draft = mailbox_selectors.draft_get(actor=actor, mailbox=mailbox, thread=view.thread)
        initial = {"body": draft.body, "draft": draft.message.pk} if draft else {}
        form = ReplyForm(initial=initial)
    mailbox_services.thread_open(actor=actor, thread=view.thread, mailbox=mailbox)
    return render(
        request,
        "backoffice/mailbox/thread.html",
        {
            "mailbox": mailbox,
            "view": view,
            "form": form,
            "assign_form": ThreadAssignForm(thread=view.thread),
            "act_form": ActForm(prefix="act"),
        },
        status=400 if form.errors else 200,
    )


class ActForm(KernForm):
    """An administrative act provided for retrieval in a thread (§41 (2a) VwVfG)."""

    body = forms.CharField(
        label=gettext_lazy("Accompanying text"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Please write a message.")},
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Level of assurance needed to retrieve it"),
        choices=LEVEL_CHOICES,
        initial="substantial",
    )
    document = forms.FileField(
        label=gettext_lazy("The administrative act (PDF)"),
        required=False,
        error_messages={"invalid": gettext_lazy("Please attach the decision as a PDF file.")},
    )
    unmarked_optional = frozenset({"document"})


@require_POST
def mailbox_thread_act(
    request: HttpRequest, mailbox_id: uuid.UUID, thread_id: uuid.UUID
) -> HttpResponse:
    """Provide an administrative act for retrieval to the person on the other side."""
    actor = request_actor(request)
    mailbox = mailbox_selectors.mailbox_get(actor=actor, mailbox_id=mailbox_id)
    view = mailbox_selectors.thread_view(actor=actor, mailbox=mailbox, thread_id=thread_id)
    form = ActForm(request.POST, request.FILES, prefix="act")
    if form.is_valid():
        try:
            mailbox_services.act_reply(
                actor=actor,
                thread=view.thread,
                sender=mailbox,
                body=form.cleaned_data["body"],
                required_level=form.cleaned_data["level"],
                document=form.cleaned_data["document"],
            )
        except DomainError as exc:
            form_error_add(form, exc, default="document")
        else:
            return redirect("backoffice:mailbox-thread", mailbox.pk, view.thread.pk)
    return render(
        request,
        "backoffice/mailbox/thread.html",
        {
            "mailbox": mailbox,
            "view": view,
            "form": ReplyForm(),
            "assign_form": ThreadAssignForm(thread=view.thread),
            "act_form": form,
        },
        status=400,
    )


class ThreadAssignForm(KernForm):
    """Who answers a thread of the office: a member of staff with a handling role, or no one."""

    unmarked_optional = frozenset({"assignee"})

    assignee = AssigneeChoiceField(
        label=gettext_lazy("Responsible"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("not assigned"),
        error_messages={
            "invalid_choice": gettext_lazy("This person does not handle mail of this office.")
        },
    )

    def __init__(self, *args: Any, thread: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"assignee": thread.assignee_id})
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = office_handlers(office_id=thread.office_id)


@require_POST
def mailbox_thread_assign(
    request: HttpRequest, mailbox_id: uuid.UUID, thread_id: uuid.UUID
) -> HttpResponse:
    actor = request_actor(request)
    mailbox = mailbox_selectors.mailbox_get(actor=actor, mailbox_id=mailbox_id)
    view = mailbox_selectors.thread_view(actor=actor, mailbox=mailbox, thread_id=thread_id)
    form = ThreadAssignForm(request.POST, thread=view.thread)
    if form.is_valid():
        try:
            mailbox_services.thread_assign(
                actor=actor, thread=view.thread, assignee=form.cleaned_data["assignee"]
            )
        except DomainError as exc:
            form_error_add(form, exc, default="assignee")
        else:
            return redirect("backoffice:mailbox-thread", mailbox.pk, view.thread.pk)
    return render(
        request,
        "backoffice/mailbox/thread.html",
        {"mailbox": mailbox, "view": view, "form": ReplyForm(), "assign_form": form},
        status=400,
    )


@require_POST
def mailbox_thread_archive(
    request: HttpRequest, mailbox_id: uuid.UUID, thread_id: uuid.UUID
) -> HttpResponse:
    actor = request_actor(request)
    mailbox = mailbox_selectors.mailbox_get(actor=actor, mailbox_id=mailbox_id)
    view = mailbox_selectors.thread_view(actor=actor, mailbox=mailbox, thread_id=thread_id)
    archived = request.POST.get("archived", "1") == "1"
    mailbox_services.thread_archive(
        actor=actor, thread=view.thread, mailbox=mailbox, archived=archived
    )
    return redirect("backoffice:mailbox-inbox", mailbox.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def case_message(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Write to the applicant of a case from the mailbox of the case's office."""
    actor = request_actor(request)
    case: Any = inbox_case_get(user=request.user, case_id=case_id)
    mailbox = mailbox_services.mailbox_of_office(office=case.office)
    form = CaseMessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["provide"]:
                message = mailbox_services.act_provide(
                    actor=actor,
                    case=case,
                    subject=data["subject"],
                    body=data["body"],
                    required_level=data["level"] or "substantial",
                    document=data["document"],
                )
            else:
                message = mailbox_services.case_message_start(
                    actor=actor,
                    case=case,
                    subject=data["subject"],
                    body=data["body"],
                    uploads=data["attachments"],
                )
        except DomainError as exc:
            form_error_add(form, exc, default="provide")
        else:
            return redirect("backoffice:mailbox-thread", mailbox.pk, message.thread_id)
    return render(
        request,
        "backoffice/mailbox/case_message.html",
        {"case": case, "mailbox": mailbox, "form": form},
        status=400 if form.errors else 200,
    )


@require_safe
def mailbox_attachment(
    request: HttpRequest,
    mailbox_id: uuid.UUID,
    thread_id: uuid.UUID,
    message_id: uuid.UUID,
    attachment_id: uuid.UUID | None = None,
) -> HttpResponse:
    """One file of a message, or (without `attachment_id`) all of them as a ZIP."""
    actor = request_actor(request)
    mailbox = mailbox_selectors.mailbox_get(actor=actor, mailbox_id=mailbox_id)
    name, content_type, data = mailbox_services.attachment_download(
        actor=actor,
        mailbox=mailbox,
        thread_id=thread_id,
        message_id=message_id,
        attachment_id=attachment_id,
    )
    return bytes_download(data, filename=name, content_type=content_type)


@require_safe
def mailbox_receipt(
    request: HttpRequest, mailbox_id: uuid.UUID, thread_id: uuid.UUID, receipt_id: uuid.UUID
) -> HttpResponse:
    actor = request_actor(request)
    mailbox = mailbox_selectors.mailbox_get(actor=actor, mailbox_id=mailbox_id)
    receipt, bundle = mailbox_selectors.receipt_bundle_get(
        actor=actor, mailbox=mailbox, thread_id=thread_id, receipt_id=receipt_id
    )
    return bytes_download(
        bundle, filename=mailbox_selectors.receipt_filename(receipt), content_type="application/zip"
    )
