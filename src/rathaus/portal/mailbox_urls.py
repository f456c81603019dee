"""URLs of the citizen's Postfach under /postfach/ (German paths)."""

from django.urls import path

from rathaus.portal import mailbox_views as views

app_name = "mailbox"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("archiv/", views.archive, name="archive"),
    path("neu/", views.compose, name="compose"),
    path("entwuerfe/", views.drafts, name="drafts"),
    path("entwuerfe/<uuid:draft_id>/loeschen/", views.draft_discard, name="draft-discard"),
    path("benachrichtigung/", views.notification_settings, name="settings"),
    path("<uuid:thread_id>/", views.thread, name="thread"),
    path("<uuid:thread_id>/archivieren/", views.thread_archive, name="thread-archive"),
    path(
        "<uuid:thread_id>/nachrichten/<uuid:message_id>/anhaenge/",
        views.attachment_download,
        name="attachments",
    ),
    path(
        "<uuid:thread_id>/nachrichten/<uuid:message_id>/anhaenge/<uuid:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "<uuid:thread_id>/quittungen/<uuid:receipt_id>/",
        views.receipt_download,
        name="receipt",
    ),
]
