"""Disposal (Aussonderung, issue 11 §3) in the staff area, for the registry and system
administration of a municipality: the closed files whose retention has run, offered to the
archive (xdomea 0501); the offers with their next step (import the archive's answers from the
transfer directory, hand over what it takes (0503), destroy what it does not take); an xdomea
message that came another way imported by upload; the deletion records. The work is the
records' services; the messages travel through the municipality's archive connection."""

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from rathaus.core.errors import DomainError
from rathaus.federation.actors import request_actor
from rathaus.records import selectors as records_selectors
from rathaus.records import services as records_services

from .records_forms import XdomeaImportForm

SCHEMAS_MISSING = _(
    "The official xdomea schemas are not installed (RATHAUS_XDOMEA_SCHEMA_DIR), so no xdomea "
    "message can be checked. Please ask the system administration."
)


def _render(
    request: HttpRequest, *, form: XdomeaImportForm | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "backoffice/records/disposal.html",
        {
            "rows": records_selectors.disposal_rows(actor=request_actor(request)),
            "import_form": form or XdomeaImportForm(prefix="xdomea"),
        },
        status=status,
    )


@require_safe
def disposal(request: HttpRequest) -> HttpResponse:
    return _render(request)


@require_POST
def disposal_offer(request: HttpRequest, municipality_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    municipality = records_selectors.plan_municipality_get(
        actor=actor, municipality_id=municipality_id
    )
    try:
        offer = records_services.disposal_offer_create(
            actor=actor, municipality=municipality, file_ids=request.POST.getlist("files")
        )
    except DomainError as error:
        messages.error(request, str(error))
    except records_services.SchemaUnavailable:
        messages.error(request, SCHEMAS_MISSING)
    else:
        messages.success(
            request,
            _("The offer %(process)s was sent to the archive (xdomea 0501).")
            % {"process": offer.process_id},
        )
    return redirect("backoffice:records-disposal")


@require_POST
def disposal_step(request: HttpRequest, offer_id: uuid.UUID) -> HttpResponse:
    """The next step of an offer: import the archive's answers, hand over what the archive
    takes (0503), or destroy what it did not take."""
    actor = request_actor(request)
    offer = records_selectors.disposal_offer_get(actor=actor, offer_id=offer_id)
    if offer is None:
        raise Http404
    step = request.POST.get("step")
    try:
        if step == "transfer":
            records_services.disposal_transfer(actor=actor, offer=offer)
            messages.success(request, _("The files were handed over to the archive (xdomea 0503)."))
        elif step == "destroy":
            count = records_services.disposal_destroy(actor=actor, offer=offer)
            messages.success(
                request,
                _("%(count)s file(s) destroyed; the deletion records are kept.") % {"count": count},
            )
        elif step == "inbox":
            result = records_services.archive_inbox_process(actor=actor, offer=offer)
            messages.success(
                request,
                _("%(count)s message(s) of the archive imported.") % {"count": result.imported},
            )
            for refused in result.refused:
                messages.error(request, _("Refused: %(message)s") % {"message": refused})
        else:
            messages.error(request, _("Please choose the next step."))
    except DomainError as error:
        messages.error(request, str(error))
    except records_services.SchemaUnavailable:
        messages.error(request, SCHEMAS_MISSING)
    return redirect("backoffice:records-disposal")


@require_POST
def disposal_import(request: HttpRequest) -> HttpResponse:
    """An answer of the archive (0502, 0504, 0506, 0507) or of an authority that took files
    over (0402, 0403), uploaded; refused with element and line when invalid."""
    actor = request_actor(request)
    form = XdomeaImportForm(request.POST, request.FILES, prefix="xdomea")
    if form.is_valid():
        try:
            result = records_services.message_import(
                actor=actor, data=form.cleaned_data["message"].read(), answers_only=True
            )
        except DomainError as error:
            form.add_error("message", str(error))
        except records_services.SchemaUnavailable:
            form.add_error("message", SCHEMAS_MISSING)
        else:
            messages.success(
                request,
                _("Message %(code)s (xdomea %(version)s) imported: %(lines)s")
                % {
                    "code": result.code,
                    "version": result.version,
                    "lines": "; ".join(result.lines),
                },
            )
            return redirect("backoffice:records-disposal")
    return _render(request, form=form, status=400)
