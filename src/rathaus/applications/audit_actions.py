"""Audit actions of applications: forms, drafts, submissions, attachments."""

from rathaus.core.audit_actions import register_actions

register_actions(
    "applications",
    {
        "form_definition.create": "A form definition (a service's application form) was created.",
        "form_definition.update": "A form definition's draft version was changed.",
        "form_definition.import": "A form definition was imported (e.g. from FIM).",
        "form_definition.publish": "A form definition version was published.",
        "draft.create": "A person started an application (draft).",
        "draft.save_step": "A step of a draft was saved (field names, not values).",
        "draft.declarations": "Declarations of a draft were accepted.",
        "draft.delete": "A person deleted their draft.",
        "draft.expire": "An unsubmitted draft was deleted after its retention period.",
        "draft.expiry_reminder": "The applicant was reminded of a draft about to expire.",
        "draft.payment_start": "The fee of a draft was started with a payment provider.",
        "attachment.add": "A file was attached to a draft.",
        "attachment.remove": "An attachment was removed from a draft.",
        "attachment.scan": "An attachment was scanned for viruses (the result in details).",
        "submission.create": "A draft was submitted (reference number assigned).",
        "submission.receipt": "The receipt (Eingangsbestätigung) of a submission was created.",
        "submission.handover.start": "The hand-over to the specialist system was started.",
        "submission.handover": "A submission was handed over to the specialist system.",
        "submission.status": "The processing status of a submission changed.",
        "submission.acknowledge": "A specialist system acknowledged receipt of a submission.",
        "submission.document_request": "Further documents were requested from the applicant.",
        "submission.document_request.fulfil": "A document request was fulfilled.",
        "submission.document_request.cancel": "A document request was cancelled.",
        "submission.notification_sent": "The applicant was notified of a change.",
        "submission.notification_skipped": "A notification was not sent (reason in details).",
        "proxy.use.submission": "A proxy submitted an application on behalf of its principal.",
    },
)
