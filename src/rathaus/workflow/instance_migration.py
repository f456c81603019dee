"""Migration of running instances to another version of their process model (issue 12:
"running instances keep their version, migration of running instances is an explicit,
audited action").

Only the Fachadministration (or the system administration, or an operator's command) moves an
instance, and only to the published version of the same process model. The engine state is
re-created on the new version's specs with SpiffWorkflow's own helpers
(`SpiffWorkflow.bpmn.util.diff`: elements are matched by their BPMN id): the data and the
completed path stay, the tasks that are active (a clerk's task, a waiting timer or message)
keep their place and their engine ids — so their work items stay — and what comes after them
is predicted anew from the new version. An instance standing at an element the new version
does not have cannot move: the refusal names those elements.
"""

import dataclasses
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils.translation import gettext as _
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict

from .engine.compile import CompiledModel
from .engine.serializer import SERIALIZER
from .instances import _locked, _step, _workflow_of, compiled_version
from .model_versions import ensure_model_keeper
from .models import ModelVersion, ProcessInstance

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED


class MigrationRefused(Conflict):
    """The instance cannot move to the version (it stands where the version has nothing, or
    the version is no published version of its model)."""


@dataclass(frozen=True)
class MigrationPlan:
    """What a migration would do: `missing` names the active elements the target lacks
    (empty: the instance can move); `problem` says why it cannot otherwise."""

    instance_id: UUID
    case_reference: str
    from_number: int
    to_number: int
    active: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    problem: str = ""

    @property
    def movable(self) -> bool:
        return not self.missing and not self.problem


def _bpmn_id(task: Any) -> str:
    return str(getattr(task.task_spec, "bpmn_id", None) or "")


def _diff(workflow: Any, target: CompiledModel) -> tuple[Any, dict[Any, Any], list[str]]:
    """SpiffWorkflow's diff of the instance against the target, and the active elements the
    target does not have."""
    top, subprocesses = diff_workflow(
        SERIALIZER.registry, workflow, target.spec, target.subprocess_specs
    )

    # SpiffWorkflow also aligns an element with a renamed one in its place; an instance only
    # keeps its place at the same BPMN id.
    def lacking(tasks: Any, spec: Any) -> set[str]:
        return {
            _bpmn_id(t)
            for t in tasks
            if t.state & ACTIVE and _bpmn_id(t) and (spec is None or _bpmn_id(t) not in spec)
        }

    missing = lacking(top.removed, None) | lacking(
        workflow.get_tasks(skip_subprocesses=True), target.spec.task_specs
    )
    for sp_id, sp_diff in subprocesses.items():
        subprocess = workflow.subprocesses[sp_id]
        if sp_diff is None:
            missing |= lacking(subprocess.get_tasks(), None)
        else:
            new_spec = target.subprocess_specs[subprocess.spec.name]
            missing |= lacking(sp_diff.removed, None) | lacking(
                subprocess.get_tasks(), new_spec.task_specs
            )
    return top, subprocesses, sorted(missing)


def _refusal(instance: ProcessInstance, version: ModelVersion) -> str:
    if version.process_model_id != instance.version.process_model_id:
        return _("The version belongs to another process model.")
    if version.status != ModelVersion.Status.PUBLISHED:
        return _("Instances move only to the published version of their model.")
    if instance.status != ProcessInstance.Status.RUNNING:
        return _("Only running instances can move to another version.")
    if instance.version_id == version.pk:
        return _("The instance runs this version already.")
    return ""


def instance_migration_plan(*, instance: ProcessInstance, version: ModelVersion) -> MigrationPlan:
    """What moving `instance` to `version` would do (nothing is changed)."""
    plan = MigrationPlan(
        instance_id=instance.pk,
        case_reference=instance.case.reference,
        from_number=instance.version.number,
        to_number=version.number,
        active=list(instance.active_elements),
    )
    problem = _refusal(instance, version)
    if problem:
        return dataclasses.replace(plan, problem=problem)
    _top, _subprocesses, missing = _diff(
        _workflow_of(instance, instance.case), compiled_version(version)
    )
    return dataclasses.replace(plan, missing=missing)


def _missing_message(plan: MigrationPlan) -> str:
    return _(
        "The instance of %(reference)s cannot move to version %(version)s: it stands at "
        "%(elements)s, which version %(version)s does not have."
    ) % {
        "reference": plan.case_reference,
        "version": plan.to_number,
        "elements": ", ".join(plan.missing),
    }


@transaction.atomic
def instance_migrate(
    *, actor: Actor, instance: ProcessInstance, version: ModelVersion
) -> ProcessInstance:
    """Move the running `instance` to `version` (the published version of its model),
    keeping its data, its path and the places of its active tasks with their work items;
    audited with both versions. MigrationRefused names the active elements the version does
    not have; NotPermitted unless the actor is the model's Fachadministration."""
    version = ModelVersion.objects.select_related("process_model__municipality").get(pk=version.pk)
    ensure_model_keeper(actor=actor, municipality=version.process_model.municipality)
    locked, case = _locked(instance.pk)
    locked = ProcessInstance.objects.select_related("version", "case").get(pk=locked.pk)
    problem = _refusal(locked, version)
    if problem:
        raise MigrationRefused(problem)
    workflow = _workflow_of(locked, case)
    target = compiled_version(version)
    top, subprocesses, missing = _diff(workflow, target)
    if missing:
        plan = MigrationPlan(
            instance_id=locked.pk,
            case_reference=case.reference,
            from_number=locked.version.number,
            to_number=version.number,
            missing=missing,
        )
        raise MigrationRefused(_missing_message(plan))
    # Sub-processes first: the top workflow's reset may remove a sub-process it predicted.
    for sp_id, sp_diff in subprocesses.items():
        subprocess = workflow.subprocesses.get(sp_id)
        if subprocess is not None and sp_diff is not None:
            migrate_workflow(sp_diff, subprocess, target.subprocess_specs[subprocess.spec.name])
    migrate_workflow(top, workflow, target.spec)
    workflow.subprocess_specs = target.subprocess_specs
    previous = locked.version
    locked.version = version
    locked.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=actor,
        action="workflow.instance_migrated",
        obj=case,
        municipality=case.municipality_id,
        details={
            "instance": str(locked.pk),
            "from_version": previous.number,
            "to_version": version.number,
            "from_version_id": str(previous.pk),
            "to_version_id": str(version.pk),
            "active": list(locked.active_elements),
        },
    )
    _step(locked, workflow, case=case)
    return locked


def instances_to_migrate(*, version: ModelVersion) -> list[ProcessInstance]:
    """The running instances of the version's model that run another version."""
    return list(
        ProcessInstance.objects.filter(
            version__process_model_id=version.process_model_id,
            status=ProcessInstance.Status.RUNNING,
        )
        .exclude(version=version)
        .select_related("version", "case")
        .order_by("created_at")
    )
