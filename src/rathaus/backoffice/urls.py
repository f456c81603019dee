from django.urls import path

from rathaus.backoffice import (
    decision_views,
    disposal_views,
    inspection_views,
    mailbox_views,
    records_views,
    scan_views,
    submission_views,
    views,
    workflow_views,
)

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
    path("akten/", records_views.records_overview, name="records-overview"),
    path("akten/suche/", records_views.records_search, name="records-search"),
    path(
        "akten/vorgaenge/<uuid:case_id>/ablegen/",
        records_views.records_case_file,
        name="records-case-file",
    ),
    path(
        "akten/aktenplan/<uuid:municipality_id>/",
        records_views.records_plan,
        name="records-plan",
    ),
    path(
        "akten/aktenplan/<uuid:municipality_id>/export/",
        records_views.records_plan_csv,
        name="records-plan-csv",
    ),
    path(
        "akten/aktenplan/<uuid:municipality_id>/import/",
        records_views.records_plan_import,
        name="records-plan-import",
    ),
    path(
        "akten/aktenplan/<uuid:municipality_id>/neue-akte/",
        records_views.records_file_create,
        name="records-file-create",
    ),
    path("akten/<uuid:file_id>/", records_views.records_file, name="records-file"),
    path(
        "akten/<uuid:file_id>/dokument/",
        records_views.records_document_add,
        name="records-document-add",
    ),
    path(
        "akten/<uuid:file_id>/abschliessen/",
        records_views.records_file_close,
        name="records-file-close",
    ),
    path(
        "akten/<uuid:file_id>/wiedereroeffnen/",
        records_views.records_file_reopen,
        name="records-file-reopen",
    ),
    path(
        "akten/dokumente/<uuid:document_id>/",
        records_views.records_document,
        name="records-document",
    ),
    path(
        "akten/dokumente/<uuid:document_id>/neue-version/",
        records_views.records_version_add,
        name="records-version-add",
    ),
    path(
        "akten/dokumente/<uuid:document_id>/versionen/<uuid:version_id>/",
        records_views.records_version_download,
        name="records-version-download",
    ),
    path(
        "akten/<uuid:file_id>/abgeben/",
        records_views.records_file_hand_over,
        name="records-file-hand-over",
    ),
    path("akten/aussonderung/", disposal_views.disposal, name="records-disposal"),
    path(
        "akten/aussonderung/<uuid:municipality_id>/anbieten/",
        disposal_views.disposal_offer,
        name="records-disposal-offer",
    ),
    path(
        "akten/aussonderung/angebote/<uuid:offer_id>/",
        disposal_views.disposal_step,
        name="records-disposal-step",
    ),
    path(
        "akten/aussonderung/nachricht/",
        disposal_views.disposal_import,
        name="records-disposal-import",
    ),
    path("akten/<uuid:file_id>/scannen/", scan_views.scan_intake, name="records-scan-intake"),
    path("akten/scans/<uuid:batch_id>/", scan_views.scan_batch, name="records-scan-batch"),
    path("akten/pruefung/", scan_views.scan_checks, name="records-scan-checks"),
    path("akten/pruefung/<uuid:scan_id>/", scan_views.scan_check, name="records-scan-check"),
    path("akten/pruefung/<uuid:scan_id>/pdf/", scan_views.scan_pdf, name="records-scan-pdf"),
    path(
        "akten/pruefung/<uuid:scan_id>/original-vernichtet/",
        scan_views.scan_original_destroyed,
        name="records-scan-original",
    ),
    path(
        "akten/<uuid:file_id>/akteneinsicht/",
        inspection_views.inspections,
        name="records-inspections",
    ),
    path(
        "akten/<uuid:file_id>/akteneinsicht/<uuid:grant_id>/widerrufen/",
        inspection_views.inspection_revoke,
        name="records-inspection-revoke",
    ),
    path("aufgaben/", workflow_views.task_list, name="tasks"),
    path("aufgaben/<uuid:item_id>/", workflow_views.task_detail, name="task"),
    path("aufgaben/<uuid:item_id>/uebernehmen/", workflow_views.task_claim, name="task-claim"),
    path("aufgaben/<uuid:item_id>/zurueckgeben/", workflow_views.task_return, name="task-return"),
    path("aufgaben/<uuid:item_id>/zuweisen/", workflow_views.task_assign, name="task-assign"),
    path("aufgaben/<uuid:item_id>/erledigen/", workflow_views.task_complete, name="task-complete"),
    path("prozessmodelle/", workflow_views.process_models, name="process-models"),
    path(
        "prozessmodelle/neue-version/",
        workflow_views.process_version_upload,
        name="process-version-upload",
    ),
    path(
        "prozessmodelle/versionen/<uuid:version_id>/",
        workflow_views.process_version,
        name="process-version",
    ),
    path(
        "prozessmodelle/versionen/<uuid:version_id>/dateien/<str:name>",
        workflow_views.process_version_file,
        name="process-version-file",
    ),
    path(
        "prozessmodelle/versionen/<uuid:version_id>/veroeffentlichen/",
        workflow_views.process_version_publish,
        name="process-version-publish",
    ),
    path(
        "prozessmodelle/versionen/<uuid:version_id>/laufende-faelle/",
        workflow_views.process_version_migrate,
        name="process-version-migrate",
    ),
    path(
        "bescheide/vorlagen/<uuid:service_id>/",
        decision_views.templates,
        name="decision-templates",
    ),
    path(
        "bescheide/vorlagen/versionen/<uuid:version_id>/",
        decision_views.version,
        name="decision-version",
    ),
    path(
        "bescheide/vorlagen/versionen/<uuid:version_id>/vorschau.pdf",
        decision_views.version_preview,
        name="decision-version-preview",
    ),
    path(
        "bescheide/vorlagen/versionen/<uuid:version_id>/veroeffentlichen/",
        decision_views.version_publish,
        name="decision-version-publish",
    ),
    path("bescheide/postausgang/", decision_views.post_queue, name="decision-post-queue"),
    path("bescheide/<uuid:decision_id>/pdf/", decision_views.decision_pdf, name="decision-pdf"),
    path(
        "bescheide/<uuid:decision_id>/zur-post/",
        decision_views.decision_posted,
        name="decision-posted",
    ),
]
