"""Process models as files: a version is uploaded (BPMN files made in bpmn.io or Camunda
Modeler, with the DMN files they use and the task forms `NAME.form.json` their user tasks
name, see `workflow.forms`), checked (`bpmn.model_check`) and, when the engine can
run it, published by the Fachadministration; new cases start the latest published version,
running instances keep the version they started with."""

import hashlib
from uuid import UUID

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.catalog.models import Service
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict, DomainError, NotPermitted
from rathaus.municipalities.models import Municipality
from rathaus.staff.models import Role
from rathaus.staff.selectors import municipality_ids_with_role, sees_all_offices

from .bpmn import ModelFile, model_check
from .forms import is_form_file
from .models import ModelVersion, ProcessModel

MODEL_ROLES = (Role.SPECIALIST_ADMIN, Role.SYSTEM_ADMIN)
MAX_FILE_BYTES = 2 * 1024 * 1024


def ensure_model_keeper(*, actor: Actor, municipality: Municipality | None) -> None:
    """NotPermitted unless `actor` keeps process models of `municipality` (Fachadministration
    or system administration there; installation-wide models: whoever sees every office)."""
    if actor.is_system:
        return
    user = actor.user if actor.is_person else None
    if user is not None and sees_all_offices(user=user):
        return
    if (
        user is not None
        and municipality is not None
        and any(
            municipality.pk in municipality_ids_with_role(user=user, role=role)
            for role in MODEL_ROLES
        )
    ):
        return
    raise NotPermitted(_("Only the specialist administration keeps process models."))


def _kind(name: str) -> str:
    """A file's kind in `ModelVersion.files`: "bpmn", "dmn" or "form" (a task form)."""
    if is_form_file(name):
        return "form"
    return "dmn" if name.lower().endswith(".dmn") else "bpmn"


@transaction.atomic
def version_upload(
    *,
    actor: Actor,
    service: Service,
    municipality: Municipality | None,
    files: list[ModelFile],
    note: str = "",
) -> ModelVersion:
    """Store and check a new version of the process of `service` (a draft, runnable or not:
    the check report says what to fix)."""
    ensure_model_keeper(actor=actor, municipality=municipality)
    if not files:
        raise DomainError(_("Please choose the model's BPMN file."), field="files")
    for file in files:
        if len(file.data) > MAX_FILE_BYTES:
            raise DomainError(
                _("“%(name)s” is larger than 2 MB.") % {"name": file.name}, field="files"
            )
        if file.name.lower().endswith(".json") and not is_form_file(file.name):
            raise DomainError(
                _(
                    "“%(name)s” is no task form: name a form file after the form key of its "
                    "task, NAME.form.json."
                )
                % {"name": file.name},
                field="files",
            )
        if not is_form_file(file.name) and not file.name.lower().endswith(
            (".bpmn", ".dmn", ".xml")
        ):
            raise DomainError(
                _("“%(name)s” is no BPMN or DMN file (.bpmn, .dmn).") % {"name": file.name},
                field="files",
            )
    stored = []
    for file in files:
        try:
            text = file.data.decode("utf-8")
        except UnicodeDecodeError:
            raise DomainError(
                _("“%(name)s” is not UTF-8 text.") % {"name": file.name}, field="files"
            ) from None
        stored.append(
            {
                "name": file.name,
                "kind": _kind(file.name),
                "sha256": hashlib.sha256(file.data).hexdigest(),
                "text": text,
            }
        )
    bpmn = [ModelFile(f["name"], f["text"].encode()) for f in stored if f["kind"] == "bpmn"]
    dmn = [ModelFile(f["name"], f["text"].encode()) for f in stored if f["kind"] == "dmn"]
    forms = [ModelFile(f["name"], f["text"].encode()) for f in stored if f["kind"] == "form"]
    report = model_check(bpmn=bpmn, dmn=dmn, forms=forms)
    model, _created = ProcessModel.objects.get_or_create(municipality=municipality, service=service)
    ProcessModel.objects.filter(pk=model.pk).update(versions_issued=F("versions_issued") + 1)
    model.refresh_from_db(fields=["versions_issued"])
    version = ModelVersion.objects.create(
        process_model=model,
        number=model.versions_issued,
        files=stored,
        main_process=report.main_process or "",
        check_report=report.lines(),
        runnable=report.runnable,
        note=" ".join(note.split())[:500],
        uploaded_by=actor.user if actor.is_person else None,
    )
    audit_record(
        actor=actor,
        action="workflow.version_upload",
        obj=version,
        municipality=municipality,
        details={
            "service": str(service.pk),
            "version": version.number,
            "files": [{"name": f["name"], "sha256": f["sha256"]} for f in stored],
            "runnable": report.runnable,
        },
    )
    return version


@transaction.atomic
def version_publish(*, actor: Actor, version_id: UUID) -> ModelVersion:
    """Publish a runnable draft: new cases of the service start it; the version published
    before is retired (its running instances go on with it)."""
    version = (
        ModelVersion.objects.select_for_update(of=("self",))
        .select_related("process_model__municipality")
        .get(pk=version_id)
    )
    ensure_model_keeper(actor=actor, municipality=version.process_model.municipality)
    if version.status != ModelVersion.Status.DRAFT:
        raise Conflict(_("Only a draft can be published."))
    if not version.runnable:
        raise Conflict(_("The engine cannot run this version; see the check."))
    ModelVersion.objects.filter(
        process_model=version.process_model, status=ModelVersion.Status.PUBLISHED
    ).update(status=ModelVersion.Status.RETIRED)
    version.status = ModelVersion.Status.PUBLISHED
    version.published_by = actor.user if actor.is_person else None
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_by", "published_at", "updated_at"])
    audit_record(
        actor=actor,
        action="workflow.version_publish",
        obj=version,
        municipality=version.process_model.municipality,
        details={"version": version.number, "main_process": version.main_process},
    )
    return version
