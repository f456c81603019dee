from django.urls import path

from rathaus.backoffice import mailbox_views, submission_views, views

app_name = "backoffice"

urlpatterns = [
    path("", views.start, name="start"),
    path("leistungen/", views.service_offers, name="service-offers"),
    path("aemter/<uuid:office_id>/", views.office_detail, name="office-detail"),
    path("rollen/", views.roles, name="roles"),
    path("rollen/<uuid:assignment_id>/entziehen/", views.role_revoke, name="role-revoke"),
    path("postfach/", mailbox_views.mailbox_list, name="mailbox-list"),
    path("postfach/<uuid:mailbox_id>/", mailbox_views.mailbox_inbox, name="mailbox-inbox"),
    path(
        "postfach/<uuid:mailbox_id>/archiv/", mailbox_views.mailbox_archive, name="mailbox-archive"
    ),
    path(
        "postfach/<uuid:mailbox_id>/<uuid:thread_id>/",
        mailbox_views.mailbox_thread,
        name="mailbox-thread",
    ),
    path(
        "postfach/<uuid:mailbox_id>/<uuid:thread_id>/archivieren/",
        mailbox_views.mailbox_thread_archive,
        name="mailbox-thread-archive",
    ),
    path(
        "postfach/<uuid:mailbox_id>/<uuid:thread_id>/zustaendig/",
        mailbox_views.mailbox_thread_assign,
        name="mailbox-thread-assign",
    ),
    path(
        "postfach/<uuid:mailbox_id>/<uuid:thread_id>/nachrichten/<uuid:message_id>/anhaenge/",
        mailbox_views.mailbox_attachment,
        name="mailbox-attachments",
    ),
    path(
        "postfach/<uuid:mailbox_id>/<uuid:thread_id>/nachrichten/<uuid:message_id>/anhaenge/"
        "<uuid:attachment_id>/",
        mailbox_views.mailbox_attachment,
        name="mailbox-attachment",
    ),
    path(
        "postfach/<uuid:mailbox_id>/<uuid:thread_id>/bescheid/",
        mailbox_views.mailbox_thread_act,
        name="mailbox-thread-act",
    ),
    path(
        "postfach/<uuid:mailbox_id>/<uuid:thread_id>/quittungen/<uuid:receipt_id>/",
        mailbox_views.mailbox_receipt,
        name="mailbox-receipt",
    ),
    path("vorgaenge/<uuid:case_id>/nachricht/", mailbox_views.case_message, name="case-message"),
    path("antraege/", submission_views.submission_list, name="submission-list"),
    path(
        "antraege/<uuid:submission_id>/",
        submission_views.submission_detail,
        name="submission-detail",
    ),
    path(
        "antraege/<uuid:submission_id>/status/",
        submission_views.submission_status,
        name="submission-status",
    ),
    path(
        "antraege/<uuid:submission_id>/eingang-bestaetigen/",
        submission_views.submission_acknowledge_view,
        name="submission-acknowledge",
    ),
    path(
        "antraege/<uuid:submission_id>/nachforderung/",
        submission_views.document_request_new,
        name="submission-document-request",
    ),
    path(
        "antraege/<uuid:submission_id>/nachforderung/<uuid:request_id>/zurueckziehen/",
        submission_views.document_request_withdraw,
        name="submission-document-request-cancel",
    ),
    path(
        "antraege/<uuid:submission_id>/zustaendig/",
        submission_views.case_assign_view,
        name="submission-assign",
    ),
    path(
        "antraege/<uuid:submission_id>/bearbeitungsfrist/",
        submission_views.case_deadline_view,
        name="submission-deadline",
    ),
    path(
        "antraege/<uuid:submission_id>/dokumente/<uuid:attachment_id>/",
        submission_views.submission_attachment,
        name="submission-attachment",
    ),
    path(
        "antraege/<uuid:submission_id>/eingangsbestaetigung/",
        submission_views.submission_receipt,
        name="submission-receipt",
    ),
]
