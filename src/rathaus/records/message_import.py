"""One door for every xdomea message that arrives (issue 11 §3), from the shell
(`manage.py xdomea_import`), from an archive's transfer directory (`archive_inbox_process`)
or from a page: it is validated against the XSD of its version first (refused with element
and line), then

- an archive's answer to our offer (0502, 0504, 0506, 0507) goes to `disposal`,
- a receiver's answer to our hand-over (0402, 0403) goes to `handover`,
- a hand-over (0503 as an archive takes it, 0401 as a receiving authority takes it) is taken
  in for an office (`take_in`) when a target is given, and answered with 0506 / 0402;
- anything else (an offer 0501 as an archive reads it, a receipt 0505, a hand-over without
  a target) is described, and an offer asking for it is receipted with 0504.
"""

import uuid
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.actors import Actor
from rathaus.core.errors import DomainError

from . import xdomea
from . import xdomea_mapping as mapping
from .disposal import ARCHIVE_ANSWERS, archive_answer_import
from .handover import HANDOVER_ANSWERS, handover_answer_import
from .models import ArchiveConnection, DisposalOffer
from .take_in import TakeIn, answer_version, files_take_in, import_confirmation
from .transfer import transfer_adapter


@dataclass
class ImportResult:
    code: str
    version: str
    process_id: uuid.UUID
    lines: list[str] = field(default_factory=list)
    answer: xdomea.WrittenContainer | None = None  # to send back to the sender


def _offer_receipt(incoming: mapping.Incoming) -> xdomea.WrittenContainer:
    head = incoming.message.header
    header = xdomea.Header(
        process_id=head.process_id,
        created_at=timezone.now(),
        sender=head.recipient,
        recipient=head.sender,
    )
    xml = xdomea.offer_receipt_0504(header, version=answer_version(incoming.version))
    return xdomea.write_container(xml, {})


def message_import(
    *,
    actor: Actor,
    data: bytes,
    primary_documents: dict[str, bytes] | None = None,
    take_in: TakeIn | None = None,
    answers_only: bool = False,
) -> ImportResult:
    """Validate and import an xdomea message (its XML or ZIP container); `XdomeaInvalid`
    (element and line) or `ContainerInvalid` when it cannot be read. `answers_only` refuses
    all but the answers to our offers and hand-overs (for the staff pages)."""
    incoming = mapping.message_read(data, primary_documents=primary_documents)
    if answers_only and incoming.code not in ARCHIVE_ANSWERS | HANDOVER_ANSWERS:
        raise DomainError(
            _(
                "Message %(code)s is not an answer to an offer or a hand-over; files handed "
                "over to us are taken in with manage.py xdomea_import."
            )
            % {"code": incoming.code}
        )
    result = ImportResult(incoming.code, incoming.version, incoming.process_id)
    message = incoming.message
    if incoming.code in ARCHIVE_ANSWERS:
        result.lines = archive_answer_import(actor=actor, incoming=incoming)
    elif incoming.code in HANDOVER_ANSWERS:
        result.lines = handover_answer_import(actor=actor, incoming=incoming)
    elif isinstance(message, xdomea.Transfer) and take_in is not None:
        taken = files_take_in(actor=actor, incoming=incoming, target=take_in)
        result.lines = taken.lines
        result.answer = import_confirmation(
            incoming=incoming, taken=taken, municipality=take_in.municipality
        )
    else:
        result.lines = mapping.describe(message)
        if isinstance(message, xdomea.Offer) and message.receipt_requested:
            result.answer = _offer_receipt(incoming)
    return result


@dataclass
class InboxResult:
    imported: int = 0
    refused: list[str] = field(default_factory=list)  # "name: reason"


def archive_inbox_process(*, actor: Actor, offer: DisposalOffer | None = None) -> InboxResult:
    """Import the answers waiting in the transfer directory of the offer's (or of every)
    archive connection; each is moved to `done/` or, refused, to `refused/`."""
    connections = ArchiveConnection.objects.select_related("municipality")
    if offer is not None:
        connections = connections.filter(municipality_id=offer.municipality_id)
    result = InboxResult()
    for connection in connections:
        adapter = transfer_adapter(connection)
        for name, data in list(adapter.receive(connection)):
            try:
                message_import(actor=actor, data=data)
            except DomainError as error:
                adapter.done(connection, name, ok=False)
                result.refused.append(f"{name}: {error}")
            else:
                adapter.done(connection, name, ok=True)
                result.imported += 1
    return result
