"""Reads for municipalities and offices."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.errors import NotFound
from rathaus.municipalities.models import Municipality, Office, OpeningException, OpeningHours


def municipality_list_portals() -> QuerySet[Municipality]:
    """Municipalities that have a portal, for the landing page."""
    return Municipality.objects.filter(has_portal=True).select_related("parent").order_by("name")


def municipality_list() -> QuerySet[Municipality]:
    """All municipalities with their parent."""
    return Municipality.objects.select_related("parent").order_by("name")


def municipality_get(*, slug: str) -> Municipality:
    """The municipality with `slug`, or NotFound."""
    try:
        return Municipality.objects.select_related("parent").get(slug=slug)
    except Municipality.DoesNotExist:
        raise NotFound(_("No municipality “%(slug)s”.") % {"slug": slug}) from None


def municipality_lineage(*, municipality: Municipality) -> list[Municipality]:
    """`municipality` followed by its ancestors up to the top (e.g. Ortsgemeinde, VG, Kreis)."""
    lineage = [municipality]
    seen = {municipality.pk}
    current = municipality
    while current.parent_id is not None and current.parent_id not in seen:
        current = Municipality.objects.get(pk=current.parent_id)
        lineage.append(current)
        seen.add(current.pk)
    return lineage


def municipality_descendant_ids(*, municipality: Municipality) -> set[object]:
    """Primary keys of all municipalities below `municipality` (one query per level)."""
    found: set[object] = set()
    frontier = {municipality.pk}
    while frontier:
        frontier = (
            set(Municipality.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            - found
        )
        found |= frontier
    return found


def municipality_find_by_ars(*, ars: str) -> Municipality | None:
    """The municipality with this ARS, if known."""
    return Municipality.objects.select_related("parent").filter(ars=ars).first()


def municipality_find_by_place(*, postcode: str, place_name: str = "") -> list[Municipality]:
    """Municipalities matching a postcode, narrowed by place name when that is given."""
    qs = Municipality.objects.filter(postal_areas__postcode=postcode.strip())
    if place_name.strip():
        narrowed = qs.filter(postal_areas__place_name__iexact=place_name.strip())
        if narrowed.exists():
            qs = narrowed
    return list(qs.distinct().order_by("name"))


def office_list(*, municipality: Municipality) -> QuerySet[Office]:
    """Offices of `municipality`, with their opening hours prefetched."""
    return (
        Office.objects.filter(municipality=municipality)
        .select_related("municipality", "parent")
        .prefetch_related("opening_hours")
        .order_by("name")
    )


def office_get(*, municipality: Municipality, slug: str) -> Office:
    """The office `slug` of `municipality`, with hours and upcoming exceptions, or NotFound."""
    try:
        return (
            Office.objects.select_related("municipality", "parent")
            .prefetch_related(
                "opening_hours",
                Prefetch(
                    "opening_exceptions",
                    queryset=OpeningException.objects.filter(
                        date__gte=timezone.localdate()
                    ).order_by("date"),
                ),
            )
            .get(municipality=municipality, slug=slug)
        )
    except Office.DoesNotExist:
        raise NotFound(
            _("No office “%(slug)s” in %(municipality)s.")
            % {"slug": slug, "municipality": municipality.name}
        ) from None


@dataclass(frozen=True)
class DayHours:
    weekday: int
    label: str
    intervals: list[OpeningHours]


def office_weekly_hours(*, office: Office) -> list[DayHours]:
    """The weekly pattern grouped by weekday (uses prefetched opening hours)."""
    by_day: dict[int, list[OpeningHours]] = {}
    for interval in office.opening_hours.all():
        by_day.setdefault(interval.weekday, []).append(interval)
    return [
        DayHours(weekday=int(value), label=str(label), intervals=by_day.get(int(value), []))
        for value, label in OpeningHours.Weekday.choices
        if int(value) in by_day
    ]
