"""Writes of decisions (Bescheide, issue 12 §2): template versions (drafted, edited and
published by the Fachadministration), decisions made from them (rendered as PDF/A-2b,
sealed with the municipality's seal, time-stamped), their delivery — by retrieval from the
applicant's mailbox where they consented (§41 (2a) VwVfG, through
`rathaus.mailbox.services.act_provide`), else queued for post with the print-ready PDF — and
the posting (§41 (2) VwVfG: notified on the fourth day). Delivering sets the case's status to
"decided". Every change is audited; `decision.created` and `decision.delivered` are
published (the records file the decision into the case's file)."""

import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.cases import services as cases
from rathaus.cases.models import Case
from rathaus.cases.permissions import actor_label
from rathaus.catalog.models import Service
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict, DomainError, NotFound
from rathaus.core.events import event_publish
from rathaus.mailbox import services as mailbox
from rathaus.mailbox.provisions import ConsentMissing, consent_check
from rathaus.municipalities.models import Municipality
from rathaus.seals.timestamping import pdf_seal_timestamped, pdf_signature_timestamp

from . import rendering
from .events import DecisionCreated, DecisionDelivered
from .models import Decision, DecisionTemplate, TemplateVersion
from .notification_dates import post_notified_on
from .permissions import ensure_can_decide, ensure_template_keeper

TEXT_FIELDS = tuple(rendering.TEXT_FIELDS)
# The placeholders every decision knows (shown where templates are edited).
PLACEHOLDERS = rendering.PLACEHOLDERS
# The level of assurance retrieving a decision needs unless the caller says otherwise.
DEFAULT_RETRIEVAL_LEVEL = "substantial"


class TemplateVersionImmutable(Conflict):
    """A published or retired template version cannot be changed."""


class NoPublishedTemplate(Conflict):
    """The case's service has no published decision template."""


def _texts(fields: Mapping[str, Any]) -> dict[str, str]:
    texts = {name: str(fields.get(name) or "").strip() for name in TEXT_FIELDS}
    if not texts["title"]:
        raise DomainError(_("Please enter the title of the decision."), field="title")
    if not texts["operative_part"]:
        raise DomainError(
            _("Please enter the operative part (what is decided)."), field="operative_part"
        )
    if not texts["legal_remedy"]:
        raise DomainError(_("Please enter the legal remedy notice."), field="legal_remedy")
    if len(texts["title"]) > 200:
        raise DomainError(_("The title may be at most 200 characters long."), field="title")
    rendering.texts_check(texts)
    return texts


def _municipality_id(template: DecisionTemplate) -> Any:
    return template.municipality_id


@transaction.atomic
def template_version_create(
    *,
    actor: Actor,
    service: Service,
    municipality: Municipality | None,
    fields: Mapping[str, Any] | None = None,
    note: str = "",
) -> TemplateVersion:
    """A new draft version of the decision template of `service` in `municipality` (None:
    installation-wide), with `fields` (title, operative_part, reasons, fee_assessment,
    legal_remedy); without them, a copy of the latest version, else a starting text with the
    default legal remedy notice. Raises TemplateInvalid naming a field whose placeholders do
    not compile."""
    ensure_template_keeper(actor=actor, municipality=municipality)
    template, _created = DecisionTemplate.objects.get_or_create(
        service=service, municipality=municipality
    )
    template = DecisionTemplate.objects.select_for_update().get(pk=template.pk)
    if fields is None:
        latest = template.versions.order_by("-number").first()
        if latest is not None:
            fields = {name: getattr(latest, name) for name in TEXT_FIELDS}
        else:
            fields = {
                "title": _("Decision"),
                "operative_part": _("Your application of {{ submitted_on }} is granted."),
                "reasons": "",
                "fee_assessment": "",
                "legal_remedy": rendering.DEFAULT_LEGAL_REMEDY,
            }
    texts = _texts(fields)
    template.versions_issued += 1
    template.save(update_fields=["versions_issued", "updated_at"])
    version = TemplateVersion.objects.create(
        template=template,
        number=template.versions_issued,
        note=note.strip()[:500],
        created_by=actor.user if actor.is_person else None,
        **texts,
    )
    audit_record(
        actor=actor,
        action="decision.template_version_create",
        obj=version,
        municipality=municipality,
        details={"service": service.slug, "version": version.number},
    )
    return version


def _lock_version(version: TemplateVersion) -> TemplateVersion:
    return (
        TemplateVersion.objects.select_for_update(of=("self",))
        .select_related("template__municipality", "template__service")
        .get(pk=version.pk)
    )


