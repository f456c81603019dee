"""Audit actions of the workflow."""

from rathaus.core.audit_actions import register_actions

register_actions(
    "workflow",
    {
        "workflow.version_upload": "A version of a process model (BPMN and DMN files) was "
        "uploaded and checked.",
        "workflow.version_publish": "A model version was published: new cases of the service "
        "start it.",
        "workflow.instance_started": "A case's process was started with a model version.",
        "workflow.instance_migrated": "A running instance was moved to another model version.",
        "workflow.action_performed": "A service task's action was performed by the process.",
        "workflow.task_completed": "A clerk completed a task of a case's process.",
        "workflow.task_claimed": "A clerk took a task of the queue.",
        "workflow.task_assigned": "A task was assigned to a clerk, or given back to the queue.",
        "workflow.message_received": "A message (a payment received, a hand-over done) let a "
        "case's waiting process go on.",
        "workflow.keys_rewrap": "The data keys of a municipality's process states were wrapped "
        "with its current key-encryption key.",
    },
)
