"""Writes for the service catalogue. Every change is audited and keeps the search index current."""

from typing import Any

from django.db import transaction

from rathaus.catalog.models import LifeSituation, LocalService, RequiredDocument, Service
from rathaus.catalog.search import search_index_update
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.model_changes import instance_create, instance_snapshot, instance_update


@transaction.atomic
def life_situation_create(*, actor: Actor, **data: Any) -> LifeSituation:
    """Create a life situation (Lebenslage)."""
    situation = instance_create(LifeSituation, data)
    audit_record(
        actor=actor,
        action="life_situation.create",
        obj=situation,
        details=instance_snapshot(situation),
    )
    return situation


@transaction.atomic
def life_situation_update(
    *, actor: Actor, life_situation: LifeSituation, **data: Any
) -> LifeSituation:
    """Change a life situation; its services are reindexed (their index holds its name)."""
    situation = LifeSituation.objects.select_for_update().get(pk=life_situation.pk)
    changes = instance_update(situation, data)
    if changes:
        audit_record(actor=actor, action="life_situation.update", obj=situation, details=changes)
        search_index_update(services=list(situation.services.all()))
    return situation


@transaction.atomic
def service_create(
    *,
    actor: Actor,
    required_documents: list[dict[str, Any]] | None = None,
    life_situations: list[LifeSituation] | None = None,
    **data: Any,
) -> Service:
    """Create a shared service description with its required documents and life situations."""
    service = instance_create(Service, data)
    for position, document in enumerate(required_documents or []):
        instance_create(RequiredDocument, {"position": position, **document, "service": service})
    if life_situations:
        service.life_situations.set(life_situations)
    details = instance_snapshot(service)
    details["required_documents"] = [d.get("name_de") for d in required_documents or []]
    details["life_situations"] = [s.slug for s in life_situations or []]
    audit_record(actor=actor, action="service.create", obj=service, details=details)
    search_index_update(services=[service])
    return service


@transaction.atomic
def service_update(
    *,
    actor: Actor,
    service: Service,
    life_situations: list[LifeSituation] | None = None,
    **data: Any,
) -> Service:
    """Change a shared service; every municipality offering it sees the change."""
    service = Service.objects.select_for_update().get(pk=service.pk)
    changes = instance_update(service, data)
    if life_situations is not None:
        old = sorted(s.slug for s in service.life_situations.all())
        new = sorted(s.slug for s in life_situations)
        if old != new:
            service.life_situations.set(life_situations)
            changes["life_situations"] = [old, new]
    if changes:
        audit_record(actor=actor, action="service.update", obj=service, details=changes)
        search_index_update(services=[service])
    return service


@transaction.atomic
def required_document_add(*, actor: Actor, service: Service, **data: Any) -> RequiredDocument:
    """Add a required document (Nachweis) to a service."""
    if "position" not in data:
        data["position"] = service.required_documents.count()
    document = instance_create(RequiredDocument, {**data, "service": service})
    audit_record(
        actor=actor,
        action="service.required_document.create",
        obj=document,
        details=instance_snapshot(document),
    )
    return document


@transaction.atomic
def required_document_update(
    *, actor: Actor, document: RequiredDocument, **data: Any
) -> RequiredDocument:
    """Change a required document of a service; records old and new values."""
    document = RequiredDocument.objects.select_for_update().get(pk=document.pk)
    changes = instance_update(document, data)
    if changes:
        audit_record(
            actor=actor, action="service.required_document.update", obj=document, details=changes
        )
    return document


@transaction.atomic
def required_document_remove(*, actor: Actor, document: RequiredDocument) -> None:
    """Remove a required document from its service; the audit keeps what it was."""
    document = RequiredDocument.objects.select_for_update().get(pk=document.pk)
    audit_record(
        actor=actor,
        action="service.required_document.delete",
        obj=document,
        details=instance_snapshot(document),
    )
    document.delete()


@transaction.atomic
def local_service_create(*, actor: Actor, **data: Any) -> LocalService:
    """A municipality starts offering a shared service, with its local details."""
    offer = instance_create(LocalService, data)
    audit_record(
        actor=actor, action="local_service.create", obj=offer, details=instance_snapshot(offer)
    )
    return offer


@transaction.atomic
def local_service_update(*, actor: Actor, local_service: LocalService, **data: Any) -> LocalService:
    """Change a municipality's local details (office, fee, notes, online offer)."""
    offer = LocalService.objects.select_for_update().get(pk=local_service.pk)
    changes = instance_update(offer, data)
    if changes:
        audit_record(actor=actor, action="local_service.update", obj=offer, details=changes)
    return offer
