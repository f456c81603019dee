"""A model version's files into SpiffWorkflow specs (after `bpmn.model_check` found it
runnable)."""

from dataclasses import dataclass
from typing import Any

from lxml import etree

from ..bpmn.schema import BPMN_NS
from ..roles import role_of
from .parser import RathausBpmnParser


@dataclass(frozen=True)
class CompiledModel:
    main: str
    spec: Any
    subprocess_specs: dict[str, Any]


def model_compile(
    *, bpmn: list[etree._ElementTree], dmn_by_decision: dict[str, str], main: str
) -> CompiledModel:
    """Specs of the main process and the processes it calls. Raises SpiffWorkflow's
    ValidationException (with the node) for what its parser refuses."""
    lanes = {
        lane.get("name", ""): role
        for tree in bpmn
        for lane in tree.getroot().iter(f"{{{BPMN_NS}}}lane")
        if (role := role_of(lane.get("name", "")))
    }
    parser = RathausBpmnParser(dmn_by_decision=dmn_by_decision, role_of_lane=lanes)
    for tree in bpmn:
        parser.add_bpmn_xml(tree.getroot())
    spec = parser.get_spec(main)
    subprocess_specs = parser.get_subprocess_specs(main)
    return CompiledModel(main=main, spec=spec, subprocess_specs=subprocess_specs)
