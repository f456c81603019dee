"""Reads for the service catalogue: what a municipality's portal shows."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

# The Zuständigkeitsfinder and the fee texts are reads too: the edges (portal, API) import
# them from here (explicit re-exports; import-linter: only the public modules of an app).
from rathaus.catalog.fee_display import fee_describe as fee_describe
from rathaus.catalog.fee_display import format_cents as format_cents
from rathaus.catalog.models import LifeSituation, LocalService, RequiredDocument, Service
from rathaus.catalog.responsibility import PlaceAmbiguous as PlaceAmbiguous
from rathaus.catalog.responsibility import PlaceNotFound as PlaceNotFound
from rathaus.catalog.responsibility import Responsibility as Responsibility
from rathaus.catalog.responsibility import place_resolve as place_resolve
from rathaus.catalog.responsibility import responsibility_find as responsibility_find
from rathaus.core.errors import NotFound
from rathaus.municipalities import selectors as municipality_selectors
from rathaus.municipalities.models import Municipality


def _scope_ids(municipality: Municipality) -> tuple[list[Any], set[Any]]:
    lineage = [m.pk for m in municipality_selectors.municipality_lineage(municipality=municipality)]
    return lineage, municipality_selectors.municipality_descendant_ids(municipality=municipality)


def service_queryset_for_municipality(*, municipality: Municipality) -> QuerySet[Service]:
    """Services relevant in `municipality`: offered by it, by a municipality above it (e.g. the
    Kreis) or by one below it (e.g. a Verbandsgemeinde of a Kreis)."""
    lineage, descendants = _scope_ids(municipality)
    return (
        Service.objects.filter(local_services__municipality__in=[*lineage, *descendants])
        .distinct()
        .order_by("name_de")
    )


@dataclass(frozen=True)
class ServiceOffer:
    """A service as seen from one municipality's portal.

    `local_service` is the offer that applies in the whole municipality (its own or an
    ancestor's); None means responsibility depends on the exact place (offered below).
    """

    service: Service
    local_service: LocalService | None

    @property
    def fee_rule(self) -> dict[str, Any]:
        if self.local_service is not None and self.local_service.fee_rule:
            return dict(self.local_service.fee_rule)
        return dict(self.service.fee_rule or {})

    @property
    def depends_on_place(self) -> bool:
        return self.local_service is None

    @property
    def online_available(self) -> bool:
        if self.service.online_application == Service.OnlineApplication.NONE:
            return False
        return self.local_service is None or self.local_service.online_available

    @property
    def online_url(self) -> str:
        if self.local_service is not None and self.local_service.online_url:
            return self.local_service.online_url
        return self.service.online_url


def _offers_by_service(
    municipality: Municipality, service_ids: list[Any]
) -> dict[Any, LocalService]:
    """The offer that covers all of `municipality` for each service: its own first, then upward."""
    lineage = municipality_selectors.municipality_lineage(municipality=municipality)
    rank = {m.pk: i for i, m in enumerate(lineage)}
    best: dict[Any, LocalService] = {}
    offers = LocalService.objects.filter(
        service_id__in=service_ids, municipality__in=list(rank)
    ).select_related("municipality", "responsible_office", "responsible_office__municipality")
    for offer in offers:
        current = best.get(offer.service_id)
        if current is None or rank[offer.municipality_id] < rank[current.municipality_id]:
            best[offer.service_id] = offer
    return best


def service_offers(*, municipality: Municipality, services: list[Service]) -> list[ServiceOffer]:
    """Attach the applicable local offer to each of `services` (constant number of queries)."""
    best = _offers_by_service(municipality, [s.pk for s in services])
    return [ServiceOffer(service=s, local_service=best.get(s.pk)) for s in services]


def service_list(
    *, municipality: Municipality, life_situation: LifeSituation | None = None
) -> list[ServiceOffer]:
    """All services of a municipality's portal, A–Z, with the applicable local offer."""
    qs = service_queryset_for_municipality(municipality=municipality)
    if life_situation is not None:
        qs = qs.filter(life_situations=life_situation)
    return service_offers(municipality=municipality, services=list(qs))


def service_get(*, municipality: Municipality, slug: str) -> ServiceOffer:
    """One service with everything its detail page shows, or NotFound."""
    qs = service_queryset_for_municipality(municipality=municipality).prefetch_related(
        Prefetch(
            "required_documents", queryset=RequiredDocument.objects.order_by("position", "name_de")
        ),
        "life_situations",
    )
    service = qs.filter(slug=slug).first()
    if service is None:
        raise NotFound(
            _("No service “%(slug)s” in %(municipality)s.")
            % {"slug": slug, "municipality": municipality.name}
        )
    return service_offers(municipality=municipality, services=[service])[0]


def service_list_shared() -> QuerySet[Service]:
    """All shared service descriptions A–Z, whoever offers them, with their life situations."""
    return Service.objects.prefetch_related(
        Prefetch("life_situations", queryset=LifeSituation.objects.order_by("name_de"))
    ).order_by("name_de")


def service_get_by_slug(*, slug: str) -> Service:
    """A shared service by slug regardless of municipality, or NotFound."""
    service = Service.objects.filter(slug=slug).first()
    if service is None:
        raise NotFound(_("No service “%(slug)s”.") % {"slug": slug})
    return service


def life_situation_list(*, municipality: Municipality) -> QuerySet[LifeSituation]:
    """Life situations with at least one service in the municipality, with the service count."""
    lineage, descendants = _scope_ids(municipality)
    in_scope = Q(services__local_services__municipality__in=[*lineage, *descendants])
    return (
        LifeSituation.objects.annotate(
            service_count=Count("services", filter=in_scope, distinct=True)
        )
        .filter(service_count__gt=0)
        .order_by("name_de")
    )


def life_situation_get(*, slug: str) -> LifeSituation:
    """A life situation by slug, or NotFound."""
    situation = LifeSituation.objects.filter(slug=slug).first()
    if situation is None:
        raise NotFound(_("No life situation “%(slug)s”.") % {"slug": slug})
    return situation


def office_services(*, municipality: Municipality, office_id: Any) -> QuerySet[Service]:
    """Services for which an office is responsible."""
    return Service.objects.filter(
        local_services__responsible_office_id=office_id, local_services__municipality=municipality
    ).order_by("name_de")


def service_search(
    *, municipality: Municipality, query: str, limit: int = 20
) -> list[ServiceOffer]:
    """Services relevant in `municipality` matching `query` (German or English), best first."""
    from django.utils.translation import get_language

    from rathaus.catalog.search import search_services

    if not query.strip():
        return []
    scope = set(
        service_queryset_for_municipality(municipality=municipality).values_list("pk", flat=True)
    )
    hits = search_services(
        query=query, service_ids=scope, language=(get_language() or "de")[:2], limit=limit
    )
    by_id = Service.objects.in_bulk([hit.service_id for hit in hits])
    ordered = [by_id[hit.service_id] for hit in hits if hit.service_id in by_id]
    return service_offers(municipality=municipality, services=ordered)
