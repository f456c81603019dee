"""The task specs our parser gives SpiffWorkflow for the elements with behaviour of our own.

Everything a step needs is in the spec's `extensions` (serialized with the instance, so a
running instance keeps the model version it started with):

- `ActionTask` (service and send tasks): `action`; it waits (manual) until the runner
  performs the action and completes it in the same transaction (`engine.runner`).
- `DecisionTask` (business rule tasks): `decision`, `dmn` (the DMN file's text) and
  `result_variable`; evaluated at once with our FEEL layer (`workflow.dmn`).
- `WorkTask` (user and manual tasks): `roles`, `form`; waits for a clerk (a work item).
- `PassTask` (plain `task`): BPMN leaves its behaviour open; it passes.
"""

from typing import Any

from SpiffWorkflow.bpmn.specs.defaults import ManualTask, NoneTask, UserTask
from SpiffWorkflow.bpmn.specs.mixins.bpmn_spec_mixin import BpmnSpecMixin


class ActionTask(BpmnSpecMixin):  # type: ignore[misc]
    def __init__(self, wf_spec: Any, bpmn_id: str, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = True


class DecisionTask(BpmnSpecMixin):  # type: ignore[misc]
    def _run_hook(self, my_task: Any) -> bool:
        from .decisions import decision_task_run

        decision_task_run(my_task)
        return True


class WorkTask(UserTask):  # type: ignore[misc]
    pass


class ManualWorkTask(ManualTask):  # type: ignore[misc]
    pass


class PassTask(NoneTask):  # type: ignore[misc]
    def __init__(self, wf_spec: Any, bpmn_id: str, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = False
