"""What the disposal page shows (issue 11 §3): per municipality whose file plan the actor
keeps (registry, system administration; file titles of every office are on it, so nobody
else), the due files, the archive connection, the running and recent offers with their files,
and the deletion records."""

from dataclasses import dataclass
from uuid import UUID

from rathaus.core.actors import Actor
from rathaus.municipalities.models import Municipality

from .browse import plan_keeper, plan_municipalities
from .models import ArchiveConnection, DeletionRecord, DisposalOffer, RecordFile
from .retention import files_due

DUE_LIMIT = 200
OFFERS_LIMIT = 20
DELETIONS_LIMIT = 50


@dataclass(frozen=True)
class DisposalRow:
    municipality: Municipality
    connection: ArchiveConnection | None
    due: list[RecordFile]
    due_more: bool
    offers: list[DisposalOffer]
    deletions: list[DeletionRecord]


def disposal_rows(*, actor: Actor) -> list[DisposalRow]:
    rows = []
    for municipality in plan_municipalities(actor=actor):
        if not plan_keeper(actor=actor, municipality=municipality):
            continue
        due = list(files_due(municipality_id=municipality.pk)[: DUE_LIMIT + 1])
        rows.append(
            DisposalRow(
                municipality=municipality,
                connection=ArchiveConnection.objects.filter(municipality=municipality).first(),
                due=due[:DUE_LIMIT],
                due_more=len(due) > DUE_LIMIT,
                offers=list(
                    DisposalOffer.objects.filter(municipality=municipality).prefetch_related(
                        "items__file"
                    )[:OFFERS_LIMIT]
                ),
                deletions=list(
                    DeletionRecord.objects.filter(municipality=municipality)[:DELETIONS_LIMIT]
                ),
            )
        )
    return rows


def disposal_offer_get(*, actor: Actor, offer_id: UUID | str) -> DisposalOffer | None:
    """The offer if `actor` keeps its municipality's file plan."""
    offer = DisposalOffer.objects.select_related("municipality").filter(pk=offer_id).first()
    if offer is None or not plan_keeper(actor=actor, municipality=offer.municipality):
        return None
    return offer
