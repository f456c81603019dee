"""Process instances of cases: started when a case opens (its service has a published model),
advanced in background jobs through the outbox, and by clerks completing their work items.

Every change of an instance runs in one transaction with the instance's row locked: the state
is loaded, the engine steps (`engine.runner`: actions of service tasks write their effects in
this same transaction), the state and the work items are stored. A worker that dies in the
middle leaves nothing half done, and the retried job does the step once.
"""

import functools
import logging
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.cases import selectors as case_selectors
from rathaus.cases.models import Case
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict, DomainError, NotFound, NotPermitted
from rathaus.core.outbox import outbox_hasten

from .actions import ActionContext, ActionRefused
from .actions import registry as actions
from .bpmn import ModelFile, model_check
from .engine.compile import CompiledModel, model_compile
from .engine.runner import (
    EngineError,
    OpenTask,
    Step,
    work_complete,
    workflow_advance,
    workflow_create,
)
from .engine.serializer import workflow_dump, workflow_load
from .instance_state import STATE_FIELDS, state_open, state_seal
from .message_events import MESSAGE_OFFER_TOPIC, waits_for_a_message
from .models import ModelVersion, ProcessInstance, WorkItem
from .selectors import work_item_authors

SYSTEM = Actor.system("workflow")
log = logging.getLogger(__name__)


def version_for(*, municipality_id: UUID, service_id: UUID) -> ModelVersion | None:
    """The published model version that new cases of this service start: the municipality's
    own, else the installation's."""
    published = ModelVersion.objects.filter(
        status=ModelVersion.Status.PUBLISHED, process_model__service_id=service_id
    ).filter(
        Q(process_model__municipality_id=municipality_id)
        | Q(process_model__municipality__isnull=True)
    )
    # The municipality's own model first, the installation's after it.
    return (
        published.order_by(F("process_model__municipality").asc(nulls_last=True), "-number")
        .select_related("process_model")
        .first()
    )


@functools.lru_cache(maxsize=32)
def _compiled(version_id: UUID, files_key: str) -> CompiledModel:
    version = ModelVersion.objects.get(pk=version_id)
    report = model_check(
        bpmn=[
            ModelFile(f["name"], f["text"].encode()) for f in version.files if f["kind"] == "bpmn"
        ],
        dmn=[ModelFile(f["name"], f["text"].encode()) for f in version.files if f["kind"] == "dmn"],
    )
    if not report.runnable or report.main_process is None:
        raise EngineError(_("The model version cannot be run: %s") % "; ".join(report.lines()))
    return model_compile(
        bpmn=report.trees, dmn_by_decision=report.decisions, main=report.main_process
    )


def compiled_version(version: ModelVersion) -> CompiledModel:
    """The engine's specs of a model version (cached: a version's files never change)."""
    return _compiled(version.pk, ",".join(f["sha256"] for f in version.files))


def case_data(case: Case) -> dict[str, Any]:
    """What a new instance knows about its case: its keys and what the app that opened it
    gives (`cases.selectors.case_data`: the application's data, computed values, fee)."""
    return {
        **case_selectors.case_data(case=case),
        "case_reference": case.reference,
        "service": str(case.service_id),
        "office": str(case.office_id),
        "municipality": str(case.municipality_id),
    }


def instance_start(*, case_id: UUID) -> ProcessInstance | None:
    """Start the process of a newly opened case (None: its service has no published model).
    Idempotent: a case gets one instance. A model that cannot run leaves a failed instance
    with the problem (shown to the staff) instead of being retried."""
    try:
        return _instance_start(case_id)
    except EngineError as error:
        log.warning("the process of case %s could not start: %s", case_id, error)
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=case_id)
            version = version_for(municipality_id=case.municipality_id, service_id=case.service_id)
            existing = ProcessInstance.objects.filter(case=case).first()
            if existing is not None or version is None:
                return existing
            return ProcessInstance.objects.create(
                case=case,
                version=version,
                status=ProcessInstance.Status.FAILED,
                problem=str(error)[:2000],
            )


@transaction.atomic
def _instance_start(case_id: UUID) -> ProcessInstance | None:
    case = Case.objects.select_for_update().get(pk=case_id)
    existing = ProcessInstance.objects.filter(case=case).first()
    if existing is not None:
        return existing
    version = version_for(municipality_id=case.municipality_id, service_id=case.service_id)
    if version is None:
        return None
    compiled = compiled_version(version)
    workflow = workflow_create(compiled.spec, compiled.subprocess_specs, case_data(case))
    instance = ProcessInstance.objects.create(case=case, version=version)
    audit_record(
        actor=SYSTEM,
        action="workflow.instance_started",
        obj=case,
        details={"instance": str(instance.pk), "version": version.number},
    )
    _step(instance, workflow, case=case)
    return instance


