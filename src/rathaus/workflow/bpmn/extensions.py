"""What the modelling tools write beside the BPMN standard for the engine: the action of a
service task, the decision of a business rule task, the role and form of a user task.

Camunda 7 (Camunda Modeler, `camunda:` attributes), Camunda 8 (`zeebe:` extension elements)
and SpiffWorkflow's own (`spiffworkflow:`) are read; the first one present wins. A lane's name
is the role of the user tasks in it when the task names none.
"""

from lxml import etree

from .schema import BPMN_NS

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"


def _extension(element: etree._Element, namespace: str, name: str) -> etree._Element | None:
    extensions = element.find(f"{{{BPMN_NS}}}extensionElements")
    if extensions is None:
        return None
    return extensions.find(f"{{{namespace}}}{name}")


def _camunda(element: etree._Element, name: str) -> str:
    return str(element.get(f"{{{CAMUNDA_NS}}}{name}") or "").strip()


def action_of(task: etree._Element) -> str:
    """The action a service or send task names ('' when none)."""
    zeebe = _extension(task, ZEEBE_NS, "taskDefinition")
    if zeebe is not None and zeebe.get("type"):
        return str(zeebe.get("type", "")).strip().removeprefix("=").strip().strip('"')
    if _camunda(task, "topic"):
        return _camunda(task, "topic")
    spiff = _extension(task, SPIFF_NS, "serviceTaskOperator")
    if spiff is not None and spiff.get("id"):
        return str(spiff.get("id", "")).strip()
    return ""


def java_implementation_of(task: etree._Element) -> str:
    """The Java class or expression a Camunda 7 task calls ('' when none)."""
    for name in ("class", "delegateExpression", "expression"):
        if _camunda(task, name):
            return f"camunda:{name}={_camunda(task, name)}"
    return ""


def decision_of(task: etree._Element) -> str:
    """The decision (id or name) a business rule task evaluates ('' when none)."""
    zeebe = _extension(task, ZEEBE_NS, "calledDecision")
    if zeebe is not None and zeebe.get("decisionId"):
        return str(zeebe.get("decisionId", "")).strip()
    if _camunda(task, "decisionRef"):
        return _camunda(task, "decisionRef")
    spiff = _extension(task, SPIFF_NS, "calledDecisionId")
    if spiff is not None and spiff.text:
        return str(spiff.text).strip().strip("'\"")
    return ""


def result_variable_of(task: etree._Element) -> str:
    """Where a business rule task puts the decision's result ('' = by the decision's id)."""
    zeebe = _extension(task, ZEEBE_NS, "calledDecision")
    if zeebe is not None and zeebe.get("resultVariable"):
        return str(zeebe.get("resultVariable", "")).strip()
    return _camunda(task, "resultVariable")


def _split(text: str) -> list[str]:
    return [
        part.strip()
        for part in text.removeprefix("=").strip().strip('"').split(",")
        if part.strip()
    ]


def roles_of(task: etree._Element) -> list[str]:
    """The candidate groups (roles) of a user task, from the task or its lane."""
    zeebe = _extension(task, ZEEBE_NS, "assignmentDefinition")
    if zeebe is not None and zeebe.get("candidateGroups"):
        return _split(zeebe.get("candidateGroups", ""))
    if _camunda(task, "candidateGroups"):
        return _split(_camunda(task, "candidateGroups"))
    return _performers(task)


def _performers(task: etree._Element) -> list[str]:
    """The roles of the standard's resource assignment (Eclipse BPMN2 Modeler, jBPM, Signavio):
    `potentialOwner` or `humanPerformer`, by a formal expression naming the groups or by a
    reference to a `resource` of the definitions, named."""
    names: list[str] = []
    for tag in ("potentialOwner", "humanPerformer", "performer"):
        for performer in task.iterfind(f"{{{BPMN_NS}}}{tag}"):
            expression = performer.find(
                f"{{{BPMN_NS}}}resourceAssignmentExpression/{{{BPMN_NS}}}formalExpression"
            )
            if expression is not None and (expression.text or "").strip():
                names += _split(expression.text or "")
                continue
            reference = (performer.findtext(f"{{{BPMN_NS}}}resourceRef") or "").strip()
            reference = reference.rpartition(":")[2]
            resource = next(
                (
                    r
                    for r in task.getroottree().iter(f"{{{BPMN_NS}}}resource")
                    if r.get("id") == reference
                ),
                None,
            )
            if resource is not None and (resource.get("name") or "").strip():
                names.append(" ".join(str(resource.get("name")).split()))
    return names


def form_of(task: etree._Element) -> str:
    """The form key of a user task ('' when none)."""
    zeebe = _extension(task, ZEEBE_NS, "formDefinition")
    if zeebe is not None and (zeebe.get("formKey") or zeebe.get("formId")):
        return str(zeebe.get("formKey") or zeebe.get("formId") or "").strip()
    return _camunda(task, "formKey")


def parameters_of(task: etree._Element) -> dict[str, str]:
    """The fixed parameters of a service task's action (e.g. which status to set): Camunda 8
    task headers, Camunda 7 extension properties and literal input parameters."""
    found: dict[str, str] = {}
    headers = _extension(task, ZEEBE_NS, "taskHeaders")
    if headers is not None:
        for header in headers.iterfind(f"{{{ZEEBE_NS}}}header"):
            found[header.get("key", "")] = header.get("value", "")
    properties = _extension(task, CAMUNDA_NS, "properties")
    if properties is not None:
        for prop in properties.iterfind(f"{{{CAMUNDA_NS}}}property"):
            found[prop.get("name", "")] = prop.get("value", "")
    io = _extension(task, CAMUNDA_NS, "inputOutput")
    if io is not None:
        for parameter in io.iterfind(f"{{{CAMUNDA_NS}}}inputParameter"):
            text = (parameter.text or "").strip()
            if len(parameter) == 0 and text:
                # `${…}` (JUEL) is read as the FEEL inside it; the check refuses what is not.
                found[parameter.get("name", "")] = (
                    "=" + text[2:-1].strip()
                    if text.startswith("${") and text.endswith("}")
                    else text
                )
    mapping = _extension(task, ZEEBE_NS, "ioMapping")
    if mapping is not None:  # Camunda 8 input mappings: `source` (FEEL with =) → `target`
        for entry in mapping.iterfind(f"{{{ZEEBE_NS}}}input"):
            found[entry.get("target", "")] = (entry.get("source") or "").strip()
    return {key: value for key, value in found.items() if key}


def mappings_unsupported(task: etree._Element) -> list[tuple[str, str]]:
    """The input/output mappings of a task the engine does not carry out, as (kind, name):
    a Camunda 7 input parameter that is a script, list or map; any output mapping (Camunda 7
    outputParameter, Camunda 8 ioMapping output) — the process data come from the tasks'
    results and forms."""
    found: list[tuple[str, str]] = []
    io = _extension(task, CAMUNDA_NS, "inputOutput")
    if io is not None:
        for parameter in io.iterfind(f"{{{CAMUNDA_NS}}}inputParameter"):
            if len(parameter) > 0:
                found.append(("input", parameter.get("name", "")))
        for parameter in io.iterfind(f"{{{CAMUNDA_NS}}}outputParameter"):
            found.append(("output", parameter.get("name", "")))
    mapping = _extension(task, ZEEBE_NS, "ioMapping")
    if mapping is not None:
        for entry in mapping.iterfind(f"{{{ZEEBE_NS}}}output"):
            found.append(("output", entry.get("target", "")))
    return found
