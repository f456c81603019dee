"""Transfer of files to another authority when responsibility moves (xdomea Abgabe,
issue 11 §3).

1. `files_hand_over`: files of one office, with their documents' contents, as an
   `Abgabe.Abgabe.0401` in its ZIP container, which the clerk passes to the receiving
   authority (download; or the authority's transfer directory). The message is kept.
2. The receiver answers with `Abgabe.ImportBestaetigen.0402` (and in xdomea 3.x may
   receipt with `0403`); `handover_answer_import` (through `message_import`) matches it by
   the process id: each file the receiver imported leaves our records with a deletion record
   naming the receiver; a file it could not import stays, with the receiver's reason in the
   audit trail.

The receiving side of a 0401 is `take_in`."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict, DomainError

from . import xdomea
from . import xdomea_mapping as mapping
from .content import content_read
from .deletion import file_remove
from .disposal import message_keep
from .models import DeletionRecord, RecordFile, XdomeaMessage
from .permissions import ensure_file_keeper

LEFT = (RecordFile.Status.ARCHIVED, RecordFile.Status.DESTROYED, RecordFile.Status.HANDED_OVER)


@dataclass(frozen=True)
class HandOver:
    process_id: uuid.UUID
    container: xdomea.WrittenContainer


@transaction.atomic
def files_hand_over(
    *,
    actor: Actor,
    files: Sequence[RecordFile],
    recipient: str,
    recipient_code: str = "",
    version: str = xdomea.DEFAULT_VERSION,
) -> HandOver:
    """Hand `files` (of one office) over to the authority `recipient` (0401)."""
    if not files:
        raise DomainError(_("Please choose the files to hand over."))
    recipient = " ".join(recipient.split())
    if not recipient:
        raise DomainError(_("Please name the authority that takes the files over."))
    if version not in xdomea.PRODUCIBLE_VERSIONS:
        raise DomainError(_("xdomea %(version)s cannot be written.") % {"version": version})
    offices = {f.office_id for f in files}
    if len(offices) != 1:
        raise DomainError(_("The files of one hand-over belong to one office."))
    locked = list(
        RecordFile.objects.select_for_update()
        .select_related("office", "plan_item", "municipality")
        .filter(pk__in=[f.pk for f in files])
        .order_by("file_reference")
    )
    ensure_file_keeper(actor=actor, office=locked[0].office)
    if any(f.status in LEFT for f in locked):
        raise Conflict(_("A file that has left the records cannot be handed over."))
    process_id = uuid.uuid4()
    municipality = locked[0].municipality
    xml, primaries = xdomea.handover_0401(
        mapping.header(
            process_id=process_id,
            municipality=municipality,
            recipient=recipient,
            recipient_code=recipient_code,
            unit=locked[0].office.name,
        ),
        mapping.file_records(locked, content=True, version=version),
        version=version,
    )
    message = mapping.outgoing("0401", version, xml, primaries)
    message_keep(
        municipality=municipality,
        process_id=process_id,
        code="0401",
        version=version,
        direction=XdomeaMessage.Direction.OUT,
        xml=xml,
        container_sha256=message.container_sha256,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="records.file_hand_over",
        obj=locked[0].office,
        details={
            "process": str(process_id),
            "recipient": recipient,
            "files": [f.file_reference for f in locked],
            "version": version,
            "container_sha256": message.container_sha256,
        },
    )
    return HandOver(process_id, message.container)


HANDOVER_ANSWERS = frozenset({"0402", "0403"})


def handover_answer_import(*, actor: Actor, incoming: mapping.Incoming) -> list[str]:
    """Take in the receiver's answer (0402, 0403) to one of our hand-overs."""
    with transaction.atomic():
        sent = (
            XdomeaMessage.objects.select_related("municipality", "content")
            .filter(
                process_id=incoming.process_id, code="0401", direction=XdomeaMessage.Direction.OUT
            )
            .first()
        )
        if sent is None:
            raise DomainError(
                _("No hand-over has the process id %(process)s.") % {"process": incoming.process_id}
            )
        handed = mapping.message_metadata(content_read(sent.content))
        file_ids = [f.id for f in handed.files] if isinstance(handed, xdomea.Transfer) else []
        files = {
            f.pk: f for f in RecordFile.objects.select_related("office").filter(pk__in=file_ids)
        }
        for record in files.values():
            ensure_file_keeper(actor=actor, office=record.office)
        message_keep(
            municipality=sent.municipality,
            process_id=sent.process_id,
            code=incoming.code,
            version=incoming.version,
            direction=XdomeaMessage.Direction.IN,
            xml=incoming.xml,
            actor=actor,
        )
        message = incoming.message
        lines = []
        if incoming.code == "0402" and isinstance(message, xdomea.Confirmation):
            lines = _import_confirmation_take(actor, message, files, sent.process_id)
        else:
            lines = [_("receipt %(code)s kept with the process") % {"code": incoming.code}]
        audit_record(
            actor=actor,
            action="records.file_hand_over_answer",
            obj=sent.municipality,
            details={
                "process": str(sent.process_id),
                "message": incoming.code,
                "lines": lines[:50],
            },
        )
    return lines


def _import_confirmation_take(
    actor: Actor,
    message: xdomea.Confirmation,
    files: dict[uuid.UUID, RecordFile],
    process_id: uuid.UUID,
) -> list[str]:
    results = {r.object_id: r for r in message.results if r.object_id is not None} or {
        file_id: message.results[0] for file_id in files if message.results
    }
    receiver = message.header.sender.name
    lines = []
    for file_id, result in results.items():
        record = files.get(file_id)
        if record is None or record.status in LEFT:
            continue
        if result.success:
            file_remove(
                actor=actor,
                record=record,
                reason=DeletionRecord.Reason.HANDED_OVER,
                decision=_("taken over by %(receiver)s") % {"receiver": receiver},
                process_id=process_id,
                code="0402",
            )
            lines.append(_("%(file)s: taken over, deleted here") % {"file": record.file_reference})
        else:
            lines.append(
                _("%(file)s: not taken over: %(problem)s")
                % {
                    "file": record.file_reference,
                    "problem": "; ".join(result.messages) or _("no reason given"),
                }
            )
    return lines
