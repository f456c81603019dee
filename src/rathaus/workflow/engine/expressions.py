"""Expressions in process models are FEEL (sequence-flow conditions, timers given by an
expression), evaluated by our FEEL layer (`workflow.dmn.feel`) on the instance's data —
never Python's eval: models are uploaded by people, and SpiffWorkflow's default engine would
run them as Python.

Camunda 8 writes FEEL with a leading `=`; Camunda 7 writes `${…}` (JUEL), which is read as
FEEL when its inside is FEEL (`${amount > 100}`) and refused otherwise (`${a == 1 && b}`).
"""

import re
from typing import Any

from django.utils.translation import gettext as _
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from ..dmn import FeelError, feel_check, feel_evaluate

_JUEL = re.compile(r"^[$#]\{(?P<inner>.*)\}$", re.DOTALL)


def feel_text(expression: str) -> str:
    """The FEEL inside what a modelling tool wrote."""
    text = (expression or "").strip()
    if text.startswith("="):
        return text[1:].strip()
    juel = _JUEL.match(text)
    if juel:
        return juel.group("inner").strip()
    return text


def expression_problem(expression: str) -> str | None:
    """What is wrong with a condition (None: it is FEEL the engine evaluates)."""
    text = feel_text(expression)
    if not text:
        return _("the condition is empty")
    try:
        feel_check(text)
    except FeelError as error:
        return _("the condition %(condition)s is not FEEL the engine evaluates: %(error)s") % {
            "condition": repr(expression.strip()),
            "error": error,
        }
    return None


def expression_evaluate(expression: str, data: dict[str, Any]) -> Any:
    """The value of a model's FEEL expression on the instance's data."""
    return feel_evaluate(feel_text(expression), data)


class FeelScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """SpiffWorkflow's script engine, with FEEL for expressions and no scripts at all."""

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        data = dict(task.data)
        if external_context:
            data.update(external_context)
        try:
            return expression_evaluate(expression, data)
        except FeelError as error:
            raise WorkflowTaskException(
                _("The expression %(expression)s could not be evaluated: %(error)s")
                % {"expression": repr(expression), "error": error},
                task=task,
            ) from None

    def execute(self, task: Any, script: str, external_context: Any = None) -> Any:
        raise WorkflowTaskException(_("Scripts are not executed."), task=task)

    def validate(self, expression: str) -> None:
        problem = expression_problem(expression)
        if problem:
            raise ValueError(problem)


FEEL_ENGINE = FeelScriptEngine()
