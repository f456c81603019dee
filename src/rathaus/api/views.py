"""API version 1: thin read-only views over the selectors of municipalities and catalog."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, generics, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from rathaus.api import serializers as s
from rathaus.api.filters import MunicipalityFilter, ServiceFilter
from rathaus.api.problems import (
    AmbiguousPlaceProblemSerializer,
    Problem,
    ProblemSerializer,
    ResponsibilityNotFoundProblemSerializer,
    ValidationProblemSerializer,
)
from rathaus.catalog import selectors as catalog_selectors
from rathaus.catalog import selectors as responsibility_finder
from rathaus.catalog.models import Service
from rathaus.core.errors import NotFound
from rathaus.municipalities import selectors as municipality_selectors
from rathaus.municipalities.models import Municipality, Office

PROBLEM = "application/problem+json"
NOT_FOUND = {
    (404, PROBLEM): OpenApiResponse(ProblemSerializer, description="Not found (see `detail`).")
}
INVALID = {
    (400, PROBLEM): OpenApiResponse(
        ValidationProblemSerializer, description="Invalid query parameters (see `errors`)."
    )
}
LIST_ERRORS = {
    **INVALID,
    (404, PROBLEM): OpenApiResponse(
        ProblemSerializer, description="The municipality is unknown or the page out of range."
    ),
}

SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="Slug of the municipality.")
OFFICE_SLUG = OpenApiParameter(
    "office_slug", str, OpenApiParameter.PATH, description="Slug of the office."
)
SERVICE_SLUG = OpenApiParameter(
    "service_slug", str, OpenApiParameter.PATH, description="Slug of the service."
)


class ApiView(APIView):
    """Base of all API views: JSON only (errors as problem+json)."""

    renderer_classes = [JSONRenderer]

    def municipality(self) -> Municipality:
        return municipality_selectors.municipality_get(slug=self.kwargs["slug"])


class ListView(ApiView, generics.ListAPIView):
    """Paginated list; `list()` paginates whatever `get_queryset()` returns."""


@extend_schema_view(
    get=extend_schema(
        operation_id="municipality_list",
        responses={200: s.MunicipalitySerializer(many=True), **LIST_ERRORS},
    )
)
class MunicipalityListView(ListView):
    """Municipalities (Gebietskörperschaften) A–Z."""

    serializer_class = s.MunicipalitySerializer
    filterset_class = MunicipalityFilter

    def get_queryset(self) -> QuerySet[Municipality]:
        return municipality_selectors.municipality_list()


class MunicipalityDetailView(ApiView):
    @extend_schema(
        operation_id="municipality_get",
        parameters=[SLUG],
        responses={200: s.MunicipalityDetailSerializer, **NOT_FOUND},
    )
    def get(self, request: Request, slug: str) -> Response:
        """A municipality with its parent, children and contact details."""
        return Response(s.MunicipalityDetailSerializer(self.municipality()).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="office_list",
        parameters=[SLUG],
        responses={200: s.OfficeSerializer(many=True), **LIST_ERRORS},
    )
)
class OfficeListView(ListView):
    """Offices (Organisationseinheiten) of a municipality with their weekly opening hours."""

    serializer_class = s.OfficeSerializer
    filter_backends = []

    def get_queryset(self) -> QuerySet[Office]:
        return municipality_selectors.office_list(municipality=self.municipality())


class OfficeDetailView(ApiView):
    @extend_schema(
        operation_id="office_get",
        parameters=[SLUG, OFFICE_SLUG],
        responses={200: s.OfficeDetailSerializer, **NOT_FOUND},
    )
    def get(self, request: Request, slug: str, office_slug: str) -> Response:
        """An office with address, contact, opening hours, upcoming exceptions and accessibility."""
        office = municipality_selectors.office_get(
            municipality=self.municipality(), slug=office_slug
        )
        return Response(s.OfficeDetailSerializer(office).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="service_list",
        responses={200: s.ServiceSerializer(many=True), **LIST_ERRORS},
    )
)
class ServiceListView(ListView):
    """The shared service descriptions (Leistungen), A–Z, regardless of who offers them."""

    serializer_class = s.ServiceSerializer
    filterset_class = ServiceFilter

    def get_queryset(self) -> QuerySet[Service]:
        return catalog_selectors.service_list_shared()


class ServiceDetailView(ApiView):
    @extend_schema(
        operation_id="service_get",
        parameters=[
            OpenApiParameter("slug", str, OpenApiParameter.PATH, description="Slug of the service.")
        ],
        responses={200: s.ServiceDetailSerializer, **NOT_FOUND},
    )
    def get(self, request: Request, slug: str) -> Response:
        """A shared service description with documents, fee and life situations."""
        service = catalog_selectors.service_get_by_slug(slug=slug)
        return Response(s.ServiceDetailSerializer(service).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="municipality_service_list",
        parameters=[SLUG, s.MunicipalityServiceQuerySerializer],
        responses={200: s.ServiceOfferSerializer(many=True), **LIST_ERRORS},
    )
)
class MunicipalityServiceListView(ListView):
    """Services relevant in a municipality, A–Z, with its local details applied: the fee that
    applies, the responsible authority and office (or `depends_on_place`), online access."""

    serializer_class = s.ServiceOfferSerializer
    filter_backends = []

    def get_queryset(self) -> list[catalog_selectors.ServiceOffer]:  # type: ignore[override]
        query = s.MunicipalityServiceQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        slug = query.validated_data.get("life_situation")
        situation = catalog_selectors.life_situation_get(slug=slug) if slug else None
        return catalog_selectors.service_list(
            municipality=self.municipality(), life_situation=situation
        )


class MunicipalityServiceDetailView(ApiView):
    @extend_schema(
        operation_id="municipality_service_get",
        parameters=[SLUG, SERVICE_SLUG],
        responses={200: s.ServiceOfferDetailSerializer, **NOT_FOUND},
    )
    def get(self, request: Request, slug: str, service_slug: str) -> Response:
        """One service as offered in a municipality, with local notes and required documents."""
        offer = catalog_selectors.service_get(municipality=self.municipality(), slug=service_slug)
        return Response(s.ServiceOfferDetailSerializer(offer).data)


class MunicipalitySearchView(ApiView):
    @extend_schema(
        operation_id="municipality_search",
        parameters=[SLUG, s.SearchQuerySerializer],
        responses={200: s.SearchResultSerializer, **INVALID, **NOT_FOUND},
    )
    def get(self, request: Request, slug: str) -> Response:
        """Services of a municipality matching words (German or English), best match first."""
        query = s.SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        hits = catalog_selectors.service_search(
            municipality=self.municipality(),
            query=query.validated_data["q"],
            limit=query.validated_data["limit"],
        )
        return Response(
            s.SearchResultSerializer({"query": query.validated_data["q"], "results": hits}).data
        )


class ResponsibilityView(ApiView):
    @extend_schema(
        operation_id="responsibility_find",
        parameters=[s.ResponsibilityQuerySerializer],
        responses={
            200: s.ResponsibilitySerializer,
            **INVALID,
            (404, PROBLEM): OpenApiResponse(
                ResponsibilityNotFoundProblemSerializer,
                description="Unknown service or place, or no authority known (see `type`).",
            ),
            (409, PROBLEM): OpenApiResponse(
                AmbiguousPlaceProblemSerializer,
                description="The postcode covers several municipalities (see `candidates`).",
            ),
        },
    )
    def get(self, request: Request) -> Response:
        """Zuständigkeitsfinder: the authority and office responsible for a service at a place.

        404 with type `urn:rathaus:problem:place-not-found` when the place is unknown,
        `urn:rathaus:problem:responsibility-unknown` when no authority from the place upwards
        offers the service, `about:blank` when the service is unknown; 409 with the
        candidates when a postcode covers several municipalities.
        """
        query = s.ResponsibilityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params: dict[str, Any] = query.validated_data
        service = catalog_selectors.service_get_by_slug(slug=params["service"])
        municipality = None
        if params.get("municipality"):
            try:
                municipality = municipality_selectors.municipality_get(slug=params["municipality"])
            except NotFound as exc:
                raise responsibility_finder.PlaceNotFound(
                    exc.message, field="municipality"
                ) from None
        place = responsibility_finder.place_resolve(
            ars=params.get("ars", ""),
            postcode=params.get("postcode", ""),
            place_name=params.get("place_name", ""),
            municipality=municipality,
        )
        found = responsibility_finder.responsibility_find(service=service, place=place)
        if not found.found:
            raise Problem(
                status_code=status.HTTP_404_NOT_FOUND,
                problem_type="responsibility-unknown",
                title=_("Responsibility unknown"),
                detail=_("No authority for “%(service)s” in %(place)s is known.")
                % {"service": service.name, "place": place.name},
                service=service.slug,
                place=place.slug,
                searched=[m.slug for m in found.searched],
            )
        return Response(s.ResponsibilitySerializer(found).data)


class IndexView(ApiView):
    """Links to what the API offers (not part of the schema)."""

    schema = None

    def get(self, request: Request) -> Response:
        return Response(
            {
                "v1": {
                    "municipalities": reverse("api:v1:municipality-list", request=request),
                    "services": reverse("api:v1:service-list", request=request),
                    "responsibility": reverse("api:v1:responsibility", request=request),
                },
                "schema": reverse("api:schema", request=request),
                "docs": reverse("api:docs", request=request),
            }
        )


class UnknownEndpointView(ApiView):
    """Every address under /api/ that is not an endpoint: 404 problem for every method."""

    schema = None

    def http_method_not_allowed(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        raise exceptions.NotFound(_("There is no API endpoint at this address."))

    options = http_method_not_allowed
