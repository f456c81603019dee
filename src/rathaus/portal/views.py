"""Citizen portal: thin views that parse input, call selectors or services and render.

Every page works without JavaScript; htmx only speeds up the service search.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from rathaus.applications.selectors import services_with_published_form
from rathaus.catalog import selectors as catalog_selectors
from rathaus.catalog.models import Service
from rathaus.catalog.selectors import (
    PlaceAmbiguous,
    PlaceNotFound,
    ServiceOffer,
    fee_describe,
    place_resolve,
    responsibility_find,
)
from rathaus.core.errors import NotFound
from rathaus.municipalities import selectors as municipality_selectors
from rathaus.municipalities.models import Municipality
from rathaus.municipalities.services import accessibility_feedback_submit
from rathaus.portal import jsonld
from rathaus.portal.alphabet import group_by_initial, letter_index
from rathaus.portal.forms import AccessibilityFeedbackForm, ResponsibilityForm
from rathaus.portal.municipality_tree import portal_tree

FEATURED_SERVICES = 6
SEARCH_QUERY_MAX_LENGTH = 200


def _portal(slug: str) -> Municipality:
    municipality = municipality_selectors.municipality_get(slug=slug)
    if not municipality.has_portal:
        raise NotFound(_("%(name)s has no portal.") % {"name": municipality.name})
    return municipality


def _language() -> str:
    return (get_language() or "de")[:2]


def _application_channel(offer: ServiceOffer) -> str:
    """How a citizen applies: "external" (link to an online service), "internal" (a form in
    this portal — not built yet, so the page says to apply in person) or "in_person"."""
    if not offer.online_available:
        return "in_person"
    if offer.service.online_application == Service.OnlineApplication.EXTERNAL or (
        offer.local_service is not None and offer.local_service.online_url
    ):
        return "external" if offer.online_url else "in_person"
    return "internal"


def _online_service_ids(offers: list[ServiceOffer]) -> set[Any]:
    """The services of `offers` a citizen can apply for online — at an external online
    service or with a form published in this portal — for the "Available online" badge."""
    channels = {offer.service.pk: _application_channel(offer) for offer in offers}
    # Asked for every listed service, not only the "internal" ones, so that a page makes the
    # same number of queries whatever the mix of services.
    with_form = services_with_published_form(service_ids=channels.keys())
    return {
        pk
        for pk, channel in channels.items()
        if channel == "external" or (channel == "internal" and pk in with_form)
    }


@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    portals = list(municipality_selectors.municipality_list_portals())
    return render(request, "portal/landing.html", {"lands": portal_tree(portals)})


@require_safe
def start(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = _portal(municipality_slug)
    offers = catalog_selectors.service_list(municipality=municipality)
    online = _online_service_ids(offers)
    # No usage statistics yet: put what citizens can finish online first, then by name.
    featured = sorted(
        offers,
        key=lambda o: (
            o.service.pk not in online,
            -o.service.ozg_maturity,
            o.service.name_de,
        ),
    )[:FEATURED_SERVICES]
    return render(
        request,
        "portal/start.html",
        {
            "municipality": municipality,
            "featured": featured,
            "online_services": online,
            "service_count": len(offers),
            "life_situations": catalog_selectors.life_situation_list(municipality=municipality),
        },
    )


@require_safe
def search(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = _portal(municipality_slug)
    query = request.GET.get("q", "").strip()[:SEARCH_QUERY_MAX_LENGTH]
    results = (
        catalog_selectors.service_search(municipality=municipality, query=query) if query else []
    )
    return render(
        request,
        "portal/search.html",
        {
            "municipality": municipality,
            "query": query,
            "results": results,
            "online_services": _online_service_ids(results),
        },
    )


@require_safe
def service_list(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = _portal(municipality_slug)
    offers = catalog_selectors.service_list(municipality=municipality)
    groups = group_by_initial(offers, key=lambda offer: str(offer.service.name))
    return render(
        request,
        "portal/service_list.html",
        {
            "municipality": municipality,
            "groups": groups,
            "online_services": _online_service_ids(offers),
            "letters": letter_index(groups),
            "service_count": len(offers),
        },
    )


@require_safe
def service_detail(request: HttpRequest, municipality_slug: str, service_slug: str) -> HttpResponse:
    municipality = _portal(municipality_slug)
    offer = catalog_selectors.service_get(municipality=municipality, slug=service_slug)
    hours: list[municipality_selectors.DayHours] = []
    if offer.local_service is not None:
        hours = municipality_selectors.office_weekly_hours(
            office=offer.local_service.responsible_office
        )
    channel = _application_channel(offer)
    fee_text = fee_describe(offer.fee_rule, _language())
    finder = None
    if offer.depends_on_place:
        finder = ResponsibilityForm(services=[offer.service])
    return render(
        request,
        "portal/service_detail.html",
        {
            "municipality": municipality,
            "offer": offer,
            "service": offer.service,
            "documents": list(offer.service.required_documents.all()),
            "life_situations": list(offer.service.life_situations.all()),
            "hours": hours,
            "fee_text": fee_text,
            "channel": channel,
            "finder": finder,
            "jsonld": jsonld.government_service(
                offer=offer,
                municipality=municipality,
                url=request.build_absolute_uri(),
                fee_text=fee_text,
                hours=hours,
                online_url=offer.online_url if channel == "external" else "",
            ),
        },
    )


@require_safe
def life_situation_list(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = _portal(municipality_slug)
    situations = catalog_selectors.life_situation_list(municipality=municipality)
    return render(
        request,
        "portal/life_situation_list.html",
        {"municipality": municipality, "situations": situations},
    )


@require_safe
def life_situation_detail(
    request: HttpRequest, municipality_slug: str, situation_slug: str
) -> HttpResponse:
    municipality = _portal(municipality_slug)
    situation = catalog_selectors.life_situation_get(slug=situation_slug)
    offers = catalog_selectors.service_list(municipality=municipality, life_situation=situation)
    return render(
        request,
        "portal/life_situation_detail.html",
        {
            "municipality": municipality,
            "situation": situation,
            "offers": offers,
            "online_services": _online_service_ids(offers),
        },
    )


@require_safe
def office_list(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = _portal(municipality_slug)
    offices = municipality_selectors.office_list(municipality=municipality)
    return render(
        request,
        "portal/office_list.html",
        {"municipality": municipality, "offices": offices},
    )


@require_safe
def office_detail(request: HttpRequest, municipality_slug: str, office_slug: str) -> HttpResponse:
    municipality = _portal(municipality_slug)
    office = municipality_selectors.office_get(municipality=municipality, slug=office_slug)
    return render(
        request,
        "portal/office_detail.html",
        {
            "municipality": municipality,
            "office": office,
            "hours": municipality_selectors.office_weekly_hours(office=office),
            "exceptions": list(office.opening_exceptions.all()),
            "services": catalog_selectors.office_services(
                municipality=municipality, office_id=office.pk
            ),
        },
    )


_PLACE_ERROR_FIELDS = {"ars": "ars", "postcode": "plz"}


@require_safe
def responsibility(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = _portal(municipality_slug)
    services = list(catalog_selectors.service_queryset_for_municipality(municipality=municipality))
    submitted = any(key in request.GET for key in ("leistung", "plz", "ort", "ars"))
    form = ResponsibilityForm(request.GET if submitted else None, services=services)
    context: dict[str, Any] = {"municipality": municipality, "form": form}
    if form.is_valid():
        data = form.cleaned_data
        try:
            place = place_resolve(ars=data["ars"], postcode=data["plz"], place_name=data["ort"])
        except PlaceAmbiguous as exc:
            context.update(ambiguous=exc.message, candidates=exc.candidates)
        except PlaceNotFound as exc:
            form.add_error(_PLACE_ERROR_FIELDS.get(exc.field or "", "plz"), exc.message)
        else:
            result = responsibility_find(service=data["leistung"], place=place)
            context["result"] = result
            if result.local_service is not None:
                context["hours"] = municipality_selectors.office_weekly_hours(
                    office=result.local_service.responsible_office
                )
    return render(request, "portal/responsibility.html", context)


@require_safe
def imprint(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = _portal(municipality_slug)
    return render(request, "portal/imprint.html", {"municipality": municipality})


@require_safe
def privacy(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = _portal(municipality_slug)
    return render(request, "portal/privacy.html", {"municipality": municipality})


@require_http_methods(["GET", "HEAD", "POST"])
def accessibility(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = _portal(municipality_slug)
    if request.method == "POST":
        form = AccessibilityFeedbackForm(request.POST)
        if form.is_valid():
            accessibility_feedback_submit(municipality=municipality, **form.cleaned_data)
            messages.success(
                request,
                _(
                    "Thank you! Your message has been sent to %(authority)s. If you gave an "
                    "e-mail address, you will receive an answer."
                )
                % {"authority": municipality.display_authority},
            )
            return redirect(reverse("portal:accessibility", args=[municipality.slug]))
    else:
        form = AccessibilityFeedbackForm(initial={"page_url": request.GET.get("seite", "")[:500]})
    return render(
        request, "portal/accessibility.html", {"municipality": municipality, "form": form}
    )


@require_safe
def easy_language(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = _portal(municipality_slug)
    return render(request, "portal/easy_language.html", {"municipality": municipality})


@require_safe
def sign_language(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = _portal(municipality_slug)
    return render(request, "portal/sign_language.html", {"municipality": municipality})
