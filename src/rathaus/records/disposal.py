"""Disposal (Aussonderung) with xdomea (issue 11 §3).

1. `disposal_offer_create`: the registry offers due files (`retention.files_due`) to the
   municipality's archive: an `Aussonderung.Anbieteverzeichnis.0501` in the xdomea version of
   its archive connection, sent through the connection's transfer adapter (`transfer`).
2. `archive_answer_import` takes in what the archive answers (`message_import` validates it
   against the XSD of its version first): `0502` (evaluation: per file archive or destroy;
   receipted with `0505`), `0504` and `0507` (receipt of the offer / of the hand-over), `0506`
   (the archive confirms what it took over: those files' contents are deleted here, with a
   deletion record; a file it refused keeps the archive's reason and can be sent again).
3. `disposal_transfer`: the files the archive takes, with their documents' contents, as
   `Aussonderung.Aussonderung.0503` in the xdomea ZIP container.
4. `disposal_destroy`: what the archive did not take (evaluated "destroy") is destroyed, with a
   deletion record naming the evaluation message.

Every message sent or received is kept (`XdomeaMessage`, its XML in the storage); every step
is audited."""

import uuid
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict, DomainError
from rathaus.municipalities.models import Municipality

from . import xdomea
from . import xdomea_mapping as mapping
from .content import content_store
from .deletion import file_remove
from .models import (
    ArchiveConnection,
    DeletionRecord,
    DisposalItem,
    DisposalOffer,
    RecordFile,
    XdomeaMessage,
)
from .permissions import ensure_plan_keeper
from .retention import files_due
from .transfer import transfer_adapter


def _connection(municipality: Municipality) -> ArchiveConnection:
    connection = ArchiveConnection.objects.filter(municipality=municipality).first()
    if connection is None:
        raise DomainError(_("The municipality has no archive connection."))
    return connection


def message_keep(
    *,
    municipality: Municipality,
    process_id: uuid.UUID,
    code: str,
    version: str,
    direction: str,
    xml: bytes,
    actor: Actor,
    container_sha256: str = "",
) -> XdomeaMessage:
    """Keep a message sent or received (its XML in the records storage) with its process."""
    return XdomeaMessage.objects.create(
        municipality=municipality,
        process_id=process_id,
        code=code,
        version=version,
        direction=direction,
        content=content_store(xml),
        container_sha256=container_sha256,
        created_by=actor.user if actor.is_person else None,
    )


def _send(
    *, actor: Actor, connection: ArchiveConnection, process_id: uuid.UUID, message: mapping.Outgoing
) -> None:
    """Keep `message` and hand its container to the connection's transfer adapter."""
    message_keep(
        municipality=connection.municipality,
        process_id=process_id,
        code=message.code,
        version=message.version,
        direction=XdomeaMessage.Direction.OUT,
        xml=message.xml,
        container_sha256=message.container_sha256,
        actor=actor,
    )
    transfer_adapter(connection).send(
        connection, message.container.file_name, message.container.data
    )


def _header(connection: ArchiveConnection, process_id: uuid.UUID) -> xdomea.Header:
    return mapping.header(
        process_id=process_id,
        municipality=connection.municipality,
        recipient=connection.archive_name,
        recipient_code=connection.archive_code,
    )


@transaction.atomic
def disposal_offer_create(
    *, actor: Actor, municipality: Municipality, file_ids: list[Any]
) -> DisposalOffer:
    """Offer the due files `file_ids` of `municipality` to its archive (0501)."""
    ensure_plan_keeper(actor=actor, municipality=municipality)
    connection = _connection(municipality)
    due = {str(f.pk): f for f in files_due(municipality_id=municipality.pk)}
    wanted = set(map(str, file_ids))
    if not wanted or not wanted <= set(due):
        raise DomainError(_("Please choose files that are due for disposal."))
    chosen = [f for key, f in due.items() if key in wanted]
    offer = DisposalOffer.objects.create(
        municipality=municipality,
        process_id=uuid.uuid4(),
        xdomea_version=connection.xdomea_version,
        created_by=actor.user if actor.is_person else None,
    )
    DisposalItem.objects.bulk_create([DisposalItem(offer=offer, file=f) for f in chosen])
    xml = xdomea.offer_0501(
        _header(connection, offer.process_id),
        mapping.file_records(chosen, content=False, version=offer.xdomea_version),
        version=offer.xdomea_version,
    )
    _send(
        actor=actor,
        connection=connection,
        process_id=offer.process_id,
        message=mapping.outgoing("0501", offer.xdomea_version, xml, {}),
    )
    audit_record(
        actor=actor,
        action="records.disposal_offer",
        obj=municipality,
        details={
            "process": str(offer.process_id),
            "files": [f.file_reference for f in chosen],
            "version": offer.xdomea_version,
        },
    )
    return offer


