"""Writes of drafts: start, save a step, accept declarations, delete.

A draft belongs to the applicant who started it; `ensure_own_draft` is checked by every
service here, and views call `selectors.draft_get_own` so that other people's drafts are 404.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.applications.declarations import declarations_of
from rathaus.applications.form_schema import FormError, data_without_hidden, form_data_validate
from rathaus.applications.models import Draft, FormDefinition
from rathaus.applications.prefill import prefill_data
from rathaus.catalog.models import LocalService, Service
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict, DomainError, NotFound, NotPermitted
from rathaus.organisations.selectors import Principal
from rathaus.payments.models import Payment


class NotAvailableOnline(NotFound):
    """The service has no published online form here."""


class DraftClosed(Conflict):
    """The draft has been submitted already."""


class DraftPaid(Conflict):
    """The draft's fee has been paid; it is not deleted (nor does it expire)."""


def ensure_own_draft(*, draft: Draft, actor: Actor) -> None:
    """Raise unless `actor` is the person who started `draft`."""
    if not actor.is_person or draft.applicant_id != actor.user_id:
        raise NotPermitted(_("This application belongs to someone else."))


def _ensure_open(draft: Draft) -> None:
    if Draft.objects.filter(pk=draft.pk, submission__isnull=False).exists():
        raise DraftClosed(_("This application has been submitted already."))


def form_published_for(*, service: Service) -> FormDefinition | None:
    return FormDefinition.objects.filter(
        service=service, status=FormDefinition.Status.PUBLISHED
    ).first()


@transaction.atomic
def draft_start(*, offer: LocalService, principal: Principal) -> Draft:
    """Start an application for `offer` as `principal` (organisations.selectors.Principal):
    the published form version is fixed now; fields asking for profile data are prefilled."""
    service = offer.service
    form = form_published_for(service=service)
    if (
        form is None
        or service.online_application != Service.OnlineApplication.INTERNAL
        or not offer.online_available
    ):
        raise NotAvailableOnline(_("This service cannot be applied for online here."))
    person = principal.principal_user or principal.user
    draft = Draft.objects.create(
        form=form,
        offer=offer,
        applicant=principal.user,
        organisation=principal.organisation,
        principal_user=principal.principal_user,
        proxy=principal.proxy,
        data=data_without_hidden(form, prefill_data(definition=form, person=person))
        if principal.organisation is None
        else {},
    )
    audit_record(
        actor=Actor.person(principal.user),
        action="draft.create",
        obj=draft,
        municipality=offer.municipality_id,
        details={
            "service": service.slug,
            "municipality": offer.municipality.slug,
            "form_version": form.version,
            "on_behalf_of": str(principal.subject.pk) if not principal.acts_for_self else "",
        },
    )
    return draft


def _set_pointer(data: dict[str, Any], pointer: str, value: Any) -> None:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            if value is None:
                return
            child = node[part] = {}
        node = child
    if value is None:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value


def _pointers(data: Any, prefix: str = "") -> set[str]:
    """The pointers of every answer (leaf value) in `data`."""
    if not isinstance(data, dict):
        return {prefix} if prefix else set()
    return {p for key, value in data.items() for p in _pointers(value, f"{prefix}/{key}")}


