"""Which BPMN message events a process instance waits for (its message catch events,
receive tasks, boundary events and the events of an event-based gateway), read off the
engine's tasks; shared by the instance's step and the delivery of messages."""

from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

# An outbox message offering a BPMN message to an instance that did not wait for it yet.
MESSAGE_OFFER_TOPIC = "workflow.message.deliver"


def event_definitions(definition: Any) -> list[Any]:
    """The event definitions of a task spec's `event_definition` (an event-based gateway's
    MultipleEventDefinition waits for several at once)."""
    return list(getattr(definition, "event_definitions", None) or [definition])


def waits_for_a_message(workflow: Any) -> bool:
    """Whether some task of `workflow` waits for a BPMN message now."""
    for task in workflow.get_tasks(state=TaskState.WAITING):
        for definition in event_definitions(getattr(task.task_spec, "event_definition", None)):
            if isinstance(definition, MessageEventDefinition):
                return True
    return False
