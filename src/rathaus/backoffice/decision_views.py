"""Decision pages under /intern/bescheide/: the decision templates of a service (versions,
a new draft, editing it, a PDF preview with sample data, publishing) for the
Fachadministration, and the post queue of the offices a clerk handles cases in (the
print-ready PDF, marking it posted). Thin: parse, call one service or selector, render."""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from rathaus.backoffice.decision_forms import NewVersionForm, PostedForm, TemplateTextsForm
from rathaus.catalog.models import Service
from rathaus.core.error_responses import form_error_add, message_error_add
from rathaus.core.errors import DomainError, NotFound
from rathaus.decisions import selectors, services
from rathaus.decisions.services import TEXT_FIELDS
from rathaus.federation.actors import request_actor


def _service(service_id: uuid.UUID) -> Service:
    service = Service.objects.filter(pk=service_id).first()
    if service is None:
        raise NotFound(_("No such service."))
    return service


@require_http_methods(["GET", "POST"])
def templates(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    service = _service(service_id)
    municipalities = selectors.template_municipalities(actor=actor)
    found = selectors.templates_of_service(actor=actor, service=service)
    if not municipalities and not found:
        raise NotFound(_("No such service."))
    form = NewVersionForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        municipality = next(
            m for m in municipalities if str(m.pk) == form.cleaned_data["municipality"]
        )
        try:
            version = services.template_version_create(
                actor=actor, service=service, municipality=municipality
            )
        except DomainError as error:
            form_error_add(form, error)
        else:
            return redirect("backoffice:decision-version", version.pk)
    return render(
        request,
        "backoffice/decisions/templates.html",
        {"service": service, "templates": found, "form": form},
    )


@require_http_methods(["GET", "POST"])
def version(request: HttpRequest, version_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.template_version_get(actor=actor, version_id=version_id)
    initial = {name: getattr(found, name) for name in TEXT_FIELDS}
    form = TemplateTextsForm(request.POST or None, initial=initial)
    draft = found.status == found.Status.DRAFT
    if request.method == "POST" and form.is_valid():
        try:
            services.template_version_update(actor=actor, version=found, fields=form.cleaned_data)
        except DomainError as error:
            form_error_add(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("backoffice:decision-version", found.pk)
    return render(
        request,
        "backoffice/decisions/version.html",
        {"version": found, "template": found.template, "form": form, "draft": draft},
        status=400 if form.errors else 200,
    )


@require_safe
def version_preview(request: HttpRequest, version_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.template_version_get(actor=actor, version_id=version_id)
    pdf = services.template_version_preview(
        actor=actor,
        version=found,
        office=selectors.preview_office(version=found, user=request.user),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(
            as_attachment=False, filename=f"vorschau-bescheid-v{found.number}.pdf"
        )
        or ""
    )
    return response


@require_POST
def version_publish(request: HttpRequest, version_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.template_version_get(actor=actor, version_id=version_id)
    try:
        services.template_version_publish(actor=actor, version=found)
    except DomainError as error:
        message_error_add(request, error)
    else:
        messages.success(
            request,
            _("Version %(number)d is published: new decisions of the service use it.")
            % {"number": found.number},
        )
    return redirect("backoffice:decision-version", found.pk)


@require_safe
def post_queue(request: HttpRequest) -> HttpResponse:
    queue = list(selectors.post_queue(user=request.user)[:500])
    return render(
        request,
        "backoffice/decisions/post_queue.html",
        {"queue": queue, "form": PostedForm()},
    )


@require_safe
def decision_pdf(request: HttpRequest, decision_id: uuid.UUID) -> HttpResponse:
    decision = selectors.decision_get(user=request.user, decision_id=decision_id)
    response = HttpResponse(
        services.decision_pdf(decision=decision), content_type="application/pdf"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"bescheid-{decision.case.reference}.pdf"
    )
    return response


@require_POST
def decision_posted(request: HttpRequest, decision_id: uuid.UUID) -> HttpResponse:
    decision = selectors.decision_get(user=request.user, decision_id=decision_id)
    form = PostedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please enter the day the decision was handed to the post."))
        return redirect("backoffice:decision-post-queue")
    try:
        posted = services.decision_mark_posted(
            actor=request_actor(request),
            decision=decision,
            posted_on=form.cleaned_data["posted_on"],
        )
    except DomainError as error:
        message_error_add(request, error)
    else:
        messages.success(
            request,
            _("The decision %(reference)s is posted; it counts as notified on %(day)s.")
            % {
                "reference": decision.case.reference,
                "day": posted.notified_on.strftime("%d.%m.%Y") if posted.notified_on else "",
            },
        )
    return redirect("backoffice:decision-post-queue")
