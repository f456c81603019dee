"""URLs of the participant's file inspection under /akteneinsicht/ (German paths)."""

from django.urls import path

from rathaus.portal import inspection_views as views

app_name = "inspection"

urlpatterns = [
    path("", views.inspection_list, name="list"),
    path(
        "<uuid:grant_id>/dokumente/<uuid:document_id>/",
        views.inspection_document,
        name="document",
    ),
]
