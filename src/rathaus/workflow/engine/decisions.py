"""Business rule tasks: the DMN decision evaluated on the instance's data (`workflow.dmn`).

The result goes into the data under the task's result variable (Camunda's `resultVariable`),
else under the decision's id; the DMN text travels in the spec, so an instance evaluates the
decision table of the model version it started with.
"""

import functools
import hashlib
from typing import Any

from ..dmn import DecisionModel, decision_evaluate, dmn_load


@functools.lru_cache(maxsize=64)
def _model(sha256: str, text: str) -> DecisionModel:
    return dmn_load(text.encode())


def decision_task_run(my_task: Any) -> None:
    """Evaluate the task's decision and store its result in the task's data."""
    extensions = my_task.task_spec.extensions
    text = extensions["dmn"]
    model = _model(hashlib.sha256(text.encode()).hexdigest(), text)
    result = decision_evaluate(model=model, decision=extensions["decision"], inputs=my_task.data)
    my_task.data[extensions.get("result_variable") or extensions["decision"]] = result
