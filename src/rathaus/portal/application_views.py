"""The citizen's online application: start, form steps, proofs, check, declarations, fee,
submission, confirmation, 'Mein Bereich' and the status of each application.

Thin views: parse the request, call one service or selector, render. Every page needs a
login and the trust level of the service (a draft continued in a later session with a lower
level is sent to step-up again). Other people's drafts and submissions are 404.
"""

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from rathaus.applications import forms
from rathaus.applications import selectors as application_selectors
from rathaus.applications.forms import declarations_of
from rathaus.applications.models import Draft, Submission
from rathaus.applications.selectors import (
    SubmissionProblems,
    attachment_status_text,
    fee_quote,
    fee_rule_of,
    submission_problems,
    upload_rules,
)
from rathaus.applications.services import (
    DraftClosed,
    DraftPaid,
    NotAvailableOnline,
    NothingToPay,
    SubmissionIncomplete,
    UploadRefused,
    attachment_add,
    attachment_remove,
    draft_accept_declarations,
    draft_delete,
    draft_delete_refusal,
    draft_payment_start,
    draft_save_step,
    draft_start,
    form_published_for,
    submission_create,
)
from rathaus.cases.models import DocumentRequest
from rathaus.cases.selectors import applicant_next_steps
from rathaus.cases.services import document_request_fulfil
from rathaus.catalog import selectors as catalog_selectors
from rathaus.catalog.models import Service
from rathaus.catalog.selectors import fee_describe, format_cents
from rathaus.core.errors import DomainError, NotFound, NotPermitted
from rathaus.core.invalid_characters import (
    checks_invalid_characters,
    names_with_invalid_characters,
    query_dict_without_invalid_characters,
)
from rathaus.core.keyset import KeysetPaginator
from rathaus.federation.access import step_up_url
from rathaus.federation.actors import request_actor, request_user
from rathaus.federation.levels import TrustLevel
from rathaus.federation.selectors import session_trust_level, trust_level_sufficient
from rathaus.municipalities import selectors as municipality_selectors
from rathaus.organisations.selectors import current_principal, principal_label
from rathaus.payments.selectors import payment_allows_submission, payment_providers_enabled
from rathaus.payments.services import PaymentError
from rathaus.portal.invalid_characters import invalid_character_errors

P = ParamSpec("P")


def _language() -> str:
    return (get_language() or "de")[:2]


