"""Instances are stored as SpiffWorkflow's JSON, with our specs and timer classes known to
its serializer, and FEEL's values (exact numbers, dates) kept exact."""

import datetime as dt
from decimal import Decimal
from typing import Any

from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG
from SpiffWorkflow.bpmn.serializer.default.event_definition import (
    TimerConditionalEventDefinitionConverter,
)
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from .expressions import FEEL_ENGINE
from .specs import ActionTask, DecisionTask, ManualWorkTask, PassTask, WorkTask
from .timer_events import CycleTimer, DateTimer, DurationTimer


def _serializer() -> BpmnWorkflowSerializer:
    config = dict(DEFAULT_CONFIG)
    for spec in (ActionTask, DecisionTask, WorkTask, ManualWorkTask, PassTask):
        config[spec] = BpmnTaskSpecConverter
    for timer in (DateTimer, DurationTimer, CycleTimer):
        config[timer] = TimerConditionalEventDefinitionConverter
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda v: Decimal(v["value"]))
    registry.register(
        dt.date, lambda v: {"value": v.isoformat()}, lambda v: dt.date.fromisoformat(v["value"])
    )
    return BpmnWorkflowSerializer(registry)


SERIALIZER = _serializer()


def workflow_dump(workflow: BpmnWorkflow) -> str:
    """The instance as JSON text (its specs included: it keeps its model version)."""
    return str(SERIALIZER.serialize_json(workflow))


def workflow_load(text: str) -> BpmnWorkflow:
    """The instance back from its JSON, evaluating with FEEL."""
    workflow: Any = SERIALIZER.deserialize_json(text)
    workflow.script_engine = FEEL_ENGINE
    return workflow
