"""Writes of applications, the public face for the edges (see `__all__`): form definitions
(defined here: create, update (drafts only), publish) and, re-exported from the modules named
after them, drafts, their fee, uploads and the submission.

Permission: the actor must hold Fachadministration (Role.SPECIALIST_ADMIN) in an office that
is responsible for the service in some municipality (LocalService.responsible_office);
superusers pass; a system actor (imports, demo data) too. A service is shared
by all municipalities ("Einer für Alle"), so this interim rule lets any responsible office's
Fachadministration edit the one shared form; a finer rule belongs to the back office.
"""

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.applications.attachments import UploadRefused, attachment_add, attachment_remove
from rathaus.applications.draft_payments import NothingToPay, draft_payment_start
from rathaus.applications.drafts import (
    DraftClosed,
    DraftPaid,
    NotAvailableOnline,
    draft_accept_declarations,
    draft_delete,
    draft_delete_refusal,
    draft_save_step,
    draft_start,
    form_published_for,
)
from rathaus.applications.form_schema import FormError, definition_errors
from rathaus.applications.models import FormDefinition
from rathaus.applications.submissions import SubmissionIncomplete, submission_create
from rathaus.catalog.models import LocalService, Service
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict, DomainError
from rathaus.staff.models import Role
from rathaus.staff.permissions import StaffPermissionDenied, restrict_to_offices
from rathaus.staff.selectors import sees_all_offices


class FormDefinitionInvalid(DomainError):
    """The schema or UI layer has errors; `errors` lists them as (path, message)."""

    def __init__(self, errors: list[FormError]) -> None:
        super().__init__(
            _("The form definition is invalid: %(errors)s")
            % {"errors": "; ".join(f"{path}: {msg}" for path, msg in errors)}
        )
        self.errors = errors


class FormDefinitionImmutable(Conflict):
    """A published or retired definition cannot change; create a new version instead."""


def ensure_can_edit_forms(*, actor: Actor, service: Service) -> None:
    """Raise StaffPermissionDenied unless `actor` may edit the forms of `service`."""
    if actor.is_system or (actor.is_person and sees_all_offices(user=actor.user)):
        return
    responsible = LocalService.objects.filter(service=service)
    if (
        not actor.is_person
        or not restrict_to_offices(
            responsible, user=actor.user, roles=[Role.SPECIALIST_ADMIN]
        ).exists()
    ):
        raise StaffPermissionDenied(
            _("Only the Fachadministration of a responsible office may edit this form.")
        )


def _ensure_valid(*, schema: Any, ui: Any) -> None:
    errors = definition_errors(schema=schema, ui=ui)
    if errors:
        raise FormDefinitionInvalid(errors)


@transaction.atomic
def form_definition_create(
    *, service: Service, schema: dict[str, Any], ui: dict[str, Any], actor: Actor
) -> FormDefinition:
    """Create the next draft version of the form of `service` after validating it."""
    ensure_can_edit_forms(actor=actor, service=service)
    _ensure_valid(schema=schema, ui=ui)
    # The service row is the version counter's lock: concurrent creates for the same
    # service serialise here, and the unique constraint backs it up.
    Service.objects.select_for_update().only("pk").get(pk=service.pk)
    last = FormDefinition.objects.filter(service=service).aggregate(m=Max("version"))["m"]
    definition = FormDefinition.objects.create(
        service=service,
        version=(last or 0) + 1,
        schema=schema,
        ui=ui,
        created_by=actor.user,
    )
    audit_record(
        actor=actor,
        action="form_definition.create",
        obj=definition,
        details={"service": str(service.pk), "version": definition.version},
    )
    return definition


@transaction.atomic
def form_definition_update(
    *, definition: FormDefinition, schema: dict[str, Any], ui: dict[str, Any], actor: Actor
) -> FormDefinition:
    """Replace schema and UI layer of a draft; published versions are refused."""
    definition = FormDefinition.objects.select_for_update().get(pk=definition.pk)
    ensure_can_edit_forms(actor=actor, service=definition.service)
    if definition.status != FormDefinition.Status.DRAFT:
        raise FormDefinitionImmutable(
            _("Version %(v)s is no longer a draft; create a new version instead.")
            % {"v": definition.version}
        )
    _ensure_valid(schema=schema, ui=ui)
    definition.schema = schema
    definition.ui = ui
    definition.save(update_fields=["schema", "ui", "updated_at"])
    audit_record(
        actor=actor,
        action="form_definition.update",
        obj=definition,
        details={"version": definition.version},
    )
    return definition


@transaction.atomic
def form_definition_publish(*, definition: FormDefinition, actor: Actor) -> FormDefinition:
    """Publish a draft; the version published so far for the service is retired."""
    Service.objects.select_for_update().only("pk").get(pk=definition.service_id)
    definition = FormDefinition.objects.select_for_update().get(pk=definition.pk)
    ensure_can_edit_forms(actor=actor, service=definition.service)
    if definition.status != FormDefinition.Status.DRAFT:
        raise FormDefinitionImmutable(
            _("Version %(v)s is not a draft and cannot be published again.")
            % {"v": definition.version}
        )
    _ensure_valid(schema=definition.schema, ui=definition.ui)
    retired = list(
        FormDefinition.objects.filter(
            service_id=definition.service_id, status=FormDefinition.Status.PUBLISHED
        ).values_list("version", flat=True)
    )
    FormDefinition.objects.filter(
        service_id=definition.service_id, status=FormDefinition.Status.PUBLISHED
    ).update(status=FormDefinition.Status.RETIRED, updated_at=timezone.now())
    definition.status = FormDefinition.Status.PUBLISHED
    definition.published_at = timezone.now()
    definition.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(
        actor=actor,
        action="form_definition.publish",
        obj=definition,
        details={"version": definition.version, "retired_versions": retired},
    )
    return definition


# The public face of applications for the portal, /intern/ and the API: the writes (form
# definitions here; drafts, their fee, uploads and the submission re-exported from the modules
# named after them). Reads are `applications.selectors`, the form engine `applications.forms`.
__all__ = [
    "DraftClosed",
    "DraftPaid",
    "FormDefinitionImmutable",
    "FormDefinitionInvalid",
    "NotAvailableOnline",
    "NothingToPay",
    "SubmissionIncomplete",
    "UploadRefused",
    "attachment_add",
    "attachment_remove",
    "draft_accept_declarations",
    "draft_delete",
    "draft_delete_refusal",
    "draft_payment_start",
    "draft_save_step",
    "draft_start",
    "ensure_can_edit_forms",
    "form_definition_create",
    "form_definition_publish",
    "form_definition_update",
    "form_published_for",
    "submission_create",
]
