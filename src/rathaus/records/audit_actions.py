"""Audit actions of the records (E-Akte)."""

from rathaus.core.audit_actions import register_actions

register_actions(
    "records",
    {
        "records.plan_item_create": "An item of a municipality's file plan was created.",
        "records.plan_item_change": "An item of a file plan was changed (title, parent, "
        "retention, archive rule, active).",
        "records.plan_import": "A file plan was imported from CSV (the items are audited one "
        "by one as well).",
        "records.reference_pattern_set": "The file reference pattern of a municipality was set.",
        "records.file_create": "A file (Akte) was created under a file-plan item.",
        "records.file_close": "A file was closed (zdA) with a reason.",
        "records.file_reopen": "A closed file was reopened with a reason.",
        "records.case_file": "A case (Vorgang) was filed in a file.",
        "records.filing_rule_set": "Where an office's new cases (of a service, or by default) "
        "file themselves was set.",
        "records.case_move": "A case was moved to another file, with a reason.",
        "records.document_add": "A document was added to a file with its first version.",
        "records.version_add": "A new version of a document was added.",
        "records.document_read": "The content of a document version was read (viewed or "
        "downloaded).",
        "records.inspection_grant": "A participant was granted online inspection of documents "
        "of a file until a day (§8 EGovG).",
        "records.inspection_revoke": "A file inspection was revoked with a reason.",
        "records.inspection_read": "A participant read a document of their file inspection "
        "(a copy with the inspection mark).",
        "records.disposal_offer": "Due files were offered to the archive (xdomea 0501).",
        "records.disposal_evaluation": "The archive's evaluation of an offer was imported "
        "(xdomea 0502).",
        "records.disposal_transfer": "Files the archive takes were handed over (xdomea 0503).",
        "records.disposal_confirmation": "A confirmation of the archive was imported (xdomea "
        "0504, 0506, 0507).",
        "records.file_delete": "A file's contents were deleted when it left the records "
        "(archived, destroyed or handed over to another authority), with a deletion record.",
        "records.file_hand_over": "Files were handed over to another authority (xdomea 0401).",
        "records.file_hand_over_answer": "The receiving authority's answer to a hand-over was "
        "imported (xdomea 0402, 0403).",
        "records.xdomea_import": "Files of an xdomea hand-over (0401, 0503) were taken in "
        "(validated and virus-scanned first).",
        "records.scan_intake": "Scanned documents were taken in for replacement scanning.",
        "records.scan_check": "A second person checked a scanned document (§7 EGovG).",
        "records.scan_original_destroyed": "The paper original of a final scan was recorded "
        "as destroyed.",
    },
)