@transaction.atomic
def disposal_transfer(*, actor: Actor, offer: DisposalOffer) -> str:
    """Hand over the files the archive takes, with their contents (0503); the container's
    name."""
    locked = DisposalOffer.objects.select_for_update().get(pk=offer.pk)
    ensure_plan_keeper(actor=actor, municipality=locked.municipality)
    if locked.status not in (DisposalOffer.Status.EVALUATED, DisposalOffer.Status.TRANSFERRED):
        raise Conflict(_("The archive has not evaluated this offer yet."))
    # Not handed over yet, or handed over and refused by the archive (sent again).
    items = list(
        locked.items.filter(
            decision=DisposalItem.Decision.ARCHIVE, file__status=RecordFile.Status.CLOSED
        )
        .filter(Q(transferred_at__isnull=True) | ~Q(problem=""))
        .select_related("file__plan_item", "file__municipality")
    )
    if not items:
        raise Conflict(_("The archive takes none of these files."))
    connection = _connection(locked.municipality)
    xml, primaries = xdomea.transfer_0503(
        _header(connection, locked.process_id),
        mapping.file_records([i.file for i in items], content=True, version=locked.xdomea_version),
        version=locked.xdomea_version,
    )
    message = mapping.outgoing("0503", locked.xdomea_version, xml, primaries)
    _send(actor=actor, connection=connection, process_id=locked.process_id, message=message)
    DisposalItem.objects.filter(pk__in=[i.pk for i in items]).update(
        transferred_at=timezone.now(), problem=""
    )
    locked.status = DisposalOffer.Status.TRANSFERRED
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="records.disposal_transfer",
        obj=locked.municipality,
        details={
            "process": str(locked.process_id),
            "files": [i.file.file_reference for i in items],
            "container_sha256": message.container_sha256,
        },
    )
    return message.container.file_name


@transaction.atomic
def disposal_destroy(*, actor: Actor, offer: DisposalOffer) -> int:
    """Destroy the files the archive did not take (evaluated "destroy"); how many."""
    locked = DisposalOffer.objects.select_for_update().get(pk=offer.pk)
    ensure_plan_keeper(actor=actor, municipality=locked.municipality)
    if locked.status == DisposalOffer.Status.OFFERED:
        raise Conflict(_("The archive has not evaluated this offer yet."))
    evaluation = (
        XdomeaMessage.objects.filter(process_id=locked.process_id, code="0502")
        .order_by("-created_at")
        .first()
    )
    decided = _("evaluation of the archive %(archive)s of %(date)s") % {
        "archive": _connection(locked.municipality).archive_name,
        "date": timezone.localdate(evaluation.created_at) if evaluation else "?",
    }
    items = locked.items.filter(decision=DisposalItem.Decision.DESTROY).exclude(
        file__status=RecordFile.Status.DESTROYED
    )
    count = 0
    for item in items.select_related("file"):
        file_remove(
            actor=actor,
            record=item.file,
            reason=DeletionRecord.Reason.DESTROYED,
            decision=decided,
            process_id=locked.process_id,
            code="0502",
        )
        count += 1
    _complete_if_done(locked)
    return count


def _complete_if_done(offer: DisposalOffer) -> None:
    """An offer is complete once each of its files is archived or destroyed."""
    left = offer.items.exclude(
        file__status__in=[RecordFile.Status.ARCHIVED, RecordFile.Status.DESTROYED]
    )
    if not left.exists() and offer.status != DisposalOffer.Status.COMPLETED:
        offer.status = DisposalOffer.Status.COMPLETED
        offer.save(update_fields=["status", "updated_at"])


ARCHIVE_ANSWERS = frozenset({"0502", "0504", "0506", "0507"})


