"""URLs of the citizen's Postfach under /postfach/ (German paths)."""

from django.urls import path

from rathaus.portal import mailbox_views as views

app_name = "mailbox"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("archiv/", views.archive, name="archive"),
    path("neu/", views.compose, name="compose"),
    path("<uuid:thread_id>/", views.thread, name="thread"),
    path("<uuid:thread_id>/archivieren/", views.thread_archive, name="thread-archive"),
    path(
        "<uuid:thread_id>/quittungen/<uuid:receipt_id>/",
        views.receipt_download,
        name="receipt",
    ),
]