def _step(instance: ProcessInstance, workflow: Any, *, case: Case) -> Step:
    """Advance the loaded instance and store it with its work items (the row is locked)."""

    def run(task: OpenTask, data: dict[str, Any]) -> dict[str, Any] | None:
        if task.action not in actions:
            raise ActionRefused(
                _("The action %(action)s is not available.") % {"action": task.action}
            )
        context = ActionContext(
            instance=instance,
            case=case,
            task_id=task.id,
            element=task.element,
            data=data,
            parameters=dict(task.parameters),
        )
        try:
            result = actions.get(task.action)(context)
        except DomainError as error:  # the case refuses what the model asks (a status …)
            raise ActionRefused(
                _("%(element)s: %(problem)s") % {"element": task.element, "problem": error}
            ) from None
        audit_record(
            actor=SYSTEM,
            action="workflow.action_performed",
            obj=case,
            details={"instance": str(instance.pk), "element": task.element, "action": task.action},
        )
        return result

    step = workflow_advance(workflow, action_run=run)
    state_seal(instance, workflow_dump(workflow), municipality=case.municipality)
    instance.wake_at = step.wake_at
    if step.finished:
        instance.status = ProcessInstance.Status.COMPLETED
    instance.active_elements, instance.completed_elements = _elements(workflow)
    instance.save(
        update_fields=[
            *STATE_FIELDS,
            "wake_at",
            "status",
            "active_elements",
            "completed_elements",
            "updated_at",
        ]
    )
    _work_items_sync(instance, case, step.work)
    if not step.finished and waits_for_a_message(workflow):
        # A message that came before the instance waited for it is offered again now, not
        # at its next scheduled offer (instance_messages.message_deliver_or_later).
        outbox_hasten(topic=MESSAGE_OFFER_TOPIC, key="case", values=[str(case.pk)])
    return step


def _elements(workflow: Any) -> tuple[list[str], list[str]]:
    from SpiffWorkflow.util.task import TaskState

    active, completed = set(), set()
    for task in workflow.get_tasks():
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if not bpmn_id:
            continue
        if task.state in (TaskState.READY, TaskState.WAITING, TaskState.STARTED):
            active.add(bpmn_id)
        elif task.state == TaskState.COMPLETED:
            completed.add(bpmn_id)
    return sorted(active), sorted(completed)


def _work_items_sync(instance: ProcessInstance, case: Case, work: list[OpenTask]) -> None:
    """Open a work item for every new user task; cancel those whose task is gone (a boundary
    timer interrupted it, the process ended)."""
    open_items = {w.task_id: w for w in instance.work_items.filter(status=WorkItem.Status.OPEN)}
    waiting = {task.id for task in work}
    for task in work:
        if task.id not in open_items:
            WorkItem.objects.create(
                instance=instance,
                case=case,
                office_id=case.office_id,
                task_id=task.id,
                element=task.element,
                name=task.name[:300],
                roles=list(task.roles),
                form=task.form,
                due_at=task.due,
                approves=task.approves,
            )
    gone = [item.pk for task_id, item in open_items.items() if task_id not in waiting]
    if gone:
        WorkItem.objects.filter(pk__in=gone).update(status=WorkItem.Status.CANCELLED)


def _locked(instance_id: UUID) -> tuple[ProcessInstance, Case]:
    instance = (
        ProcessInstance.objects.select_for_update(of=("self",))
        .select_related("case__municipality")
        .filter(pk=instance_id)
        .first()
    )
    if instance is None:
        raise NotFound(_("No such process instance."))
    return instance, instance.case


def _workflow_of(instance: ProcessInstance, case: Case) -> Any:
    """The engine's workflow of `instance`, from its encrypted state."""
    return workflow_load(state_open(instance, municipality=case.municipality))


def instance_advance(*, instance_id: UUID) -> ProcessInstance:
    """Let a running instance go on (its timers due, a retried step). A step the model makes
    impossible stops the instance with the problem (shown to the staff)."""
    try:
        with transaction.atomic():
            instance, case = _locked(instance_id)
            if instance.status == ProcessInstance.Status.RUNNING:
                _step(instance, _workflow_of(instance, case), case=case)
            return instance
    except EngineError as error:
        log.warning("instance %s stopped: %s", instance_id, error)
        ProcessInstance.objects.filter(pk=instance_id).update(
            status=ProcessInstance.Status.FAILED, problem=str(error)[:2000]
        )
        return ProcessInstance.objects.get(pk=instance_id)


