"""A model version's files into SpiffWorkflow specs (after `bpmn.model_check` found it
runnable)."""

import copy as copy_module
from dataclasses import dataclass
from typing import Any

from lxml import etree

from ..bpmn.schema import BPMN_NS
from ..roles import role_of
from .parser import RathausBpmnParser

# Descriptive elements (docs/workflow.md): the process data are the case's data, so data
# objects, their associations and input/output specifications do not reach the engine
# (SpiffWorkflow would try to move data along them).
DESCRIPTIVE = ("dataInputAssociation", "dataOutputAssociation", "ioSpecification", "property")


def _executable_part(tree: etree._ElementTree) -> etree._ElementTree:
    copy = copy_module.deepcopy(tree)
    for name in DESCRIPTIVE:
        for element in list(copy.getroot().iter(f"{{{BPMN_NS}}}{name}")):
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
    return copy


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
        parser.add_bpmn_xml(_executable_part(tree).getroot())
    spec = parser.get_spec(main)
    subprocess_specs = parser.get_subprocess_specs(main)
    return CompiledModel(main=main, spec=spec, subprocess_specs=subprocess_specs)