@transaction.atomic
def template_version_update(
    *, actor: Actor, version: TemplateVersion, fields: Mapping[str, Any]
) -> TemplateVersion:
    """Change the texts of a draft; a published or retired version is immutable
    (TemplateVersionImmutable)."""
    version = _lock_version(version)
    ensure_template_keeper(actor=actor, municipality=version.template.municipality)
    if version.status != TemplateVersion.Status.DRAFT:
        raise TemplateVersionImmutable(
            _("A published version cannot be changed; make a new version instead.")
        )
    texts = _texts(fields)
    changed = [name for name in TEXT_FIELDS if getattr(version, name) != texts[name]]
    if changed:
        for name in changed:
            setattr(version, name, texts[name])
        version.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action="decision.template_version_update",
            obj=version,
            municipality=version.template.municipality_id,
            details={"version": version.number, "fields": changed},
        )
    return version


@transaction.atomic
def template_version_publish(*, actor: Actor, version: TemplateVersion) -> TemplateVersion:
    """Publish a draft: new decisions of the service use it; the version published before is
    retired (decisions keep the version they were made from)."""
    version = _lock_version(version)
    ensure_template_keeper(actor=actor, municipality=version.template.municipality)
    if version.status != TemplateVersion.Status.DRAFT:
        raise TemplateVersionImmutable(_("Only a draft can be published."))
    rendering.texts_check({name: getattr(version, name) for name in TEXT_FIELDS})
    TemplateVersion.objects.filter(
        template_id=version.template_id, status=TemplateVersion.Status.PUBLISHED
    ).update(status=TemplateVersion.Status.RETIRED, updated_at=timezone.now())
    version.status = TemplateVersion.Status.PUBLISHED
    version.published_by = actor.user if actor.is_person else None
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_by", "published_at", "updated_at"])
    audit_record(
        actor=actor,
        action="decision.template_version_publish",
        obj=version,
        municipality=version.template.municipality_id,
        details={"version": version.number, "service": version.template.service.slug},
    )
    return version


def template_version_preview(*, actor: Actor, version: TemplateVersion, office: Any) -> bytes:
    """The version rendered as unsealed PDF/A with sample data on the letterhead of `office`
    (an office of the template's municipality), marked as a preview. Reads only."""
    ensure_template_keeper(actor=actor, municipality=version.template.municipality)
    municipality = office.municipality
    sample = rendering.placeholder_values(
        reference="MUSTER-2026-000001",
        applicant=None,
        service_name=version.template.service.name,
        office=office,
        municipality=municipality,
        submitted_on=timezone.localdate(),
        data={"granted": True, "fee": "50,00 €"},
    )
    sample.update(
        applicant_name="Erika Mustermann", applicant_address="Musterweg 1, 12345 Musterstadt"
    )
    texts = rendering.texts_render({name: getattr(version, name) for name in TEXT_FIELDS}, sample)
    return rendering.document_render(
        texts=texts,
        reference=sample["reference"],
        office=office,
        municipality=municipality,
        applicant_lines=["Erika Mustermann", "Musterweg 1", "12345 Musterstadt"],
        dated=timezone.localdate(),
        sample=True,
    )


def published_version_for(*, case: Case) -> TemplateVersion:
    """The published template version for `case`: its municipality's own, else the
    installation-wide one of its service; NoPublishedTemplate when there is none."""
    versions = TemplateVersion.objects.filter(
        status=TemplateVersion.Status.PUBLISHED, template__service_id=case.service_id
    ).select_related("template")
    own = versions.filter(template__municipality_id=case.municipality_id).first()
    found = own or versions.filter(template__municipality__isnull=True).first()
    if found is None:
        raise NoPublishedTemplate(
            _("There is no published decision template for this service yet.")
        )
    return found


def _submitted_on(case: Case) -> dt.date:
    return timezone.localdate(case.opened_at)


