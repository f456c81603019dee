"""URLs of the citizen's online applications under /antraege/ (German paths)."""

from django.urls import path

from rathaus.portal import application_views as views

app_name = "apply"

urlpatterns = [
    path("", views.overview, name="overview"),
    path(
        "neu/<slug:municipality_slug>/<slug:service_slug>/",
        views.start,
        name="start",
    ),
    path("<uuid:draft_id>/schritt/<slug:step_id>/", views.step, name="step"),
    path("<uuid:draft_id>/nachweise/", views.documents, name="documents"),
    path("<uuid:draft_id>/pruefen/", views.check, name="check"),
    path("<uuid:draft_id>/erklaerungen/", views.declarations, name="declarations"),
    path("<uuid:draft_id>/gebuehr/", views.fee, name="fee"),
    path("<uuid:draft_id>/absenden/", views.submit, name="submit"),
    path("<uuid:draft_id>/loeschen/", views.delete, name="delete"),
    path("eingereicht/<uuid:submission_id>/", views.confirmation, name="confirmation"),
    path("vorgang/<uuid:submission_id>/", views.detail, name="detail"),
    path(
        "vorgang/<uuid:submission_id>/eingangsbestaetigung.pdf",
        views.receipt,
        name="receipt",
    ),
    path(
        "vorgang/<uuid:submission_id>/nachforderung/<uuid:request_id>/",
        views.document_request,
        name="document-request",
    ),
]
