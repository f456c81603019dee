"""Writes of the FIM plugin: a form definition draft from an XDatenfelder document."""

from typing import Any

from django.db import transaction

from rathaus.applications.form_schema import definition_errors
from rathaus.applications.models import FormDefinition
from rathaus.applications.services import FormDefinitionInvalid, form_definition_create
from rathaus.catalog.models import Service
from rathaus.contrib.fim.xdatenfelder import ReportEntry, xdatenfelder_import
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record


def fim_document_check(*, document: bytes) -> tuple[dict[str, Any], list[ReportEntry]]:
    """The form definition an XDatenfelder document becomes, and the import report, without
    writing anything. Raises FimImportError for a refused document and FormDefinitionInvalid
    when the result would not be a usable definition."""
    definition, report = xdatenfelder_import(document)
    errors = definition_errors(schema=definition["schema"], ui=definition["ui"])
    if errors:
        raise FormDefinitionInvalid(errors)
    return definition, report


@transaction.atomic
def fim_form_definition_import(
    *, service: Service, document: bytes, actor: Actor
) -> tuple[FormDefinition, list[ReportEntry]]:
    """Create the next draft version of the form of `service` from an XDatenfelder document.

    The draft is created by `form_definition_create` (permission check, validation, audit),
    like every other form definition; the import adds its provenance to the audit trail.
    """
    definition, report = fim_document_check(document=document)
    created = form_definition_create(
        service=service, schema=definition["schema"], ui=definition["ui"], actor=actor
    )
    audit_record(
        actor=actor,
        action="form_definition.import",
        obj=created,
        details={**definition["ui"]["source"], "report_lines": len(report)},
    )
    return created, report
