"""What of a BPMN model the engine can execute: every element is executed, descriptive (a
note: it has no effect on the run) or refused with the reason, its tag and its id — nothing is
silently ignored (issue 12 §5). docs/workflow.md lists the three sets and why.

The check reads the document itself (lxml), so it speaks about the file as the modeller sees
it; `bpmn.engine` parses only models without refusals.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from lxml import etree

from .extensions import (
    CAMUNDA_NS,
    action_of,
    decision_of,
    java_implementation_of,
    mappings_unsupported,
    parameters_of,
    roles_of,
)
from .schema import BPMN_NS

BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"

# Flow nodes and flows the engine runs (with the further checks below).
EXECUTED = frozenset(
    {
        "startEvent",
        "endEvent",
        "task",
        "userTask",
        "manualTask",
        "serviceTask",
        "sendTask",
        "businessRuleTask",
        "receiveTask",
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
        "subProcess",
        "callActivity",
        "sequenceFlow",
    }
)
# Elements that describe but do not change a run: reported as notes where they carry meaning a
# reader might expect to be executed (data, message flows), accepted silently where they are
# plainly structure (the definitions' parts, DI, texts).
DESCRIPTIVE_NOTED = {
    "dataObject": gettext_noop(
        "data objects are descriptive: the process data are the case's data"
    ),
    "dataObjectReference": gettext_noop(
        "data objects are descriptive: the process data are the case's data"
    ),
    "dataInputAssociation": gettext_noop("data associations are descriptive"),
    "dataOutputAssociation": gettext_noop("data associations are descriptive"),
    "messageFlow": gettext_noop(
        "message flows are descriptive: messages are sent by service tasks"
    ),
    "textAnnotation": gettext_noop("annotations are not executed"),
    "group": gettext_noop("groups are not executed"),
}
STRUCTURE = frozenset(
    {
        "definitions",
        "process",
        "collaboration",
        "participant",
        "message",
        "error",
        "itemDefinition",
        "category",
        "categoryValue",
        "association",
        "laneSet",
        "lane",
        "childLaneSet",
        "flowNodeRef",
        "documentation",
        "extensionElements",
        "incoming",
        "outgoing",
        "text",
        "conditionExpression",
        "timerEventDefinition",
        "timeDate",
        "timeDuration",
        "timeCycle",
        "messageEventDefinition",
        "errorEventDefinition",
        "terminateEventDefinition",
        "ioSpecification",
        "dataInput",
        "dataOutput",
        "inputSet",
        "outputSet",
        "dataInputRefs",
        "dataOutputRefs",
        "sourceRef",
        "targetRef",
        "property",
        "participantMultiplicity",
        "dataState",
        "resource",
        "performer",
        "humanPerformer",
        "potentialOwner",
        "resourceAssignmentExpression",
        "formalExpression",
        "expression",
        "interface",
        "operation",
        "inMessageRef",
        "outMessageRef",
        "relationship",
        "extension",
        "import",
        "signal",
        "escalation",
        "dataStore",
        "partnerRole",
        "partnerEntity",
        "correlationProperty",
        "correlationKey",
        "correlationPropertyRef",
        "correlationPropertyRetrievalExpression",
        "messagePath",
        "messageFlowRef",
        "participantRef",
        "completionCondition",
        "supportedInterfaceRef",
        "endPoint",
        # Parts of elements that are refused or descriptive themselves (named once, by their
        # parent) and of the definitions' infrastructure.
        "script",
        "loopCardinality",
        "loopDataInputRef",
        "loopDataOutputRef",
        "inputDataItem",
        "outputDataItem",
        "complexBehaviorDefinition",
        "condition",
        "loopCondition",
        "activationCondition",
        "source",
        "target",
        "auditing",
        "monitoring",
        "rendering",
        "ioBinding",
        "assignment",
        "from",
        "to",
        "transformation",
        "participantAssociation",
        "messageFlowAssociation",
        "correlationSubscription",
        "correlationPropertyBinding",
        "dataPath",
        "innerParticipantRef",
        "outerParticipantRef",
        "innerMessageFlowRef",
        "outerMessageFlowRef",
        "inputSetRefs",
        "outputSetRefs",
        "optionalInputRefs",
        "whileExecutingInputRefs",
        "optionalOutputRefs",
        "whileExecutingOutputRefs",
        "inputOutputBinding",
        "extensionDefinition",
        "extensionAttributeDefinition",
        "extensionAttributeValue",
        "resourceParameter",
        "resourceParameterBinding",
        "resourceRef",
        "categoryValueRef",
        "eventDefinitionRef",
        "errorRef",
        "signalRef",
        "escalationRef",
        "messageRef",
        "operationRef",
        "interfaceRef",
        "structureRef",
    }
)
# The reasons are msgids, translated when a finding is made (in the active language).
REFUSED = {
    "scriptTask": gettext_noop(
        "script tasks are not executed: an uploaded model may not run code; use a "
        "service task with one of the actions"
    ),
    "complexGateway": gettext_noop(
        "complex gateways are not supported; use exclusive or inclusive gateways"
    ),
    "transaction": gettext_noop("transactions (with compensation) are not supported"),
    "adHocSubProcess": gettext_noop("ad-hoc subprocesses are not supported"),
    "dataStoreReference": gettext_noop(
        "data stores are not supported: the process data are the case's data"
    ),
    "standardLoopCharacteristics": gettext_noop(
        "loops are not supported; model the repetition with a gateway"
    ),
    "multiInstanceLoopCharacteristics": gettext_noop("multi-instance activities are not supported"),
    "signalEventDefinition": gettext_noop("signal events are not supported"),
    "escalationEventDefinition": gettext_noop(
        "escalation events are not supported; escalate with a timer"
    ),
    "compensateEventDefinition": gettext_noop("compensation is not supported"),
    "conditionalEventDefinition": gettext_noop("conditional events are not supported"),
    "linkEventDefinition": gettext_noop("link events are not supported; draw the sequence flow"),
    "cancelEventDefinition": gettext_noop("cancel events are not supported"),
    "choreography": gettext_noop("choreographies are not executed"),
    "choreographyTask": gettext_noop("choreographies are not executed"),
    "subChoreography": gettext_noop("choreographies are not executed"),
    "callChoreography": gettext_noop("choreographies are not executed"),
    "globalTask": gettext_noop("global tasks are not supported"),
    "globalUserTask": gettext_noop("global tasks are not supported"),
    "globalManualTask": gettext_noop("global tasks are not supported"),
    "globalScriptTask": gettext_noop("global tasks are not supported"),
    "globalBusinessRuleTask": gettext_noop("global tasks are not supported"),
    "globalConversation": gettext_noop("conversations are not executed"),
    "conversation": gettext_noop("conversations are not executed"),
    "subConversation": gettext_noop("conversations are not executed"),
    "callConversation": gettext_noop("conversations are not executed"),
    "conversationLink": gettext_noop("conversations are not executed"),
    "conversationAssociation": gettext_noop("conversations are not executed"),
    "implicitThrowEvent": gettext_noop("implicit throw events are not supported"),
    "eventDefinition": gettext_noop("abstract event definitions are not supported"),
}
# Which event definitions each event may carry (none = a plain event).
EVENT_DEFINITIONS = {
    "startEvent": frozenset(),
    "endEvent": frozenset({"terminateEventDefinition", "errorEventDefinition"}),
    "intermediateCatchEvent": frozenset({"timerEventDefinition", "messageEventDefinition"}),
    "intermediateThrowEvent": frozenset(),
    "boundaryEvent": frozenset(
        {"timerEventDefinition", "errorEventDefinition", "messageEventDefinition"}
    ),
}
ALL_EVENT_DEFINITIONS = frozenset(
    {
        "timerEventDefinition",
        "messageEventDefinition",
        "errorEventDefinition",
        "terminateEventDefinition",
        "signalEventDefinition",
        "escalationEventDefinition",
        "compensateEventDefinition",
        "conditionalEventDefinition",
        "linkEventDefinition",
        "cancelEventDefinition",
        "eventDefinitionRef",
    }
)
XPATH = "http://www.w3.org/1999/XPath"
FEEL_LANGUAGES = frozenset(
    {
        "",
        "feel",
        "FEEL",
        "http://www.omg.org/spec/FEEL/20140401",
        "https://www.omg.org/spec/FEEL/20140401",
        "http://www.omg.org/spec/DMN/20180521/FEEL/",
        "https://www.omg.org/spec/DMN/20191111/FEEL/",
        "https://www.omg.org/spec/DMN/20211108/FEEL/",
        "https://www.omg.org/spec/DMN/20230324/FEEL/",
        # BPMN's default; Camunda Modeler writes no language at all, and a model that names
        # XPath with an expression that is valid FEEL is read as FEEL.
        XPATH,
    }
)
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


@dataclass(frozen=True)
class Finding:
    """One element the engine refuses (`refused`) or does not execute (`note`)."""

    level: str  # "refused" or "note"
    element: str  # the BPMN element's local tag, e.g. "scriptTask"
    id: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.element} {self.id!r}" if self.id else self.element
        if self.line:
            return _("%(element)s (line %(line)s): %(message)s") % {
                "element": where,
                "line": self.line,
                "message": self.message,
            }
        return f"{where}: {self.message}"


@dataclass
class Support:
    """What `support_check` found for a set of files."""

    findings: list[Finding] = field(default_factory=list)
    executable: list[str] = field(default_factory=list)  # executable process ids
    main_process: str | None = None  # the one a case starts (not called by another)

    @property
    def refused(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "refused"]

    @property
    def notes(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "note"]

    @property
    def runnable(self) -> bool:
        return not self.refused and self.main_process is not None


def local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _bpmn(tree: etree._ElementTree, path: str) -> list[etree._Element]:
    return list(tree.getroot().iterfind(path, {"bpmn": BPMN_NS}))


@dataclass
class _Context:
    decisions: frozenset[str]
    actions: frozenset[str]
    process_ids: frozenset[str]
    expression_problem: Callable[[str], str | None]
    timer_problem: Callable[[str, str], str | None]
    role_of: Callable[[str], str | None]
    findings: list[Finding] = field(default_factory=list)

    def refuse(self, element: etree._Element, message: str) -> None:
        self.findings.append(
            Finding("refused", local(element), element.get("id", ""), message, element.sourceline)
        )

    def note(self, element: etree._Element, message: str) -> None:
        self.findings.append(
            Finding("note", local(element), element.get("id", ""), message, element.sourceline)
        )


def support_check(
    trees: Iterable[etree._ElementTree],
    *,
    decisions: Iterable[str],
    actions: Iterable[str],
    expression_problem: Callable[[str], str | None],
    timer_problem: Callable[[str, str], str | None],
    role_of: Callable[[str], str | None],
) -> Support:
    """Check schema-valid BPMN documents (one model may span several files) against what the
    engine executes. `decisions`: ids and names of the DMN decisions uploaded with the model;
    `actions`: the service-task action names; `expression_problem(text)` and
    `timer_problem(kind, text)` say what is wrong with a condition or a timer (None: fine);
    `role_of(name)` is the staff role a candidate group names (None: no role)."""
    trees = list(trees)
    processes = [p for tree in trees for p in _bpmn(tree, "bpmn:process")]
    context = _Context(
        decisions=frozenset(decisions),
        actions=frozenset(actions),
        process_ids=frozenset(p.get("id", "") for p in processes),
        expression_problem=expression_problem,
        timer_problem=timer_problem,
        role_of=role_of,
    )
    support = Support()
    for tree in trees:
        for element in _semantic_elements(tree.getroot()):
            _element_check(element, context)
        _diagram_check(tree, context)
    support.executable = [
        p.get("id", "") for p in processes if p.get("isExecutable", "false") == "true"
    ]
    called = {
        c.get("calledElement", "")
        for tree in trees
        for c in tree.getroot().iter(f"{{{BPMN_NS}}}callActivity")
    }
    roots = [p for p in support.executable if p not in called]
    if not processes:
        context.refuse(
            trees[0].getroot(),
            _(
                "the file contains no process (only a collaboration or a diagram): model the "
                "process the engine runs"
            ),
        )
    elif not support.executable:
        context.refuse(
            processes[0],
            _(
                "the model has no executable process: mark the process to run with "
                'isExecutable="true" (in Camunda Modeler: "Executable")'
            ),
        )
    elif len(roots) > 1:
        context.refuse(
            trees[0].getroot(),
            _(
                "the model has several executable processes that no call activity calls "
                "(%(processes)s): mark only the one a case starts as executable"
            )
            % {"processes": ", ".join(roots)},
        )
    else:
        support.main_process = roots[0] if roots else None
    support.findings = context.findings
    return support


def _semantic_elements(root: etree._Element) -> Iterator[etree._Element]:
    """The BPMN elements of a document, without what lies inside `extensionElements`: that
    content belongs to the tool that wrote it (a modeller's grid and rulers), even where it
    inherits BPMN as its default namespace; the extensions the engine reads are read from
    their carriers (`extensions.py`, `_mapping_check`)."""
    extension = f"{{{BPMN_NS}}}extensionElements"
    for element in root.iter():
        if not isinstance(element.tag, str) or etree.QName(element).namespace != BPMN_NS:
            continue
        if any(ancestor.tag == extension for ancestor in element.iterancestors()):
            continue
        yield element


# Names SpiffWorkflow gives its own task specs: an element with such an id would be taken for
# them and silently not run.
RESERVED_IDS = frozenset({"Start", "End", "StartEventSplit", "StartEventJoin"})
RESERVED_SUFFIXES = (".EndJoin", ".BoundaryEventSplit", ".BoundaryEventJoin", " [child]")


def _element_check(element: etree._Element, context: _Context) -> None:
    tag = local(element)
    identifier = element.get("id", "")
    if identifier in RESERVED_IDS or identifier.endswith(RESERVED_SUFFIXES):
        context.refuse(
            element,
            _("the id %(id)s is reserved by the engine; rename it") % {"id": repr(identifier)},
        )
    if element.find(f"{{{BPMN_NS}}}extensionElements") is not None:
        _mapping_check(element, context)
    if tag in REFUSED:
        # An event definition or a loop is named by the event or activity that carries it
        # (tools write them without ids); the reason still says which.
        carrier = element.getparent()
        if (tag.endswith("EventDefinition") or tag.endswith("LoopCharacteristics")) and (
            carrier is not None
        ):
            context.refuse(carrier, _(REFUSED[tag]))
        else:
            context.refuse(element, _(REFUSED[tag]))
    elif tag in DESCRIPTIVE_NOTED:
        context.note(element, _(DESCRIPTIVE_NOTED[tag]))
    elif tag in EVENT_DEFINITIONS:
        _event_check(element, context)
    elif tag in {"serviceTask", "sendTask"}:
        _service_task_check(element, context)
    elif tag == "businessRuleTask":
        _business_rule_check(element, context)
    elif tag == "subProcess" and element.get("triggeredByEvent") == "true":
        context.refuse(element, _("event subprocesses are not supported"))
    elif tag == "callActivity":
        called = element.get("calledElement", "")
        if not called:
            context.refuse(
                element,
                _("the call activity names no process to call (calledElement)"),
            )
        elif called not in context.process_ids:
            context.refuse(
                element,
                _(
                    "the call activity calls %(called)s, which is no process of this model: "
                    "upload the called process's file with it"
                )
                % {"called": repr(called)},
            )
    elif tag == "sequenceFlow":
        _condition_check(element, context)
    elif tag == "receiveTask":
        if not element.get("messageRef"):
            context.refuse(element, _("a receive task needs the message it waits for"))
    elif tag in {"userTask", "manualTask"}:
        for role in roles_of(element):
            if context.role_of(role) is None:
                context.refuse(
                    element,
                    _("the candidate group %(group)s names no staff role") % {"group": repr(role)},
                )
        _implementation_check(element, context)
    elif tag == "task":
        _implementation_check(element, context)
    elif tag in EXECUTED or tag in STRUCTURE or tag in ALL_EVENT_DEFINITIONS:
        pass
    else:  # a BPMN element this list does not know: never ignore it silently
        context.refuse(element, _("the element %(tag)s is not supported") % {"tag": tag})


def _event_check(event: etree._Element, context: _Context) -> None:
    tag = local(event)
    definitions = [child for child in event if local(child) in ALL_EVENT_DEFINITIONS]
    if len(definitions) > 1:
        context.refuse(event, _("events with several event definitions are not supported"))
        return
    if not definitions:
        return
    kind = local(definitions[0])
    if kind == "eventDefinitionRef":
        context.refuse(event, _("events referring to a shared event definition are not supported"))
    elif kind in REFUSED:
        pass  # the definition itself is refused with its reason
    elif kind not in EVENT_DEFINITIONS[tag]:
        what = kind.removesuffix("EventDefinition")
        if tag == "startEvent":
            context.refuse(
                event,
                _(
                    "%(kind)s start events are not supported: a process starts when a case is "
                    "opened (a plain start event)"
                )
                % {"kind": what},
            )
        else:
            context.refuse(
                event,
                _("%(kind)s events are not supported as %(tag)s") % {"kind": what, "tag": tag},
            )
    elif kind == "timerEventDefinition":
        _timer_check(event, definitions[0], context)
    elif kind == "messageEventDefinition" and not definitions[0].get("messageRef"):
        context.refuse(event, _("a message event needs the message it waits for"))


def _timer_check(event: etree._Element, definition: etree._Element, context: _Context) -> None:
    parts = [
        child for child in definition if local(child) in {"timeDate", "timeDuration", "timeCycle"}
    ]
    if len(parts) != 1:
        context.refuse(event, _("a timer needs exactly one of timeDate, timeDuration, timeCycle"))
        return
    problem = context.timer_problem(local(parts[0]), parts[0].text or "")
    if problem:
        context.refuse(event, problem)


def _service_task_check(task: etree._Element, context: _Context) -> None:
    java = java_implementation_of(task)
    if java:
        context.refuse(
            task,
            _(
                "the service task calls Java (%(java)s); name one of the actions instead "
                "(%(actions)s)"
            )
            % {"java": java, "actions": ", ".join(sorted(context.actions))},
        )
        return
    action = action_of(task)
    if not action:
        context.refuse(
            task,
            _(
                "the service task names no action: set its type (Camunda 8: task definition "
                "type; Camunda 7: external topic) to one of %(actions)s"
            )
            % {"actions": ", ".join(sorted(context.actions))},
        )
    elif action not in context.actions:
        context.refuse(
            task,
            _("unknown action %(action)s; known are %(actions)s")
            % {"action": repr(action), "actions": ", ".join(sorted(context.actions))},
        )
    _implementation_check(task, context)


def _business_rule_check(task: etree._Element, context: _Context) -> None:
    decision = decision_of(task)
    if not decision:
        context.refuse(task, _("the business rule task names no decision (decision reference)"))
    elif decision not in context.decisions:
        context.refuse(
            task,
            _("the decision %(decision)s is in none of the DMN files uploaded with the model")
            % {"decision": repr(decision)},
        )
    _implementation_check(task, context)


def _mapping_check(element: etree._Element, context: _Context) -> None:
    """Input and output mappings are carried out or refused, never ignored: literal inputs
    and FEEL inputs become the task's parameters; scripts, lists, maps and output mappings
    are refused by name, and so is an input expression that is not FEEL."""
    for kind, name in mappings_unsupported(element):
        message = (
            _(
                "the output mapping %(name)s is not carried out by the engine (the process data "
                "come from the tasks' results and forms)"
            )
            if kind == "output"
            else _(
                "the input parameter %(name)s is a script, list or map, which the engine "
                "does not run; give it as a literal or a FEEL expression"
            )
        )
        context.refuse(element, message % {"name": repr(name)})
    for name, value in parameters_of(element).items():
        if value.startswith("="):
            problem = context.expression_problem(value)
            if problem:
                context.refuse(
                    element,
                    _("the parameter %(name)s: %(problem)s")
                    % {"name": repr(name), "problem": problem},
                )


def _implementation_check(task: etree._Element, context: _Context) -> None:
    if local(task) not in {"serviceTask", "sendTask"} and java_implementation_of(task):
        context.refuse(task, _("the task calls Java, which the engine does not run"))
    if task.get(f"{{{CAMUNDA_NS}}}asyncBefore") or task.get(f"{{{CAMUNDA_NS}}}asyncAfter"):
        pass  # every step runs in the background already


def _condition_check(flow: etree._Element, context: _Context) -> None:
    condition = flow.find(f"{{{BPMN_NS}}}conditionExpression")
    if condition is None:
        return
    # A condition without its own language has the definitions' (BPMN 2.0, 8.3.1).
    language = condition.get("language") or flow.getroottree().getroot().get(
        "expressionLanguage", ""
    )
    if language not in FEEL_LANGUAGES:
        context.refuse(
            flow,
            _("the condition is written in %(language)s; the engine evaluates FEEL only")
            % {"language": language},
        )
        return
    problem = context.expression_problem(condition.text or "")
    if problem and language == XPATH:
        # BPMN's default language, declared by the model: an XPath expression is no FEEL.
        context.refuse(
            flow,
            _(
                "the condition %(condition)s is XPath (the model's expression language); the "
                "engine evaluates FEEL only: write it in FEEL, e.g. approved = true"
            )
            % {"condition": repr((condition.text or "").strip())},
        )
    elif problem:
        context.refuse(flow, problem)


def _diagram_check(tree: etree._ElementTree, context: _Context) -> None:
    """Every flow node needs its shape: the case view draws the process from the diagram."""
    shapes = {
        shape.get("bpmnElement") for shape in tree.getroot().iter(f"{{{BPMNDI_NS}}}BPMNShape")
    }
    nodes = [
        element
        for process in _bpmn(tree, "bpmn:process")
        for element in process.iter()
        if isinstance(element.tag, str)
        and etree.QName(element).namespace == BPMN_NS
        and local(element) in EXECUTED - {"sequenceFlow"}
    ]
    missing = [node for node in nodes if node.get("id") not in shapes]
    if not shapes and nodes:
        context.refuse(
            tree.getroot(),
            _(
                "the model has no diagram (BPMN DI): the case view draws the process from it; "
                "export the model with its diagram (bpmn.io and Camunda Modeler always do)"
            ),
        )
    else:
        for node in missing:
            context.refuse(node, _("the element has no shape in the diagram (BPMN DI)"))