def applicant_page(
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Login required; NotPermitted → an explanation (403); NotFound is left to the 404 page
    of `rathaus.core.error_responses`."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except DraftSubmitted as exc:
            # Back (or a bookmark) to a page of a draft that has been sent: say so.
            return render(
                request,
                "portal/application/already_submitted.html",
                {"submission": exc.submission, "municipality": exc.submission.municipality},
                status=409,
            )
        except NotPermitted as exc:  # ProxyNotPermitted and StaffPermissionDenied included
            return render(
                request,
                "portal/application/not_permitted.html",
                {"message": exc.message},
                status=403,
            )
        except DraftClosed as exc:
            messages.info(request, exc.message)
            return redirect("apply:overview")

    return login_required(wrapper)


def _trust_redirect(request: HttpRequest, service: Service) -> HttpResponse | None:
    """A redirect to step-up when this session is below the service's trust level."""
    trust = session_trust_level(request)
    if trust_level_sufficient(session_level=trust.level if trust else None, service=service):
        return None
    required = TrustLevel.from_key(service.min_trust_level)
    return redirect(step_up_url(level=required, next_url=request.get_full_path()))


def _acting_for(draft: Draft) -> str:
    """Whom the draft is for, when not the applicant themself (for the banner)."""
    if draft.organisation_id is not None and draft.organisation is not None:
        return draft.organisation.name
    if draft.principal_user_id is not None:
        return principal_label(draft.principal_user)
    return ""


def _steps(draft: Draft) -> list[dict[str, Any]]:
    return [
        {"id": s["id"], "title": forms.localized_text(s.get("title"), _language())}
        for s in draft.form.ui.get("steps", [])
    ]


def _documents(draft: Draft) -> list[Any]:
    return [d for d in draft.offer.service.required_documents.all() if d.electronic_accepted]


def _after_steps_url(draft: Draft) -> str:
    if _documents(draft):
        return reverse("apply:documents", args=[draft.pk])
    return reverse("apply:check", args=[draft.pk])


def _continue_url(draft: Draft, query: str = "") -> str:
    """Where a citizen continues a draft: the first step not completed, else the check page."""
    for step in draft.form.ui.get("steps", []):
        if step["id"] not in draft.completed_steps:
            return reverse("apply:step", args=[draft.pk, step["id"]]) + query
    return reverse("apply:check", args=[draft.pk])


def _journey(draft: Draft, has_documents: bool) -> list[str]:
    """Every page of the application in order: the form's steps, the proofs (if any), the
    check page, the declarations and the fee page (where it is submitted)."""
    pages = [f"step:{s['id']}" for s in draft.form.ui.get("steps", [])]
    return [*pages, *(["documents"] if has_documents else []), "check", "declarations", "fee"]


def _draft_context(draft: Draft, page: str = "", **extra: Any) -> dict[str, Any]:
    """`page`: where in the journey this page is (see `_journey`), for "Step X of N"."""
    has_documents = bool(_documents(draft))
    journey = _journey(draft, has_documents)
    return {
        "draft": draft,
        "service": draft.offer.service,
        "municipality": draft.offer.municipality,
        "acting_for": _acting_for(draft),
        "steps": _steps(draft),
        "has_documents": has_documents,
        "progress": (journey.index(page) + 1, len(journey)) if page in journey else None,
        **extra,
    }


class DraftSubmitted(NotFound):
    """The draft asked for has become `submission`: its pages are gone, the submission is not."""

    def __init__(self, submission: Submission) -> None:
        super().__init__(_("This application has already been sent."))
        self.submission = submission


def _own_draft(request: HttpRequest, draft_id: Any) -> Draft:
    try:
        return application_selectors.draft_get_own(user=request_user(request), draft_id=draft_id)
    except NotFound:
        sent = (
            application_selectors.submissions_of(user=request_user(request))
            .filter(draft_id=draft_id)
            .first()
        )
        if sent is None:
            raise
        raise DraftSubmitted(sent) from None


# --- Mein Bereich -------------------------------------------------------------------------

SUBMISSION_PAGE_SIZE = 20


@applicant_page
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    drafts = list(application_selectors.drafts_of(user=request_user(request)))
    # Keyset pages, as every case list (rathaus.core.keyset): one person's list is short, but
    # an organisation's may not be.
    page = KeysetPaginator(
        ordering=application_selectors.SUBMISSION_LIST_ORDERING,
        page_size=SUBMISSION_PAGE_SIZE,
        salt="rathaus.portal.submissions",
    ).page(application_selectors.submission_list_of(user=request_user(request)), params=request.GET)
    next_steps = applicant_next_steps(cases=[s.case for s in page.items])
    return render(
        request,
        "portal/application/overview.html",
        {
            "drafts": [(d, _continue_url(d)) for d in drafts],
            "submissions": [(s, next_steps[s.case_id]) for s in page.items],
            "page": page,
        },
    )


# --- Start --------------------------------------------------------------------------------


@applicant_page
@require_http_methods(["GET", "HEAD", "POST"])
def start(request: HttpRequest, municipality_slug: str, service_slug: str) -> HttpResponse:
    municipality = municipality_selectors.municipality_get(slug=municipality_slug)
    offer = catalog_selectors.service_get(municipality=municipality, slug=service_slug)
    step_up = _trust_redirect(request, offer.service)
    if step_up is not None:
        return step_up
    principal = current_principal(request)
    context: dict[str, Any] = {
        "municipality": municipality,
        "offer": offer,
        "service": offer.service,
        "principal": principal,
        "acting_for": "" if principal.acts_for_self else principal.label,
        "documents": list(offer.service.required_documents.all()),
        "fee_text": fee_describe(offer.fee_rule, _language()),
        "available": offer.local_service is not None
        and offer.online_available
        and offer.service.online_application == Service.OnlineApplication.INTERNAL
        and form_published_for(service=offer.service) is not None,
    }
    if request.method == "POST" and offer.local_service is not None:
        try:
            draft = draft_start(offer=offer.local_service, principal=principal)
        except NotAvailableOnline as exc:
            context.update(available=False, problem=exc.message)
        else:
            return redirect(_continue_url(draft))
    return render(request, "portal/application/start.html", context)


# --- Form steps ---------------------------------------------------------------------------


@checks_invalid_characters
@applicant_page
@require_http_methods(["GET", "HEAD", "POST"])
def step(request: HttpRequest, draft_id: str, step_id: str) -> HttpResponse:
    draft = _own_draft(request, draft_id)
    step_up = _trust_redirect(request, draft.offer.service)
    if step_up is not None:
        return step_up
    definition = draft.form
    step_ids = [s["id"] for s in definition.ui.get("steps", [])]
    if step_id not in step_ids:
        raise Http404(_("Unknown step."))
    index = step_ids.index(step_id)
    return_to_check = request.GET.get("von") == "pruefen" or request.POST.get("von") == "pruefen"
    errors: list[forms.FormError] = []
    revealed: set[str] = set()
    if request.method == "POST":
        # Characters no text may hold are taken out here and reported at their fields.
        invalid = names_with_invalid_characters(request.POST)
        post = query_dict_without_invalid_characters(request.POST) if invalid else request.POST
        values = forms.step_values_parse(definition=definition, step_id=step_id, post=post)
        answers_before = draft.data
        errors = draft_save_step(
            draft=draft, step=step_id, values=values, actor=request_actor(request)
        )
        errors = invalid_character_errors(
            definition=definition,
            step_id=step_id,
            names=invalid,
            errors=errors,
            language=_language(),
        )
        draft.refresh_from_db(fields=["data", "completed_steps"])
        action = request.POST.get("action", "next")
        if action == "back":
            if index == 0:
                return redirect("apply:overview")
            return redirect("apply:step", draft.pk, step_ids[index - 1])
        if action == "save":
            draft.refresh_from_db(fields=["expires_at"])
            messages.success(
                request,
                _("Your application has been saved. You can continue it until %(date)s.")
                % {"date": date_format(draft.expires_at, "DATE_FORMAT")},
            )
            return redirect("apply:overview")
        # Questions that apply only now (a condition on an answer of this step): show the
        # step again with them instead of moving on; no errors for what was not asked yet.
        revealed = forms.fields_revealed(
            definition=definition, step_id=step_id, before=answers_before, after=draft.data
        )
        errors = [
            (pointer, message)
            for pointer, message in errors
            if not any(pointer == p or pointer.startswith(p + "/") for p in revealed)
        ]
        if not errors and not revealed:
            if return_to_check:
                # Back to the check page, unless the change made another step incomplete.
                return redirect(_continue_url(draft, query="?von=pruefen"))
            if index + 1 < len(step_ids):
                return redirect("apply:step", draft.pk, step_ids[index + 1])
            return redirect(_after_steps_url(draft))
    fields = forms.step_fields(
        definition=definition,
        step_id=step_id,
        data=draft.data,
        errors=errors,
        language=_language(),
    )
    step_ui = forms.step_of(definition, step_id) or {}
    return render(
        request,
        "portal/application/step.html",
        _draft_context(
            draft,
            page=f"step:{step_id}",
            revealed=bool(revealed),
            step_id=step_id,
            step_title=forms.localized_text(step_ui.get("title"), _language()),
            notes=[forms.localized_text(n, _language()) for n in step_ui.get("notes", [])],
            fields=fields,
            error_summary=forms.error_summary(fields),
            return_to_check=return_to_check,
            is_first=index == 0,
        ),
    )


# --- Proofs (§5 EGovG) ---------------------------------------------------------------------


def _file_field_id(document: Any) -> str:
    return f"file-{document.pk}"


@applicant_page
@require_http_methods(["GET", "HEAD", "POST"])
def documents(request: HttpRequest, draft_id: str) -> HttpResponse:
    draft = _own_draft(request, draft_id)
    step_up = _trust_redirect(request, draft.offer.service)
    if step_up is not None:
        return step_up
    required = _documents(draft)
    error_summary: list[tuple[str, str]] = []
    if request.method == "POST":
        remove = request.POST.get("remove")
        if remove:
            remove_id = _uuid_or_none(remove)
            attachment = draft.attachments.filter(pk=remove_id).first() if remove_id else None
            if attachment is None:
                raise Http404(_("No such document."))
            attachment_remove(attachment=attachment, actor=request_actor(request))
            return redirect("apply:documents", draft.pk)
        for document in required:
            upload = request.FILES.get(_file_field_id(document))
            if upload is None:
                continue
            try:
                attachment_add(
                    upload=upload,
                    actor=request_actor(request),
                    draft=draft,
                    required_document=document,
                )
            except UploadRefused as exc:
                error_summary.append((_file_field_id(document), f"{document.name}: {exc.message}"))
        if not error_summary and request.POST.get("action") == "next":
            missing = submission_problems(draft=draft).missing_documents
            if not missing:
                return redirect("apply:check", draft.pk)
            error_summary = [
                (_file_field_id(d), _("Please upload: %(document)s") % {"document": d.name})
                for d in missing
            ]
        elif not error_summary:
            return redirect("apply:documents", draft.pk)
    attachments = list(draft.attachments.all())
    failed = {field_id for field_id, _message in error_summary}
    rows = [
        {
            "document": document,
            "field_id": _file_field_id(document),
            "errors": [m for field_id, m in error_summary if field_id == _file_field_id(document)],
            "invalid": _file_field_id(document) in failed,
            "attachments": [
                (a, attachment_status_text(a))
                for a in attachments
                if a.required_document_id == document.pk
            ],
        }
        for document in required
    ]
    steps = _steps(draft)
    return render(
        request,
        "portal/application/documents.html",
        _draft_context(
            draft,
            page="documents",
            rows=rows,
            error_summary=error_summary,
            upload_rules=upload_rules(),
            last_step=steps[-1]["id"] if steps else "",
        ),
    )


def _uuid_or_none(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


# --- Check your answers, declarations, fee, submit ----------------------------------------


def _check_context(draft: Draft, problems: SubmissionProblems | None) -> dict[str, Any]:
    language = _language()
    quote = fee_quote(offer=draft.offer, definition=draft.form, data=draft.data)
    step_of_field = {
        f["field"]: s["id"] for s in draft.form.ui.get("steps", []) for f in s.get("fields", [])
    }
    problem_links: list[tuple[str, str]] = []
    if problems is not None:
        for pointer, message in problems.form_errors:
            owner = next(
                (p for p in step_of_field if pointer == p or pointer.startswith(p + "/")), None
            )
            url = reverse("apply:step", args=[draft.pk, step_of_field[owner]]) if owner else ""
            # The message names the field already (applications.form_messages).
            problem_links.append(
                (f"{url}?von=pruefen#{forms.field_html_id(owner)}" if owner else "", message)
            )
        documents_url = reverse("apply:documents", args=[draft.pk])
        for document in problems.missing_documents:
            problem_links.append(
                (documents_url, _("Upload: %(document)s") % {"document": document.name})
            )
        for attachment in problems.infected_attachments:
            problem_links.append(
                (
                    documents_url,
                    _("A virus was found in %(file)s; remove it and upload a clean file.")
                    % {"file": attachment.original_name},
                )
            )
        if problems.missing_declarations:
            problem_links.append(
                (
                    reverse("apply:declarations", args=[draft.pk]),
                    _("Please accept the declarations."),
                )
            )
        if problems.payment_needed:
            problem_links.append((reverse("apply:fee", args=[draft.pk]), _("Please pay the fee.")))
        if problems.fee_problem:
            problem_links.append(("", problems.fee_problem))
    return _draft_context(
        draft,
        page="check",
        answers=forms.answer_rows(definition=draft.form, data=draft.data, language=language),
        documents=_documents(draft),
        attachments=list(draft.attachments.all()),
        quote=quote,
        fee_amount=format_cents(quote.amount_cents, language) if quote.amount_cents else "",
        problems=problem_links,
    )


@applicant_page
@require_safe
def check(request: HttpRequest, draft_id: str) -> HttpResponse:
    draft = _own_draft(request, draft_id)
    step_up = _trust_redirect(request, draft.offer.service)
    if step_up is not None:
        return step_up
    return render(request, "portal/application/check.html", _check_context(draft, None))


@applicant_page
@require_http_methods(["GET", "HEAD", "POST"])
def declarations(request: HttpRequest, draft_id: str) -> HttpResponse:
    draft = _own_draft(request, draft_id)
    step_up = _trust_redirect(request, draft.offer.service)
    if step_up is not None:
        return step_up
    missing: list[str] = []
    accepted = set(draft.declarations)
    if request.method == "POST":
        accepted = set(request.POST.getlist("declaration"))
        missing = draft_accept_declarations(
            draft=draft, accepted=accepted, actor=request_actor(request)
        )
        if not missing:
            return redirect("apply:fee", draft.pk)
    language = _language()
    items = [
        {
            "id": d.id,
            "html_id": f"declaration-{d.id}",
            "text": d.text(language),
            "checked": d.id in accepted,
            "error": d.id in missing,
        }
        for d in declarations_of(draft.form.ui)
    ]
    return render(
        request,
        "portal/application/declarations.html",
        _draft_context(
            draft,
            page="declarations",
            declarations=items,
            error_summary=[
                (i["html_id"], _("Please confirm: %(text)s") % {"text": i["text"]})
                for i in items
                if i["error"]
            ],
        ),
    )


def _fee_context(request: HttpRequest, draft: Draft) -> dict[str, Any]:
    language = _language()
    quote = fee_quote(offer=draft.offer, definition=draft.form, data=draft.data)
    providers = _providers(draft)
    payment_label = ""
    if draft.payment is not None:
        payment_label = next(
            (p.label for p in providers if p.key == draft.payment.provider), draft.payment.provider
        )
    return _draft_context(
        draft,
        page="fee",
        quote=quote,
        payment_label=payment_label,
        fee_amount=format_cents(quote.amount_cents, language) if quote.amount_cents else "",
        fee_text=fee_describe(fee_rule_of(draft.offer), language),
        payment=draft.payment,
        payment_ok=_payment_ok(draft, quote.amount_cents),
        providers=providers if quote.amount_cents else [],
    )


def _payment_ok(draft: Draft, amount_cents: int | None) -> bool:
    if not amount_cents:
        return True
    return payment_allows_submission(payment=draft.payment, amount_cents=amount_cents)


def _providers(draft: Draft) -> list[Any]:
    # Without the providers the draft's municipality switched off (its payment accounts).
    return list(payment_providers_enabled(municipality=draft.offer.municipality_id))


@applicant_page
@require_http_methods(["GET", "HEAD", "POST"])
def fee(request: HttpRequest, draft_id: str) -> HttpResponse:
    draft = _own_draft(request, draft_id)
    step_up = _trust_redirect(request, draft.offer.service)
    if step_up is not None:
        return step_up
    error_summary: list[tuple[str, str]] = []
    if request.method == "POST":
        provider = request.POST.get("provider", "")
        try:
            if provider not in {p.key for p in _providers(draft)}:
                raise PaymentError(_("Please choose a payment method."))
            started = draft_payment_start(
                draft=draft,
                provider=provider,
                actor=request_actor(request),
                return_url=reverse("apply:fee", args=[draft.pk]),
                notify_url=request.build_absolute_uri(reverse("payments:notify", args=[provider])),
            )
        except (PaymentError, NothingToPay) as exc:
            error_summary = [("payment-provider", exc.message)]
        else:
            if started.redirect_url:
                return redirect(started.redirect_url)
            return redirect("apply:fee", draft.pk)
    context = _fee_context(request, draft)
    context["error_summary"] = error_summary
    return render(request, "portal/application/fee.html", context)


@applicant_page
@require_POST
def submit(request: HttpRequest, draft_id: str) -> HttpResponse:
    try:
        # Only the level needed: the service loads the draft itself, under a lock.
        level = application_selectors.draft_own_trust_level(
            user=request_user(request), draft_id=draft_id
        )
    except NotFound:
        # A second click after the first one went through: show the first one's result.
        done = application_selectors.submissions_of(user=request_user(request)).filter(
            draft_id=draft_id
        )
        submission = done.first()
        if submission is None:
            raise
        return redirect("apply:confirmation", submission.pk)
    step_up = _trust_redirect(request, Service(min_trust_level=level))
    if step_up is not None:
        return step_up
    try:
        submission = submission_create(
            draft=Draft(pk=draft_id), actor=request_actor(request), language=_language()
        )
    except SubmissionIncomplete as exc:
        draft = _own_draft(request, draft_id)
        return render(
            request,
            "portal/application/check.html",
            _check_context(draft, exc.problems),
            status=200,
        )
    return redirect("apply:confirmation", submission.pk)


@applicant_page
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request: HttpRequest, draft_id: str) -> HttpResponse:
    draft = _own_draft(request, draft_id)
    if request.method == "POST":
        try:
            draft_delete(draft=draft, actor=request_actor(request))
        except DraftPaid as exc:
            context = {**_draft_context(draft), "refusal": exc.message}
            return render(request, "portal/application/delete.html", context, status=409)
        messages.success(request, _("The application has been deleted."))
        return redirect("apply:overview")
    context = {**_draft_context(draft), "refusal": draft_delete_refusal(draft=draft)}
    return render(request, "portal/application/delete.html", context)


# --- After submission ---------------------------------------------------------------------


@applicant_page
@require_safe
def confirmation(request: HttpRequest, submission_id: str) -> HttpResponse:
    submission = application_selectors.submission_get_own(
        user=request_user(request), submission_id=submission_id
    )
    return render(
        request,
        "portal/application/confirmation.html",
        {
            "submission": submission,
            "municipality": submission.municipality,
            "next_step": applicant_next_steps(cases=[submission.case])[submission.case_id],
        },
    )


def _detail_context(submission: Submission, **extra: Any) -> dict[str, Any]:
    office = submission.office
    return {
        "submission": submission,
        "municipality": submission.municipality,
        "history": list(submission.case.status_changes.all()),
        "next_step": applicant_next_steps(cases=[submission.case])[submission.case_id],
        "office": office,
        "office_portal": office.municipality if office.municipality.has_portal else None,
        "document_requests": list(
            submission.case.document_requests.filter(
                status=DocumentRequest.Status.OPEN
            ).prefetch_related("attachments")
        ),
        "upload_rules": upload_rules(),
        **extra,
    }


def own_submission_page(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """The view gets the applicant's own submission instead of its id, after the check of
    the service's level of assurance (step-up when the session is below it)."""

    @functools.wraps(view)
    def wrapper(
        request: HttpRequest, submission_id: str, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        submission = application_selectors.submission_get_own(
            user=request_user(request), submission_id=submission_id
        )
        step_up = _trust_redirect(request, submission.service)
        if step_up is not None:
            return step_up
        return view(request, submission, *args, **kwargs)

    return wrapper


@applicant_page
@require_safe
@own_submission_page
def detail(request: HttpRequest, submission: Submission) -> HttpResponse:
    return render(request, "portal/application/detail.html", _detail_context(submission))


@applicant_page
@require_safe
@own_submission_page
def receipt(request: HttpRequest, submission: Submission) -> HttpResponse:
    if not submission.receipt:
        raise Http404(_("The receipt is being prepared."))
    with submission.receipt.open("rb") as receipt_file:
        content = receipt_file.read()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"Eingangsbestaetigung-{submission.reference}.pdf"
    )
    return response


@applicant_page
@require_POST
@own_submission_page
def document_request(request: HttpRequest, submission: Submission, request_id: str) -> HttpResponse:
    """Nachforderung: upload a requested document, or send what was uploaded (closes it)."""
    requested = submission.case.document_requests.filter(
        pk=request_id, status=DocumentRequest.Status.OPEN
    ).first()
    if requested is None:
        raise Http404(_("No such request for documents."))
    field_id = f"request-file-{requested.pk}"
    try:
        if request.POST.get("action") == "send":
            document_request_fulfil(request=requested, actor=request_actor(request))
            messages.success(request, _("Thank you. The documents have been sent to the office."))
        else:
            upload = request.FILES.get("file")
            if upload is None:
                raise UploadRefused(_("Please choose a file."), field="file")
            attachment_add(upload=upload, actor=request_actor(request), document_request=requested)
    except DomainError as exc:
        if isinstance(exc, NotFound | NotPermitted):
            raise
        return render(
            request,
            "portal/application/detail.html",
            _detail_context(submission, error_summary=[(field_id, exc.message)]),
        )
    return redirect("apply:detail", submission.pk)
