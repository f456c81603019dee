from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from rathaus.api import mailbox, mailbox_batches, me, records, submissions, views

app_name = "api"

v1_patterns = [
    *me.urlpatterns,
    *submissions.urlpatterns,
    *mailbox.urlpatterns,
    *mailbox_batches.urlpatterns,
    *records.urlpatterns,
    path("", views.IndexView.as_view(), name="index"),
    path("municipalities/", views.MunicipalityListView.as_view(), name="municipality-list"),
    path(
        "municipalities/<slug:slug>/",
        views.MunicipalityDetailView.as_view(),
        name="municipality-detail",
    ),
    path(
        "municipalities/<slug:slug>/offices/",
        views.OfficeListView.as_view(),
        name="office-list",
    ),
    path(
        "municipalities/<slug:slug>/offices/<slug:office_slug>/",
        views.OfficeDetailView.as_view(),
        name="office-detail",
    ),
    path(
        "municipalities/<slug:slug>/services/",
        views.MunicipalityServiceListView.as_view(),
        name="municipality-service-list",
    ),
    path(
        "municipalities/<slug:slug>/services/<slug:service_slug>/",
        views.MunicipalityServiceDetailView.as_view(),
        name="municipality-service-detail",
    ),
    path(
        "municipalities/<slug:slug>/search/",
        views.MunicipalitySearchView.as_view(),
        name="municipality-search",
    ),
    path("services/", views.ServiceListView.as_view(), name="service-list"),
    path("services/<slug:slug>/", views.ServiceDetailView.as_view(), name="service-detail"),
    path("responsibility/", views.ResponsibilityView.as_view(), name="responsibility"),
]

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a separate file, so the strict CSP (no inline
    # script) holds; the page template has no inline style either.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path("v1/", include((v1_patterns, "v1"))),
    # Anything else under /api/ ending in a slash: a problem+json 404 instead of the HTML
    # page. Addresses without the slash are redirected here by CommonMiddleware first.
    re_path(r"^.+/$", views.UnknownEndpointView.as_view(), name="unknown"),
]
