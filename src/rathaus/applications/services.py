"""Writes for form definitions: create, update (drafts only), publish.

Permission: the actor must hold Fachadministration (Role.SPECIALIST_ADMIN) in an office that
is responsible for the service in some municipality (LocalService.responsible_office);
superusers pass. `actor=None` is the system (imports, data migrations). A service is shared
by all municipalities ("Einer für Alle"), so this interim rule lets any responsible office's
Fachadministration edit the one shared form; a finer rule belongs to the back office.
"""

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.applications.form_schema import FormError, definition_errors
from rathaus.applications.models import FormDefinition
from rathaus.catalog.models import LocalService, Service
from rathaus.core.audit import audit_record
from rathaus.core.errors import DomainError
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


class FormDefinitionImmutable(DomainError):
    """A published or retired definition cannot change; create a new version instead."""


def ensure_can_edit_forms(*, actor: Any, service: Service) -> None:
    """Raise StaffPermissionDenied unless `actor` may edit the forms of `service`."""
    if actor is None or sees_all_offices(user=actor):
        return
    responsible = LocalService.objects.filter(service=service)
    if not restrict_to_offices(responsible, user=actor, roles=[Role.SPECIALIST_ADMIN]).exists():
        raise StaffPermissionDenied(
            _("Only the Fachadministration of a responsible office may edit this form.")
        )


def _ensure_valid(*, schema: Any, ui: Any) -> None:
    errors = definition_errors(schema=schema, ui=ui)
    if errors:
        raise FormDefinitionInvalid(errors)


@transaction.atomic
def form_definition_create(
    *, service: Service, schema: dict[str, Any], ui: dict[str, Any], actor: Any
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
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
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
    *, definition: FormDefinition, schema: dict[str, Any], ui: dict[str, Any], actor: Any
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
def form_definition_publish(*, definition: FormDefinition, actor: Any) -> FormDefinition:
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