def decision_create(
    *,
    actor: Actor,
    case: Case,
    data: Mapping[str, Any] | None = None,
    template_version: TemplateVersion | None = None,
    origin: str = "",
) -> Decision:
    """Make a decision about `case` from `template_version` (by default the service's
    published one) and `data` (plain values for the placeholders, e.g. `granted`, `fee`):
    rendered as PDF/A-2b, sealed with the municipality's seal (PAdES), time-stamped
    (RFC 3161, detached), stored with its SHA-256. With `origin` (e.g. a process step), once:
    a second call returns the first decision."""
    data = dict(data or {})
    if origin:
        existing = Decision.objects.filter(origin=origin).first()
        if existing is not None:
            return existing
    case = Case.objects.select_related("office", "municipality", "service", "applicant").get(
        pk=case.pk
    )
    ensure_can_decide(actor=actor, case=case)
    if template_version is None:
        template_version = published_version_for(case=case)
    elif template_version.status == TemplateVersion.Status.DRAFT:
        raise Conflict(_("A decision is made only from a published template version."))
    values = rendering.placeholder_values(
        reference=case.reference,
        applicant=case.applicant,
        service_name=case.service.name,
        office=case.office,
        municipality=case.municipality,
        submitted_on=_submitted_on(case),
        data=data,
    )
    texts = rendering.texts_render(
        {name: getattr(template_version, name) for name in TEXT_FIELDS}, values
    )
    # Rendering, sealing and time-stamping take a second and may ask a TSA: before any lock.
    pdf = pdf_seal_timestamped(
        pdf=rendering.document_render(
            texts=texts,
            reference=case.reference,
            office=case.office,
            municipality=case.municipality,
            applicant_lines=rendering.applicant_lines(case.applicant),
            dated=timezone.localdate(),
        ),
        reason=_("Decision %(reference)s") % {"reference": case.reference},
        location=case.municipality.name,
        municipality=case.municipality,
    )
    timestamp = pdf_signature_timestamp(pdf)  # the seal's own (PAdES B-T)
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        if origin:
            locked = Decision.objects.select_for_update().filter(origin=origin).first()
            if locked is not None:  # another worker was faster
                return locked
        decision = Decision(
            id=uuid.uuid4(),
            case=case,
            template_version=template_version,
            title=texts.title[:200],
            data=rendering.plain_data(data),
            sha256=digest,
            timestamp=timestamp,
            created_by=actor.user if actor.is_person else None,
            created_by_label=actor_label(actor)[:200],
            origin=origin or None,
        )
        decision.document.save(f"{decision.pk}.pdf", ContentFile(pdf), save=False)
        decision.save()
        audit_record(
            actor=actor,
            action="decision.create",
            obj=decision,
            municipality=case.municipality_id,
            details={
                "case": str(case.pk),
                "reference": case.reference,
                "template_version": str(template_version.pk),
                "version": template_version.number,
                "sha256": digest,
                "size": len(pdf),
            },
        )
        event_publish(
            DecisionCreated(
                decision_id=decision.pk,
                case_id=case.pk,
                municipality_id=case.municipality_id,
                office_id=case.office_id,
            )
        )
    return decision


def decision_pdf(*, decision: Decision) -> bytes:
    """The sealed PDF of `decision`, checked against its SHA-256."""
    with decision.document.open("rb") as handle:
        content: bytes = handle.read()
    if hashlib.sha256(content).hexdigest() != decision.sha256:
        raise Conflict(_("The stored decision does not match its checksum."))
    return content


def _file_name(decision: Decision) -> str:
    reference = "".join(c if c.isalnum() or c in "-_" else "-" for c in decision.case.reference)
    return f"bescheid-{reference}.pdf"


def _decided(*, actor: Actor, case: Case, decision: Decision) -> None:
    """The case's status follows: "decided", unless it is decided or closed already."""
    if case.status in (Case.Status.DECIDED, Case.Status.CLOSED):
        return
    cases.case_status_change(
        case=case,
        status=Case.Status.DECIDED,
        note=_("A decision has been issued: %(title)s") % {"title": decision.title},
        actor=actor,
    )


