"""The staff inbox of online applications under /intern/antraege/: list, detail, files,
status change and Nachforderung. Only submissions of the clerk's offices exist here (404)."""

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from rathaus.applications.forms import declarations_of
from rathaus.applications.models import Submission
from rathaus.applications.selectors import (
    AttachmentNotReady,
    attachment_open,
    download_response,
    inbox_attachment_get,
    inbox_submission_get,
    receipt_computed_rows,
    receipt_data_sections,
)
from rathaus.backoffice.inbox_table import inbox_rows
from rathaus.cases.models import Case, DocumentRequest
from rathaus.cases.selectors import (
    HANDLING_ROLES,
    LIST_ORDERING,
    case_assignee_choices,
    inbox_list,
    inbox_rows_complete,
)
from rathaus.cases.services import (
    allowed_next_statuses,
    case_acknowledge,
    case_assign,
    case_deadline_set,
    case_status_change,
    document_request_cancel,
    document_request_create,
)
from rathaus.core.error_responses import form_error_add, message_error_add
from rathaus.core.errors import DomainError
from rathaus.core.forms import KernForm
from rathaus.core.keyset import KeyList, KeysetPaginator, count_capped
from rathaus.decisions import selectors as decision_selectors
from rathaus.federation.actors import request_actor
from rathaus.mailbox import selectors as mailbox_selectors
from rathaus.mailbox import services as mailbox_services
from rathaus.staff.permissions import office_access_allowed
from rathaus.workflow import selectors as workflow_selectors