@transaction.atomic
def work_item_complete(*, actor: Actor, item_id: UUID, data: dict[str, Any]) -> WorkItem:
    """A clerk completes a work item with the form's data; the process goes on."""
    item = _item_locked(actor, item_id)
    if item.assignee_id is not None and item.assignee_id != actor.user.pk:
        raise Conflict(_("Another clerk is working on this task."))
    _four_eyes_ensure(item, actor.user)
    instance, case = _locked(item.instance_id)
    workflow = _workflow_of(instance, case)
    try:
        work_complete(workflow, task_id=item.task_id, data=data)
    except EngineError as error:
        raise Conflict(str(error)) from None
    item.status = WorkItem.Status.DONE
    item.completed_by = actor.user
    item.assignee = item.assignee or actor.user
    item.completed_at = timezone.now()
    item.result = data
    item.save(
        update_fields=["status", "completed_by", "assignee", "completed_at", "result", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="workflow.task_completed",
        obj=case,
        details={"instance": str(instance.pk), "element": item.element, "item": str(item.pk)},
    )
    try:
        _step(instance, workflow, case=case)
    except EngineError as error:
        raise Conflict(_("The process cannot go on: %(problem)s") % {"problem": error}) from None
    return item


def instances_wake(*, limit: int = 500) -> int:
    """Advance the running instances whose earliest timer is due, each in its own
    transaction; one that fails is logged and left for the next run."""
    from .engine import clock

    due = list(
        ProcessInstance.objects.filter(
            status=ProcessInstance.Status.RUNNING, wake_at__lte=clock.now()
        )
        .order_by("wake_at")
        .values_list("pk", flat=True)[:limit]
    )
    advanced = 0
    for instance_id in due:
        try:
            instance_advance(instance_id=instance_id)
            advanced += 1
        except Exception:  # one broken instance does not stop the others
            log.exception("instance %s could not go on", instance_id)
    return advanced


def _four_eyes_ensure(item: WorkItem, user: Any) -> None:
    """The approver is never the author (Mitzeichnung/Zeichnung), whatever the roles."""
    if user.pk in work_item_authors(item=item):
        raise NotPermitted(
            _("You did the work this task approves; a second person must approve it.")
        )


def _item_locked(actor: Actor, item_id: UUID) -> WorkItem:
    from .permissions import ensure_work_item_access

    item = WorkItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("No such task."))
    ensure_work_item_access(actor=actor, item=item)
    if item.status != WorkItem.Status.OPEN:
        raise Conflict(_("The task is done already."))
    return item


@transaction.atomic
def work_item_claim(*, actor: Actor, item_id: UUID) -> WorkItem:
    """A clerk takes an unassigned task of the queue. Of two clerks claiming at once, the
    second finds it taken (Conflict): the row is locked while it is claimed."""
    item = _item_locked(actor, item_id)
    if item.assignee_id == actor.user.pk:
        return item
    if item.assignee_id is not None:
        raise Conflict(_("Another clerk took this task."))
    _four_eyes_ensure(item, actor.user)
    item.assignee = actor.user
    item.save(update_fields=["assignee", "updated_at"])
    audit_record(
        actor=actor,
        action="workflow.task_claimed",
        obj=item.case,
        details={"item": str(item.pk), "element": item.element},
    )
    return item


@transaction.atomic
def work_item_assign(*, actor: Actor, item_id: UUID, assignee: Any | None) -> WorkItem:
    """Give a task to a clerk of the office who holds its role (delegate), or back to the
    queue (`assignee` None: return). The assignee may return their own task; the team lead
    assigns any."""
    from rathaus.staff.permissions import office_access_allowed

    from .permissions import CASE_ROLES

    item = _item_locked(actor, item_id)
    is_lead = office_access_allowed(user=actor.user, office=item.office, roles=[CASE_ROLES[1]])
    if not is_lead and item.assignee_id not in (None, actor.user.pk):
        raise Conflict(_("Another clerk is working on this task."))
    if assignee is not None:
        roles = item.roles or list(CASE_ROLES)
        if not office_access_allowed(user=assignee, office=item.office, roles=roles):
            raise Conflict(_("The clerk does not hold the task's role in this office."))
        _four_eyes_ensure(item, assignee)
    item.assignee = assignee
    item.save(update_fields=["assignee", "updated_at"])
    audit_record(
        actor=actor,
        action="workflow.task_assigned",
        obj=item.case,
        details={
            "item": str(item.pk),
            "element": item.element,
            "assignee": str(assignee.pk) if assignee is not None else None,
        },
    )
    return item
