"""File inspection (§8 EGovG) in the staff area: the inspections of a file (granted, until
when, revoked), a form to open documents of the file to a participant until a day, and
revoking. The participant is found by the e-mail address of their citizen account. Thin: the
records' services decide and audit; another office's file is 404."""

import datetime as dt
import uuid
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from rathaus.accounts.models import User
from rathaus.core.error_responses import form_error_add
from rathaus.core.errors import DomainError, NotFound
from rathaus.core.forms import KernForm
from rathaus.federation.actors import request_actor
from rathaus.records import selectors as records_selectors
from rathaus.records import services as records_services
from rathaus.records.models import Document, InspectionGrant, RecordFile


class _DocumentChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


class InspectionGrantForm(KernForm):
    email = forms.EmailField(
        label=gettext_lazy("E-mail address of the participant's citizen account"),
        max_length=254,
    )
    documents = _DocumentChoices(
        label=gettext_lazy("Documents to be inspected"),
        queryset=Document.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    last_day = forms.DateField(
        label=gettext_lazy("Last day of the inspection"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(label=gettext_lazy("Reason (e.g. the request)"), max_length=500)

    def __init__(self, *args: Any, record: RecordFile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        documents = cast(forms.ModelMultipleChoiceField, self.fields["documents"])
        documents.queryset = Document.objects.filter(file=record).order_by("-created_at")
        self.fields["last_day"].initial = timezone.localdate() + dt.timedelta(days=14)


class RevokeForm(KernForm):
    reason = forms.CharField(label=gettext_lazy("Reason for revoking"), max_length=500)


def _file(request: HttpRequest, file_id: uuid.UUID) -> RecordFile:
    record = RecordFile.objects.select_related("office", "municipality").filter(pk=file_id).first()
    offices = records_selectors.readable_office_ids(actor=request_actor(request))
    if record is None or (offices is not None and record.office_id not in offices):
        raise NotFound(_("No such file."))
    return record


@require_http_methods(["GET", "HEAD", "POST"])
def inspections(request: HttpRequest, file_id: uuid.UUID) -> HttpResponse:
    record = _file(request, file_id)
    form = InspectionGrantForm(request.POST or None, record=record)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        grantee = User.objects.filter(email__iexact=data["email"], kind=User.Kind.CITIZEN).first()
        try:
            if grantee is None:
                raise DomainError(_("No citizen account has this e-mail address."), field="email")
            records_services.inspection_grant(
                actor=request_actor(request),
                record=record,
                grantee=grantee,
                documents=list(data["documents"]),
                last_day=data["last_day"],
                reason=data["reason"],
            )
        except DomainError as error:
            form_error_add(form, error)
        else:
            messages.success(request, _("The inspection has been granted."))
            return redirect("backoffice:records-inspections", record.pk)
    grants = (
        InspectionGrant.objects.filter(file=record)
        .select_related("grantee")
        .prefetch_related("documents")
        .order_by("-created_at")
    )
    return render(
        request,
        "backoffice/records/inspections.html",
        {
            "record": record,
            "form": form,
            "grants": grants,
            "revoke_form": RevokeForm(),
            "now": timezone.now(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def inspection_revoke(
    request: HttpRequest, file_id: uuid.UUID, grant_id: uuid.UUID
) -> HttpResponse:
    record = _file(request, file_id)
    grant = InspectionGrant.objects.filter(file=record, pk=grant_id).first()
    if grant is None:
        raise NotFound(_("No such file inspection, or it has ended."))
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason for revoking the inspection."))
    else:
        try:
            records_services.inspection_revoke(
                actor=request_actor(request), grant=grant, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The inspection has been revoked."))
    return redirect("backoffice:records-inspections", record.pk)