PAGE_SIZE = 25
INBOX_COUNT_CAP = 1000  # "more than 1,000 applications": counting further costs, tells nothing
INBOX_SALT = "rathaus.backoffice.inbox"


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("all")), *Case.Status.choices],
        widget=forms.Select(attrs={"class": "kern-form-input__select"}),
    )
    q = forms.CharField(
        label=gettext_lazy("Reference number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"class": "kern-form-input__input", "autocomplete": "off"}),
    )


class StatusChangeForm(KernForm):
    status = forms.ChoiceField(
        label=gettext_lazy("New status"),
        choices=(),
        error_messages={"required": gettext_lazy("Select the new status.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Note for the applicant"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        self.next_statuses = [(s, Case.Status(s).label) for s in allowed_next_statuses(current)]
        # No status is preselected: a clerk must choose one, not change it by one click.
        field.choices = [("", gettext_lazy("Please choose")), *self.next_statuses]


class DocumentRequestForm(KernForm):
    message = forms.CharField(
        label=gettext_lazy("Which documents are missing?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    deadline = forms.DateField(
        label=gettext_lazy("Deadline"),
        help_text=gettext_lazy("For example 2026-12-31."),
        # The browser's date picker sends and expects ISO dates; without JS a text box
        # accepting 2026-12-31 remains.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class AssigneeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class _CaseForm(KernForm):
    """A form about one case, showing its current values."""

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.case_values(case))
        super().__init__(*args, **kwargs)

    def case_values(self, case: Case) -> dict[str, Any]:
        raise NotImplementedError


class CaseAssignForm(_CaseForm):
    """Who handles the case: a member of staff with a handling role in its office, or no one."""

    unmarked_optional = frozenset({"assignee"})

    assignee = AssigneeChoiceField(
        label=gettext_lazy("Responsible"),
        queryset=None,  # the office's staff, set per case
        required=False,
        empty_label=gettext_lazy("not assigned"),
        error_messages={
            "invalid_choice": gettext_lazy(
                "This person does not handle applications of this office."
            )
        },
    )

    def case_values(self, case: Case) -> dict[str, Any]:
        return {"assignee": case.assignee_id}

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = case_assignee_choices(case=case)


class CaseDeadlineForm(_CaseForm):
    """The date by which the office means to decide the case; empty removes it."""

    processing_deadline = forms.DateField(
        label=gettext_lazy("Processing deadline"),
        required=False,
        help_text=gettext_lazy("For example 2026-12-31. Leave empty to remove the deadline."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def case_values(self, case: Case) -> dict[str, Any]:
        return {"processing_deadline": case.deadline}


def _submission(request: HttpRequest, submission_id: uuid.UUID) -> Submission:
    return inbox_submission_get(user=request.user, submission_id=submission_id)


@require_safe
def submission_list(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    status = query = ""
    if form.is_valid():
        status, query = form.cleaned_data["status"], form.cleaned_data["q"]
    cases = inbox_list(user=request.user, status=status or None, query=query or None)
    # Keyset pages (no OFFSET) and a count that stops at a cap (no COUNT over the whole
    # inbox): page 5,000 and a large office cost what the first page of a small one costs.
    # A search held as the keys of its matches knows their number; one with more matches says
    # "more than 25" (refine it) instead of counting them: the count would repeat the search.
    cap = PAGE_SIZE if query and not isinstance(cases, KeyList) else INBOX_COUNT_CAP
    page = KeysetPaginator(ordering=LIST_ORDERING, page_size=PAGE_SIZE, salt=INBOX_SALT).page(
        cases, params=request.GET
    )
    list_url = reverse("backoffice:submission-list")
    rows = inbox_rows(inbox_rows_complete(page.items), list_url=list_url)
    return render(
        request,
        "backoffice/submissions/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "total": count_capped(cases, cap=cap, page=page),
        },
    )


def _accepted_at(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _decisions(request: HttpRequest, submission: Submission) -> list[Any]:
    """The case's decisions for whoever may decide it (none shown to anyone else)."""
    try:
        return list(
            decision_selectors.decisions_of_case(actor=request_actor(request), case=submission.case)
        )
    except DomainError:
        return []


def _detail_context(request: HttpRequest, submission: Submission) -> dict[str, Any]:
    language = (get_language() or "de")[:2]
    accepted = submission.declarations
    threads = mailbox_selectors.case_threads(case=submission.case)
    subjects = mailbox_selectors.subjects_open(threads)
    return {
        "submission": submission,
        "mail_threads": [(thread, subjects[thread.pk]) for thread in threads],
        "provisions": mailbox_selectors.case_provisions(case=submission.case),
        "processes": workflow_selectors.case_processes(case=submission.case),
        "decisions": _decisions(request, submission),
        "office_mailbox": mailbox_services.mailbox_of_office(office=submission.office),
        "sections": receipt_data_sections(submission=submission, language=language),
        "computed": receipt_computed_rows(submission=submission, language=language),
        "declarations": [
            (d.text(language), _accepted_at(accepted.get(d.id)))
            for d in declarations_of(submission.form.ui)
        ],
        "fee_euros": Decimal(submission.fee_cents) / 100,
        "open_requests": [
            r
            for r in submission.case.document_requests.all()
            if r.status == DocumentRequest.Status.OPEN
        ],
        # Everyone who sees the page holds a handling role today; the forms still ask, so
        # that a role that may only read would see the values without them.
        "can_handle": office_access_allowed(
            user=request.user, office=submission.office, roles=HANDLING_ROLES
        ),
    }


@require_safe
def submission_detail(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    submission = _submission(request, submission_id)
    return render(
        request,
        "backoffice/submissions/detail.html",
        {
            **_detail_context(request, submission),
            "status_form": StatusChangeForm(current=submission.case.status),
            "request_form": DocumentRequestForm(
                initial={"deadline": timezone.localdate() + dt.timedelta(days=14)}
            ),
            "assign_form": CaseAssignForm(case=submission.case),
            "deadline_form": CaseDeadlineForm(case=submission.case),
        },
    )


def _render_with_errors(
    request: HttpRequest, submission: Submission, **forms_: KernForm
) -> HttpResponse:
    context = {
        **_detail_context(request, submission),
        "status_form": StatusChangeForm(current=submission.case.status),
        "request_form": DocumentRequestForm(),
        "assign_form": CaseAssignForm(case=submission.case),
        "deadline_form": CaseDeadlineForm(case=submission.case),
        **forms_,
    }
    return render(request, "backoffice/submissions/detail.html", context, status=400)


@require_POST
def submission_status(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    submission = _submission(request, submission_id)
    form = StatusChangeForm(request.POST, current=submission.case.status)
    if form.is_valid():
        try:
            case_status_change(
                case=submission.case,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                actor=request_actor(request),
            )
        except DomainError as exc:
            form_error_add(form, exc, default="status")
        else:
            messages.success(request, _("The status has been changed."))
            return redirect("backoffice:submission-detail", submission_id=submission.pk)
    return _render_with_errors(request, submission, status_form=form)


@require_POST
def submission_acknowledge_view(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    submission = _submission(request, submission_id)
    case_acknowledge(case=submission.case, actor=request_actor(request))
    messages.success(request, _("The application has been acknowledged."))
    return redirect("backoffice:submission-detail", submission_id=submission.pk)


@require_POST
def document_request_new(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    submission = _submission(request, submission_id)
    form = DocumentRequestForm(request.POST)
    if form.is_valid():
        try:
            document_request_create(
                case=submission.case,
                message=form.cleaned_data["message"],
                deadline=form.cleaned_data["deadline"],
                actor=request_actor(request),
            )
        except DomainError as exc:
            form_error_add(form, exc)
        else:
            messages.success(request, _("The applicant has been asked for the documents."))
            return redirect("backoffice:submission-detail", submission_id=submission.pk)
    return _render_with_errors(request, submission, request_form=form)


@require_POST
def document_request_withdraw(
    request: HttpRequest, submission_id: uuid.UUID, request_id: uuid.UUID
) -> HttpResponse:
    submission = _submission(request, submission_id)
    found = next((r for r in submission.case.document_requests.all() if r.pk == request_id), None)
    if found is None:
        raise Http404(_("No such request."))
    try:
        document_request_cancel(request=found, actor=request_actor(request))
    except DomainError as exc:
        message_error_add(request, exc)
    else:
        messages.success(request, _("The request for documents has been withdrawn."))
    return redirect("backoffice:submission-detail", submission_id=submission.pk)


@dataclass(frozen=True)
class _CaseChange:
    """A case form of the detail page and the service it feeds."""

    context_name: str  # of the form in the page's context
    service: Callable[..., object]  # called with case, actor and the fields
    fields: dict[str, str]  # form field → service argument
    success: str | Promise


_CASE_CHANGES: dict[type[_CaseForm], _CaseChange] = {
    CaseAssignForm: _CaseChange(
        "assign_form",
        case_assign,
        {"assignee": "assignee"},
        gettext_lazy("The responsible person has been changed."),
    ),
    CaseDeadlineForm: _CaseChange(
        "deadline_form",
        case_deadline_set,
        {"processing_deadline": "deadline"},
        gettext_lazy("The processing deadline has been changed."),
    ),
}


def _case_form_post(
    request: HttpRequest, submission_id: uuid.UUID, form_class: type[_CaseForm]
) -> HttpResponse:
    """Validate the posted `form_class`, pass its data to its service (`_CASE_CHANGES`) and
    redirect to the detail page; otherwise show the page with the errors (a domain error at
    the field it names, else at the first field)."""
    submission = _submission(request, submission_id)
    change = _CASE_CHANGES[form_class]
    form = form_class(request.POST, case=submission.case)
    if form.is_valid():
        arguments = {argument: form.cleaned_data[f] for f, argument in change.fields.items()}
        try:
            change.service(case=submission.case, actor=request_actor(request), **arguments)
        except DomainError as exc:
            renamed = {argument: f for f, argument in change.fields.items()}
            form_error_add(form, exc, fields=renamed, default=next(iter(change.fields)))
        else:
            messages.success(request, str(change.success))
            return redirect("backoffice:submission-detail", submission_id=submission.pk)
    return _render_with_errors(request, submission, **{change.context_name: form})


@require_POST
def case_assign_view(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    return _case_form_post(request, submission_id, CaseAssignForm)


@require_POST
def case_deadline_view(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    return _case_form_post(request, submission_id, CaseDeadlineForm)


@require_http_methods(["GET", "HEAD"])
def submission_attachment(
    request: HttpRequest, submission_id: uuid.UUID, attachment_id: uuid.UUID
) -> HttpResponseBase:
    attachment = inbox_attachment_get(
        user=request.user, submission_id=submission_id, attachment_id=attachment_id
    )
    try:
        handle = attachment_open(attachment=attachment)
    except AttachmentNotReady as exc:
        return render(
            request,
            "backoffice/submissions/not_ready.html",
            {"message": exc.message, "submission_id": submission_id},
            status=409,
        )
    return download_response(
        handle, original_name=attachment.original_name, content_type=attachment.content_type
    )


@require_http_methods(["GET", "HEAD"])
def submission_receipt(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponseBase:
    submission = _submission(request, submission_id)
    if not submission.receipt:
        raise Http404(_("The receipt has not been made yet."))
    return FileResponse(
        submission.receipt.open("rb"),
        as_attachment=True,
        filename=f"{submission.reference}.pdf",
        content_type="application/pdf",
    )
