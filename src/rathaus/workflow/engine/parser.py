"""SpiffWorkflow's BPMN parser with our task specs, extensions and ISO 8601 timers.

Only models that `bpmn.support` found runnable come here; what SpiffWorkflow still refuses
(a task with two outgoing flows, say) comes back as its ValidationException with the node.
"""

from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser, full_tag
from SpiffWorkflow.bpmn.parser.event_parsers import (
    BoundaryEventParser,
    EventBasedGatewayParser,
    IntermediateCatchEventParser,
    ReceiveTaskParser,
)
from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.parser.util import first
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.defaults import (
    BoundaryEvent,
    EventBasedGateway,
    IntermediateCatchEvent,
    ReceiveTask,
)

from ..bpmn import extensions
from ..roles import role_of
from .specs import ActionTask, DecisionTask, ManualWorkTask, PassTask, WorkTask
from .timer_events import TIMER_CLASSES


class _TimerParsing:
    """Timers become our definitions: ISO 8601 as the BPMN spec says, on our clock."""

    node: etree._Element

    def parse_timer_event(self, event: etree._Element) -> Any:
        name = self.node.get("name", self.node.get("id"))
        for kind, timer_class in TIMER_CLASSES.items():
            part = first(self.xpath(f".//bpmn:{kind}"))  # type: ignore[attr-defined]
            if part is not None:
                return timer_class(name, (part.text or "").strip())
        raise ValidationException(
            "A timer needs timeDate, timeDuration or timeCycle.", node=self.node
        )


class _Catch(_TimerParsing, IntermediateCatchEventParser):  # type: ignore[misc]
    pass


class _Boundary(_TimerParsing, BoundaryEventParser):  # type: ignore[misc]
    pass


class _Gateway(_TimerParsing, EventBasedGatewayParser):  # type: ignore[misc]
    pass


class _Receive(_TimerParsing, ReceiveTaskParser):  # type: ignore[misc]
    pass


class _Extended(TaskParser):  # type: ignore[misc]
    """Reads what the modelling tools say about the task into the spec's extensions."""

    def parse_extensions(self, node: etree._Element | None = None) -> dict[str, Any]:
        task = self.node if node is None else node
        tag = etree.QName(task).localname
        found: dict[str, Any] = {}
        if tag in {"serviceTask", "sendTask"}:
            found["action"] = extensions.action_of(task)
            found["parameters"] = extensions.parameters_of(task)
        elif tag == "businessRuleTask":
            decision = extensions.decision_of(task)
            found["decision"] = decision
            found["dmn"] = self.process_parser.parser.dmn_of(decision)
            found["result_variable"] = extensions.result_variable_of(task)
        elif tag in {"userTask", "manualTask"}:
            named = [role_of(name) or name for name in extensions.roles_of(task)]
            found["roles"] = named or self.process_parser.parser.lane_roles(self.lane)
            found["form"] = extensions.form_of(task)
            # Four eyes: this task approves (signs) another's work, never its author's.
            found["approves"] = extensions.parameters_of(task).get("approves", "")
        return found


class RathausBpmnParser(BpmnParser):  # type: ignore[misc]
    """The parser of one model version: its BPMN files and the DMN files they use."""

    OVERRIDE_PARSER_CLASSES = {
        full_tag("userTask"): (_Extended, WorkTask),
        full_tag("manualTask"): (_Extended, ManualWorkTask),
        full_tag("task"): (_Extended, PassTask),
        full_tag("serviceTask"): (_Extended, ActionTask),
        full_tag("sendTask"): (_Extended, ActionTask),
        full_tag("businessRuleTask"): (_Extended, DecisionTask),
        full_tag("intermediateCatchEvent"): (_Catch, IntermediateCatchEvent),
        full_tag("boundaryEvent"): (_Boundary, BoundaryEvent),
        full_tag("eventBasedGateway"): (_Gateway, EventBasedGateway),
        full_tag("receiveTask"): (_Receive, ReceiveTask),
    }

    def __init__(self, *, dmn_by_decision: dict[str, str], role_of_lane: dict[str, str]) -> None:
        super().__init__()
        self._dmn = dmn_by_decision
        self._lanes = role_of_lane

    def dmn_of(self, decision: str) -> str:
        try:
            return self._dmn[decision]
        except KeyError:
            raise ValidationException(f"No DMN file holds the decision {decision!r}.") from None

    def lane_roles(self, lane: str | None) -> list[str]:
        role = self._lanes.get(lane or "")
        return [role] if role else []