@transaction.atomic
def decision_deliver(
    *, actor: Actor, decision: Decision, required_level: str = DEFAULT_RETRIEVAL_LEVEL
) -> Decision:
    """Deliver `decision` to its applicant: provided for retrieval in their mailbox when they
    consented to notification by retrieval (§41 (2a) VwVfG; the mailbox tracks retrieval
    and notification), else queued for post ("awaiting post", the print-ready PDF in the
    post queue). The case's status becomes "decided". A delivered decision is returned as
    it is (idempotent)."""
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("case__office", "case__applicant", "case__municipality")
        .get(pk=decision.pk)
    )
    case = decision.case
    ensure_can_decide(actor=actor, case=case)
    if decision.state != Decision.State.CREATED:
        return decision
    pdf = decision_pdf(decision=decision)
    try:
        consent_check(user=case.applicant)
        consented = True
    except ConsentMissing:
        consented = False
    now = timezone.now()
    if consented:
        message = mailbox.act_provide(
            actor=actor,
            case=case,
            subject=f"{decision.title} – {case.reference}",
            body=_(
                "Please find attached the decision about your application %(reference)s. "
                "It counts as notified on the day after you open it."
            )
            % {"reference": case.reference},
            required_level=required_level,
            document=SimpleUploadedFile(_file_name(decision), pdf, "application/pdf"),
        )
        decision.message = message
        decision.channel = Decision.Channel.RETRIEVAL
        decision.state = Decision.State.PROVIDED
    else:
        decision.channel = Decision.Channel.POST
        decision.state = Decision.State.AWAITING_POST
    decision.delivered_at = now
    decision.save(update_fields=["message", "channel", "state", "delivered_at", "updated_at"])
    audit_record(
        actor=actor,
        action="decision.deliver",
        obj=decision,
        municipality=case.municipality_id,
        details={"case": str(case.pk), "channel": decision.channel},
    )
    _decided(actor=actor, case=case, decision=decision)
    event_publish(
        DecisionDelivered(
            decision_id=decision.pk,
            case_id=case.pk,
            municipality_id=case.municipality_id,
            channel=decision.channel,
        )
    )
    return decision


@transaction.atomic
def decision_mark_posted(*, actor: Actor, decision: Decision, posted_on: dt.date) -> Decision:
    """Record that `decision` (queued for post) was handed to the post on `posted_on`; it
    counts as notified on the fourth day after (§41 (2) VwVfG)."""
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("case__office", "case__municipality")
        .get(pk=decision.pk)
    )
    ensure_can_decide(actor=actor, case=decision.case)
    if decision.state != Decision.State.AWAITING_POST:
        raise Conflict(_("This decision is not waiting to be posted."))
    today = timezone.localdate()
    if posted_on > today:
        raise DomainError(_("The posting date cannot be in the future."), field="posted_on")
    if posted_on < timezone.localdate(decision.created_at):
        raise DomainError(
            _("The posting date cannot be before the decision was made."), field="posted_on"
        )
    decision.posted_on = posted_on
    decision.notified_on = post_notified_on(posted_on)
    decision.state = Decision.State.POSTED
    decision.save(update_fields=["posted_on", "notified_on", "state", "updated_at"])
    audit_record(
        actor=actor,
        action="decision.post",
        obj=decision,
        municipality=decision.case.municipality_id,
        details={
            "posted_on": posted_on.isoformat(),
            "notified_on": decision.notified_on.isoformat(),
        },
    )
    return decision


def decision_latest(*, case: Case) -> Decision:
    """The latest decision about `case` (NotFound when there is none)."""
    found = Decision.objects.filter(case=case).order_by("-created_at").first()
    if found is None:
        raise NotFound(_("There is no decision about this case yet."))
    return found


RETRIEVAL_ACTOR = Actor.system("notification_by_retrieval")


@transaction.atomic
def decision_retrieval_notified(*, message_id: Any, notified_on: dt.date) -> None:
    """The applicant retrieved the decision provided with message `message_id`: notified on
    `notified_on` (from the mailbox's provision). Idempotent."""
    decision = Decision.objects.select_for_update().filter(message_id=message_id).first()
    if decision is None or decision.state != Decision.State.PROVIDED:
        return
    decision.state = Decision.State.NOTIFIED
    decision.notified_on = notified_on
    decision.save(update_fields=["state", "notified_on", "updated_at"])
    audit_record(
        actor=RETRIEVAL_ACTOR,
        action="decision.notified",
        obj=decision,
        municipality=decision.case.municipality_id,
        details={"notified_on": notified_on.isoformat()},
    )


@transaction.atomic
def decision_retrieval_failed(*, message_id: Any) -> None:
    """The provision of the decision with message `message_id` ended unretrieved
    (notification has not taken place): the decision is queued for post. Idempotent."""
    decision = Decision.objects.select_for_update().filter(message_id=message_id).first()
    if decision is None or decision.state != Decision.State.PROVIDED:
        return
    decision.state = Decision.State.AWAITING_POST
    decision.channel = Decision.Channel.POST
    decision.save(update_fields=["state", "channel", "updated_at"])
    audit_record(
        actor=RETRIEVAL_ACTOR,
        action="decision.retrieval_failed",
        obj=decision,
        municipality=decision.case.municipality_id,
        details={},
    )
