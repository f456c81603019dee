"""Running a SpiffWorkflow instance one step: everything the engine can do alone, the actions
of service tasks (through the caller's `action_run`, in the caller's transaction), until only
clerks' work, messages and timers remain.

No database here: `workflow.instances` loads and stores the instance around these calls, so a
worker that dies in the middle leaves the stored state as it was and the next run repeats the
step (issue 12 §6: "a worker killed during a step re-runs it without double effects" — the
actions' effects are written in the same transaction as the state).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from .expressions import FEEL_ENGINE
from .specs import ActionTask, ManualWorkTask, WorkTask
from .timer_events import CycleTimer, DateTimer, DurationTimer

# Enough for any sane model; a loop of automatic steps beyond it is a modelling error.
MAX_ROUNDS = 500


class EngineError(RuntimeError):
    """The model cannot go on (a loop without end, an action that refuses); the message
    names the element."""


@dataclass(frozen=True)
class OpenTask:
    """A task that waits for someone: a clerk (`work`) or the runner (`action`)."""

    id: str
    element: str
    name: str
    kind: str  # "work" or "action"
    roles: tuple[str, ...] = ()
    form: str = ""
    action: str = ""
    parameters: tuple[tuple[str, str], ...] = ()
    due: dt.datetime | None = None  # the earliest interrupting timer on the task
    approves: str = ""  # the element whose author may not complete this one (four eyes)


@dataclass
class Step:
    work: list[OpenTask] = field(default_factory=list)
    performed: list[OpenTask] = field(default_factory=list)
    wake_at: dt.datetime | None = None
    finished: bool = False


def _open(task: Any) -> OpenTask:
    spec = task.task_spec
    extensions = spec.extensions or {}
    kind = "action" if isinstance(spec, ActionTask) else "work"
    return OpenTask(
        id=str(task.id),
        element=spec.bpmn_id,
        name=spec.bpmn_name or spec.bpmn_id,
        kind=kind,
        roles=tuple(extensions.get("roles") or ()),
        form=extensions.get("form") or "",
        action=extensions.get("action") or "",
        parameters=tuple(sorted((extensions.get("parameters") or {}).items())),
        due=_deadline(task) if kind == "work" else None,
        approves=extensions.get("approves") or "",
    )


def _deadline(task: Any) -> dt.datetime | None:
    """When an interrupting timer on the task ends it (the statutory deadline), if one does:
    the task's siblings under its boundary-event split are the waiting boundary events."""
    parent = task.parent
    if parent is None or not isinstance(parent.task_spec, BoundaryEventSplit):
        return None
    due = []
    for sibling in parent.children:
        definition = getattr(sibling.task_spec, "event_definition", None)
        interrupting = getattr(sibling.task_spec, "cancel_activity", False)
        if interrupting and isinstance(definition, DateTimer | DurationTimer):
            due.append(definition.due(sibling))
    return min(due) if due else None


def workflow_create(
    spec: Any, subprocess_specs: dict[str, Any], data: dict[str, Any]
) -> BpmnWorkflow:
    """A new instance of the process, with the case's data as its start data."""
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=FEEL_ENGINE)
    workflow.data.update(data)
    start = workflow.get_tasks(state=TaskState.READY)
    for task in start:
        task.data.update(data)
    return workflow


ActionRun = Callable[[OpenTask, dict[str, Any]], dict[str, Any] | None]


def workflow_advance(workflow: BpmnWorkflow, *, action_run: ActionRun) -> Step:
    """Run what needs nobody; perform ready actions with `action_run(task, data)` (its result
    is merged into the task's data); return the work that waits and the next timer."""
    step = Step()
    for _ in range(MAX_ROUNDS):
        workflow.refresh_timers()
        workflow.do_engine_steps()
        actions = [
            t
            for t in workflow.get_tasks(state=TaskState.READY)
            if isinstance(t.task_spec, ActionTask)
        ]
        if not actions:
            break
        for task in actions:
            opened = _open(task)
            result = action_run(opened, task.data)
            if result:
                task.data.update(result)
            task.run()
            step.performed.append(opened)
    else:
        raise EngineError("The process runs in a loop of automatic steps without end.")
    step.work = [
        _open(t)
        for t in workflow.get_tasks(state=TaskState.READY)
        if isinstance(t.task_spec, WorkTask | ManualWorkTask)
    ]
    step.wake_at = timers_due(workflow)
    step.finished = workflow.is_completed()
    return step


def timers_due(workflow: BpmnWorkflow) -> dt.datetime | None:
    """When the earliest waiting timer of the instance is due (None: no timer waits)."""
    due = []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        # An event-based gateway waits for several events at once.
        definitions = getattr(definition, "event_definitions", None) or [definition]
        for timer in definitions:
            if isinstance(timer, DateTimer | DurationTimer | CycleTimer):
                moment = timer.due(task)
                if moment is not None:
                    due.append(moment)
    return min(due) if due else None


def work_complete(workflow: BpmnWorkflow, *, task_id: str, data: dict[str, Any]) -> None:
    """A clerk finished a task: its data go into the instance and the task completes."""
    task = workflow.get_task_from_id(_uuid(task_id))
    if task is None or task.state != TaskState.READY:
        raise EngineError("The task is no longer open.")
    task.data.update(data)
    task.run()


def message_deliver(workflow: BpmnWorkflow, *, name: str, payload: dict[str, Any]) -> None:
    """A message for the instance (documents received, payment arrived …): a waiting message
    event or receive task with this message name continues, with `payload` in its data."""
    workflow.catch(BpmnEvent(MessageEventDefinition(name), payload))


def _uuid(value: str) -> Any:
    from uuid import UUID

    return UUID(str(value))
