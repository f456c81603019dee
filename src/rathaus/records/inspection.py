"""File inspection (§8 EGovG, Akteneinsicht; issue 11 §5): the office grants a participant
(a person with a citizen account) online access to selected documents of a file until a
day; the participant reads them in the portal, read-only: each download is a PDF carrying a
visible inspection mark with their name (`inspection_mark`). The grant can be revoked; after
its last day or once revoked it gives nothing. Granting, revoking and every access are
audited; for anyone else the grant and its documents do not exist (404)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict, DomainError, NotFound

from .content import content_read
from .inspection_mark import marked_pdf
from .models import Document, DocumentVersion, InspectionGrant, RecordFile
from .permissions import ensure_file_keeper

BERLIN = ZoneInfo("Europe/Berlin")
MAX_DAYS = 366


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=BERLIN)


@transaction.atomic
def inspection_grant(
    *,
    actor: Actor,
    record: RecordFile,
    grantee: Any,
    documents: list[Document],
    last_day: dt.date,
    reason: str,
) -> InspectionGrant:
    """Let `grantee` read `documents` of `record` online until the end of `last_day`."""
    ensure_file_keeper(actor=actor, office=record.office)
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError(_("Please give the reason for the inspection."), field="reason")
    today = timezone.localdate(timezone.now(), BERLIN)
    if not today <= last_day <= today + dt.timedelta(days=MAX_DAYS):
        raise DomainError(
            _("The last day must lie between today and one year from today."), field="last_day"
        )
    if not documents:
        raise DomainError(_("Please choose the documents to be inspected."), field="documents")
    if any(d.file_id != record.pk for d in documents):
        raise DomainError(_("Only documents of this file can be inspected."), field="documents")
    if grantee is None or not getattr(grantee, "is_active", False):
        raise DomainError(_("The participant needs an active citizen account."), field="grantee")
    grant = InspectionGrant.objects.create(
        file=record,
        grantee=grantee,
        reason=reason[:500],
        expires_at=_end_of(last_day),
        created_by=actor.user if actor.is_person else None,
    )
    grant.documents.set(documents)
    audit_record(
        actor=actor,
        action="records.inspection_grant",
        obj=record,
        details={
            "grant": str(grant.pk),
            "grantee": str(grantee.pk),
            "documents": [str(d.pk) for d in documents],
            "last_day": last_day.isoformat(),
            "reason": grant.reason,
        },
    )
    return grant


@transaction.atomic
def inspection_revoke(*, actor: Actor, grant: InspectionGrant, reason: str) -> InspectionGrant:
    """End the inspection `grant` now, with a reason."""
    ensure_file_keeper(actor=actor, office=grant.file.office)
    locked = InspectionGrant.objects.select_for_update().get(pk=grant.pk)
    if locked.revoked_at is not None:
        raise Conflict(_("The inspection has been revoked already."))
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError(_("Please give a reason for revoking the inspection."), field="reason")
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at", "updated_at"])
    audit_record(
        actor=actor,
        action="records.inspection_revoke",
        obj=locked.file,
        details={"grant": str(locked.pk), "reason": reason[:500]},
    )
    return locked


def _active(now: dt.datetime | None = None) -> QuerySet[InspectionGrant]:
    return InspectionGrant.objects.filter(
        revoked_at__isnull=True, expires_at__gt=now or timezone.now()
    )


def inspections_of(*, user: Any) -> QuerySet[InspectionGrant]:
    """The inspections `user` may use now, with their files and documents."""
    return (
        _active()
        .filter(grantee=user)
        .select_related("file__office", "file__municipality")
        .prefetch_related("documents")
        .order_by("expires_at")
    )


def inspection_get(*, user: Any, grant_id: UUID | str) -> InspectionGrant:
    """An inspection `user` may use now (NotFound otherwise: another's, expired, revoked)."""
    grant = inspections_of(user=user).filter(pk=grant_id).first()
    if grant is None:
        raise NotFound(_("No such file inspection, or it has ended."))
    return grant


@dataclass(frozen=True)
class InspectionCopy:
    name: str
    data: bytes


def inspection_document_read(
    *, actor: Actor, grant_id: UUID | str, document_id: UUID | str
) -> InspectionCopy:
    """The participant's copy of a document of their inspection: its latest version as a
    PDF marked with the inspection and their name; audited (`records.inspection_read`)."""
    user = actor.user if actor.is_person else None
    if user is None:
        raise NotFound(_("No such file inspection, or it has ended."))
    grant = inspection_get(user=user, grant_id=grant_id)
    # A document moved out of the inspected file since (its case moved) is no longer shown.
    document = grant.documents.filter(pk=document_id, file_id=grant.file_id).first()
    if document is None:
        raise NotFound(_("No such document in this inspection."))
    version = (
        DocumentVersion.objects.filter(document=document)
        .select_related("content")
        .order_by("-number")
        .first()
    )
    if version is None:
        raise NotFound(_("No such document in this inspection."))
    day = formats.date_format(timezone.localdate(timezone.now(), BERLIN), "d.m.Y")
    mark = _(
        "File inspection %(reference)s · %(name)s · %(day)s · for inspection only, not a "
        "certified copy"
    ) % {"reference": grant.file.file_reference, "name": user.display_name, "day": day}
    pdf = marked_pdf(
        data=content_read(version.content),
        content_type=version.content_type,
        title=document.title,
        mark=mark,
    )
    audit_record(
        actor=actor,
        action="records.inspection_read",
        obj=grant.file,
        details={"grant": str(grant.pk), "document": str(document.pk), "version": version.number},
    )
    return InspectionCopy(f"akteneinsicht-{document.pk.hex[:8]}.pdf", pdf)
