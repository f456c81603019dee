"""Zuständigkeitsfinder: which authority and office is responsible for a service at a place.

Driven by data: a municipality that offers a service (a LocalService) is responsible in its
territory and below it, unless a municipality further down offers the service itself. The
search therefore walks from the place up the hierarchy (Ortsgemeinde → Verbandsgemeinde →
Kreis) and takes the first offer it meets.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from rathaus.catalog.models import LocalService, Service
from rathaus.core.errors import Conflict, NotFound
from rathaus.municipalities import selectors as municipality_selectors
from rathaus.municipalities.models import Municipality


class PlaceNotFound(NotFound):
    """No municipality matches the given place."""


class PlaceAmbiguous(Conflict):
    """The place matches more than one municipality; `candidates` lists them."""

    def __init__(self, message: str, candidates: list[Municipality]) -> None:
        super().__init__(message)
        self.candidates = candidates


@dataclass(frozen=True)
class Responsibility:
    """The answer: for `service` at `place`, `local_service` (authority + office) or none."""

    service: Service
    place: Municipality
    local_service: LocalService | None
    searched: list[Municipality]

    @property
    def found(self) -> bool:
        return self.local_service is not None


def place_resolve(
    *,
    ars: str = "",
    postcode: str = "",
    place_name: str = "",
    municipality: Municipality | None = None,
) -> Municipality:
    """The single municipality meant by an ARS, a postcode (+ place name) or a municipality."""
    if municipality is not None:
        return municipality
    if ars:
        ars = ars.strip()
        found = municipality_selectors.municipality_find_by_ars(ars=ars)
        if found is None:
            raise PlaceNotFound(
                _("No municipality with the key %(ars)s is known.") % {"ars": ars}, field="ars"
            )
        return found
    if postcode:
        postcode = postcode.strip()
        if not (len(postcode) == 5 and postcode.isdigit()):
            raise PlaceNotFound(_("A postcode has five digits."), field="postcode")
        candidates = municipality_selectors.municipality_find_by_place(
            postcode=postcode, place_name=place_name
        )
        if not candidates:
            raise PlaceNotFound(
                _("No municipality with the postcode %(postcode)s is known here.")
                % {"postcode": postcode},
                field="postcode",
            )
        if len(candidates) > 1:
            raise PlaceAmbiguous(
                _("The postcode %(postcode)s covers several places; please choose one.")
                % {"postcode": postcode},
                candidates,
            )
        return candidates[0]
    raise PlaceNotFound(
        _("Please give a postcode, a place or a municipality key."), field="postcode"
    )


def responsibility_find(*, service: Service, place: Municipality) -> Responsibility:
    """Walk from `place` up the hierarchy to the first municipality offering `service`."""
    lineage = municipality_selectors.municipality_lineage(municipality=place)
    offers = {
        offer.municipality_id: offer
        for offer in LocalService.objects.filter(
            service=service, municipality__in=[m.pk for m in lineage]
        )
        .select_related("municipality", "responsible_office", "responsible_office__municipality")
        .prefetch_related("responsible_office__opening_hours")
    }
    searched: list[Municipality] = []
    for level in lineage:
        searched.append(level)
        if level.pk in offers:
            return Responsibility(
                service=service, place=place, local_service=offers[level.pk], searched=searched
            )
    return Responsibility(service=service, place=place, local_service=None, searched=searched)