def archive_answer_import(*, actor: Actor, incoming: mapping.Incoming) -> list[str]:
    """Take in the archive's answer to one of our offers, matched by its process id:
    an evaluation (0502; receipted with a 0505 when the archive asks), the receipts 0504 and
    0507, or the import confirmation 0506 (what the archive took is deleted here, with a
    deletion record). What it did, one line each."""
    with transaction.atomic():
        locked = (
            DisposalOffer.objects.select_for_update()
            .select_related("municipality")
            .filter(process_id=incoming.process_id)
            .first()
        )
        if locked is None:
            raise DomainError(
                _("No disposal offer has the process id %(process)s.")
                % {"process": incoming.process_id}
            )
        ensure_plan_keeper(actor=actor, municipality=locked.municipality)
        message_keep(
            municipality=locked.municipality,
            process_id=locked.process_id,
            code=incoming.code,
            version=incoming.version,
            direction=XdomeaMessage.Direction.IN,
            xml=incoming.xml,
            actor=actor,
        )
        message = incoming.message
        if isinstance(message, xdomea.EvaluationList):
            lines = _evaluation_take(actor, locked, message)
        elif incoming.code == "0506" and isinstance(message, xdomea.Confirmation):
            lines = _import_confirmation_take(actor, locked, message)
        else:
            lines = [_("receipt %(code)s kept with the process") % {"code": incoming.code}]
        audit_record(
            actor=actor,
            action="records.disposal_evaluation"
            if incoming.code == "0502"
            else "records.disposal_confirmation",
            obj=locked.municipality,
            details={
                "process": str(locked.process_id),
                "message": incoming.code,
                "lines": lines[:50],
            },
        )
    return lines


def _evaluation_take(
    actor: Actor, offer: DisposalOffer, message: xdomea.EvaluationList
) -> list[str]:
    if offer.status != DisposalOffer.Status.OFFERED:
        raise Conflict(_("This offer has been evaluated already."))
    items = {i.file_id: i for i in offer.items.select_related("file")}
    lines = []
    for evaluation in message.evaluations:
        item = items.get(evaluation.object_id)
        if item is None:
            lines.append(_("%(id)s: not offered, ignored") % {"id": evaluation.object_id})
            continue
        if evaluation.decision not in (xdomea.ArchiveRule.ARCHIVE, xdomea.ArchiveRule.DESTROY):
            raise DomainError(
                _("The archive left %(file)s undecided; an evaluation must decide each file.")
                % {"file": item.file.file_reference}
            )
        item.decision = evaluation.decision.value
        item.save(update_fields=["decision", "updated_at"])
        lines.append(f"{item.file.file_reference}: {item.get_decision_display()}")
    undecided = [i.file.file_reference for i in items.values() if not i.decision]
    if undecided:
        raise DomainError(
            _("The evaluation does not decide every offered file: %(files)s")
            % {"files": ", ".join(undecided)}
        )
    offer.status = DisposalOffer.Status.EVALUATED
    offer.save(update_fields=["status", "updated_at"])
    if message.receipt_requested:
        connection = _connection(offer.municipality)
        xml = xdomea.evaluation_receipt_0505(
            _header(connection, offer.process_id), version=offer.xdomea_version
        )
        _send(
            actor=actor,
            connection=connection,
            process_id=offer.process_id,
            message=mapping.outgoing("0505", offer.xdomea_version, xml, {}),
        )
        lines.append(_("receipt 0505 sent to the archive"))
    return lines


def _import_confirmation_take(
    actor: Actor, offer: DisposalOffer, message: xdomea.Confirmation
) -> list[str]:
    items = {
        i.file_id: i
        for i in offer.items.filter(transferred_at__isnull=False).select_related("file")
    }
    # xdomea 2.x reports one result for the whole hand-over.
    results = {r.object_id: r for r in message.results if r.object_id is not None} or {
        file_id: message.results[0] for file_id in items if message.results
    }
    lines = []
    for file_id, result in results.items():
        item = items.get(file_id)
        if item is None or item.file.status == RecordFile.Status.ARCHIVED:
            continue
        if result.success:
            item.archived_at = timezone.now()
            item.save(update_fields=["archived_at", "updated_at"])
            file_remove(
                actor=actor,
                record=item.file,
                reason=DeletionRecord.Reason.ARCHIVED,
                decision=_("taken over by the archive %(archive)s%(key)s")
                % {
                    "archive": _connection(offer.municipality).archive_name,
                    "key": f" ({result.archive_reference})" if result.archive_reference else "",
                },
                process_id=offer.process_id,
                code="0506",
            )
            lines.append(_("%(file)s: archived, deleted here") % {"file": item.file.file_reference})
        else:
            problem = "; ".join(result.messages) or _("no reason given")
            item.problem = problem[:2000]
            item.save(update_fields=["problem", "updated_at"])
            lines.append(
                _("%(file)s: not archived: %(problem)s")
                % {"file": item.file.file_reference, "problem": problem}
            )
    _complete_if_done(offer)
    return lines