@transaction.atomic
def draft_save_step(
    *, draft: Draft, step: str, values: dict[str, Any], actor: Actor
) -> list[FormError]:
    """Store the values of one step (JSON pointer → typed value, None = empty) and validate
    that step. The values are kept even when invalid, so nothing typed is lost; the step
    counts as completed only without errors. Answers to questions that no longer apply
    (their `visible_if` condition does not hold any more, on any step) are removed, so
    they never reach the check page, the receipt or the submitted data. Returns the errors."""
    draft = (
        Draft.objects.select_for_update(of=("self",))
        .select_related("form", "offer")
        .get(pk=draft.pk)
    )
    ensure_own_draft(draft=draft, actor=actor)
    _ensure_open(draft)
    step_ids = [s["id"] for s in draft.form.ui["steps"]]
    if step not in step_ids:
        raise DomainError(_("Unknown step."))
    fields = {f["field"] for s in draft.form.ui["steps"] if s["id"] == step for f in s["fields"]}
    data = dict(draft.data)
    for pointer in fields:
        _set_pointer(data, pointer, values.get(pointer))
    visible_data = data_without_hidden(draft.form, data)
    removed = _pointers(data) - _pointers(visible_data)
    data = visible_data
    errors = form_data_validate(draft.form, data, step=step)
    completed = [s for s in draft.completed_steps if s != step]
    if not errors:
        completed.append(step)
    # A changed answer can make questions of another step apply (a second dog): that step
    # is not complete any more, so the citizen is led there instead of the check page.
    completed = [
        s for s in completed if s == step or not form_data_validate(draft.form, data, step=s)
    ]
    draft.data = data
    draft.completed_steps = [s for s in step_ids if s in completed]
    draft.expires_at = timezone.now() + timedelta(days=settings.RATHAUS_DRAFT_EXPIRY_DAYS)
    draft.reminder_sent_at = None
    draft.save(
        update_fields=["data", "completed_steps", "expires_at", "reminder_sent_at", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="draft.save_step",
        obj=draft,
        municipality=draft.offer.municipality_id,
        details={"step": step, "errors": len(errors), "removed_answers": sorted(removed)},
    )
    return errors


@transaction.atomic
def draft_accept_declarations(*, draft: Draft, accepted: set[str], actor: Actor) -> list[str]:
    """Record the declarations ticked; returns the ids still missing."""
    draft = (
        Draft.objects.select_for_update(of=("self",))
        .select_related("form", "offer")
        .get(pk=draft.pk)
    )
    ensure_own_draft(draft=draft, actor=actor)
    _ensure_open(draft)
    now = timezone.now().isoformat()
    known = [d.id for d in declarations_of(draft.form.ui)]
    draft.declarations = {d: draft.declarations.get(d, now) for d in known if d in accepted}
    draft.save(update_fields=["declarations", "updated_at"])
    audit_record(
        actor=actor,
        action="draft.declarations",
        obj=draft,
        municipality=draft.offer.municipality_id,
        details={"accepted": sorted(draft.declarations)},
    )
    return [d for d in known if d not in draft.declarations]


def draft_delete_refusal(*, draft: Draft) -> str:
    """Why `draft` cannot be deleted ("" when it can): money was received for it, and
    deleting would leave a payment nobody refunds."""
    if draft.payment is not None and draft.payment.status == Payment.Status.PAID:
        return str(
            _(
                "The fee for this application has been paid, so it cannot be deleted. Please "
                "submit it, or ask the responsible office to refund the fee."
            )
        )
    return ""


@transaction.atomic
def draft_delete(*, draft: Draft, actor: Actor) -> None:
    """Delete an unsubmitted draft with its uploads: the applicant's choice (a person, who
    must own it) or the system's (expiry, erasure of personal data; audited as
    "draft.expire")."""
    draft = (
        Draft.objects.select_for_update(of=("self",))
        .select_related("payment", "offer", "form__service")
        .get(pk=draft.pk)
    )
    if not actor.is_system:
        ensure_own_draft(draft=draft, actor=actor)
    _ensure_open(draft)
    refusal = draft_delete_refusal(draft=draft)
    if refusal:
        raise DraftPaid(refusal)
    files = [a.file for a in draft.attachments.all()]
    audit_record(
        actor=actor,
        action="draft.expire" if actor.is_system else "draft.delete",
        obj=draft,
        municipality=draft.offer.municipality_id,
        details={"service": draft.form.service.slug, "attachments": len(files)},
    )
    draft.delete()

    def remove_files() -> None:
        for f in files:
            f.delete(save=False)

    transaction.on_commit(remove_files)
