"""Small BPMN models for the engine tests, written as the tools write them (Camunda 7 and 8
attributes), without diagrams: the engine tests compile them directly."""

from lxml import etree

from rathaus.workflow.engine.compile import CompiledModel, model_compile

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
"""


def compiled(body: str, *, main: str = "P", dmn: dict[str, str] | None = None) -> CompiledModel:
    tree = etree.ElementTree(etree.fromstring((HEAD + body + "</bpmn:definitions>").encode()))
    return model_compile(bpmn=[tree], dmn_by_decision=dmn or {}, main=main)


def flow(id_: str, source: str, target: str, condition: str | None = None) -> str:
    if condition is None:
        return f'<bpmn:sequenceFlow id="{id_}" sourceRef="{source}" targetRef="{target}"/>'
    return (
        f'<bpmn:sequenceFlow id="{id_}" sourceRef="{source}" targetRef="{target}">'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{condition}'
        f"</bpmn:conditionExpression></bpmn:sequenceFlow>"
    )


# A clerk checks; above 100 the applicant is notified (Camunda 7 topic), else the status is
# set (Camunda 8 task type with a header); a second check waits for the team lead.
CHECK_AND_NOTIFY = f"""
<bpmn:process id="P" isExecutable="true">
  <bpmn:startEvent id="StartEvent_1"/>
  {flow("f1", "StartEvent_1", "Check")}
  <bpmn:userTask id="Check" name="Antrag prüfen" camunda:candidateGroups="Sachbearbeitung"
      camunda:formKey="pruefung"/>
  {flow("f2", "Check", "Amount")}
  <bpmn:exclusiveGateway id="Amount" default="f4"/>
  {flow("f3", "Amount", "Notify", "${amount &gt; 100}")}
  {flow("f4", "Amount", "Status")}
  <bpmn:serviceTask id="Notify" name="Benachrichtigen" camunda:type="external"
      camunda:topic="notify"/>
  <bpmn:serviceTask id="Status" name="Status setzen">
    <bpmn:extensionElements>
      <zeebe:taskDefinition type="status_set"/>
      <zeebe:taskHeaders><zeebe:header key="status" value="decided"/></zeebe:taskHeaders>
    </bpmn:extensionElements>
  </bpmn:serviceTask>
  {flow("f5", "Notify", "Sign")}
  {flow("f6", "Status", "Sign")}
  <bpmn:userTask id="Sign" name="Zeichnen">
    <bpmn:extensionElements>
      <zeebe:assignmentDefinition candidateGroups="team_lead"/>
    </bpmn:extensionElements>
  </bpmn:userTask>
  {flow("f7", "Sign", "EndEvent_1")}
  <bpmn:endEvent id="EndEvent_1"/>
</bpmn:process>
"""

# A statutory deadline: the check is interrupted after one month (the case escalates to the
# team lead); a reminder every week, three times, does not interrupt it.
DEADLINE = f"""
<bpmn:process id="P" isExecutable="true">
  <bpmn:startEvent id="StartEvent_1"/>
  {flow("f1", "StartEvent_1", "Check")}
  <bpmn:userTask id="Check" name="Antrag prüfen"/>
  <bpmn:boundaryEvent id="Deadline" attachedToRef="Check">
    <bpmn:timerEventDefinition><bpmn:timeDuration>P1M</bpmn:timeDuration>
    </bpmn:timerEventDefinition>
  </bpmn:boundaryEvent>
  <bpmn:boundaryEvent id="Reminder" attachedToRef="Check" cancelActivity="false">
    <bpmn:timerEventDefinition><bpmn:timeCycle>R3/P7D</bpmn:timeCycle>
    </bpmn:timerEventDefinition>
  </bpmn:boundaryEvent>
  {flow("f2", "Check", "Done")}
  <bpmn:endEvent id="Done"/>
  {flow("f3", "Deadline", "Escalate")}
  <bpmn:userTask id="Escalate" name="Frist überschritten" camunda:candidateGroups="team_lead"/>
  {flow("f4", "Escalate", "Late")}
  <bpmn:endEvent id="Late"/>
  {flow("f5", "Reminder", "Remind")}
  <bpmn:serviceTask id="Remind" camunda:type="external" camunda:topic="notify"/>
  {flow("f6", "Remind", "Reminded")}
  <bpmn:endEvent id="Reminded"/>
</bpmn:process>
"""

# An appointment: wait until a date given by the data (Camunda 8 FEEL), then in parallel
# notify and set the status, join, end.
APPOINTMENT = f"""
<bpmn:process id="P" isExecutable="true">
  <bpmn:startEvent id="StartEvent_1"/>
  {flow("f1", "StartEvent_1", "Wait")}
  <bpmn:intermediateCatchEvent id="Wait">
    <bpmn:timerEventDefinition><bpmn:timeDate>=pickup</bpmn:timeDate>
    </bpmn:timerEventDefinition>
  </bpmn:intermediateCatchEvent>
  {flow("f2", "Wait", "Split")}
  <bpmn:parallelGateway id="Split"/>
  {flow("f3", "Split", "Notify")}
  {flow("f4", "Split", "Status")}
  <bpmn:serviceTask id="Notify" camunda:type="external" camunda:topic="notify"/>
  <bpmn:serviceTask id="Status" camunda:type="external" camunda:topic="status_set"/>
  {flow("f5", "Notify", "Join")}
  {flow("f6", "Status", "Join")}
  <bpmn:parallelGateway id="Join"/>
  {flow("f7", "Join", "EndEvent_1")}
  <bpmn:endEvent id="EndEvent_1"/>
</bpmn:process>
"""

# Documents requested; the process waits for them (a message) or two weeks.
DOCUMENTS = f"""
<bpmn:message id="Msg_Docs" name="documents_received"/>
<bpmn:process id="P" isExecutable="true">
  <bpmn:startEvent id="StartEvent_1"/>
  {flow("f1", "StartEvent_1", "Request")}
  <bpmn:serviceTask id="Request" camunda:type="external" camunda:topic="request_documents"/>
  {flow("f2", "Request", "Either")}
  <bpmn:eventBasedGateway id="Either"/>
  {flow("f3", "Either", "Received")}
  {flow("f4", "Either", "TwoWeeks")}
  <bpmn:intermediateCatchEvent id="Received">
    <bpmn:messageEventDefinition messageRef="Msg_Docs"/>
  </bpmn:intermediateCatchEvent>
  <bpmn:intermediateCatchEvent id="TwoWeeks">
    <bpmn:timerEventDefinition><bpmn:timeDuration>P14D</bpmn:timeDuration>
    </bpmn:timerEventDefinition>
  </bpmn:intermediateCatchEvent>
  {flow("f5", "Received", "Check")}
  <bpmn:userTask id="Check" name="Unterlagen prüfen"/>
  {flow("f6", "Check", "EndEvent_1")}
  <bpmn:endEvent id="EndEvent_1"/>
  {flow("f7", "TwoWeeks", "Reject")}
  <bpmn:userTask id="Reject" name="Ablehnen"/>
  {flow("f8", "Reject", "End2")}
  <bpmn:endEvent id="End2"/>
</bpmn:process>
"""


def with_diagram(body: str) -> bytes:
    """The whole file of a model, with a diagram as a modeller would save it: a shape for
    every flow node, an edge for every flow (laid out in a row)."""
    root = etree.fromstring((HEAD + body + "</bpmn:definitions>").encode())
    bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL"
    di = "http://www.omg.org/spec/BPMN/20100524/DI"
    dc = "http://www.omg.org/spec/DD/20100524/DC"
    ddi = "http://www.omg.org/spec/DD/20100524/DI"
    diagram = etree.SubElement(root, f"{{{di}}}BPMNDiagram", id="BPMNDiagram_1")
    process = root.find(f"{{{bpmn}}}process")
    plane = etree.SubElement(
        diagram, f"{{{di}}}BPMNPlane", id="BPMNPlane_1", bpmnElement=process.get("id")
    )
    x = 100
    for element in process.iter():
        if not isinstance(element.tag, str) or element.get("id") is None:
            continue
        tag = etree.QName(element).localname
        if tag == "sequenceFlow":
            edge = etree.SubElement(
                plane,
                f"{{{di}}}BPMNEdge",
                id=f"{element.get('id')}_di",
                bpmnElement=element.get("id"),
            )
            for point in (x, x + 50):
                etree.SubElement(edge, f"{{{ddi}}}waypoint", x=str(point), y="120")
        elif tag not in {"conditionExpression", "timerEventDefinition", "messageEventDefinition"}:
            shape = etree.SubElement(
                plane,
                f"{{{di}}}BPMNShape",
                id=f"{element.get('id')}_di",
                bpmnElement=element.get("id"),
            )
            etree.SubElement(shape, f"{{{dc}}}Bounds", x=str(x), y="80", width="100", height="80")
            x += 150
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# Four eyes: the approval (Zeichnung) is for case workers and the team lead, never for whoever
# did the check (`approves` in the task headers, as Camunda Modeler 8 writes them).
FOUR_EYES = CHECK_AND_NOTIFY.replace(
    """<bpmn:userTask id="Sign" name="Zeichnen">
    <bpmn:extensionElements>
      <zeebe:assignmentDefinition candidateGroups="team_lead"/>
    </bpmn:extensionElements>""",
    """<bpmn:userTask id="Sign" name="Zeichnen">
    <bpmn:extensionElements>
      <zeebe:assignmentDefinition candidateGroups="case_worker, team_lead"/>
      <zeebe:taskHeaders><zeebe:header key="approves" value="Check"/></zeebe:taskHeaders>
    </bpmn:extensionElements>""",
)
assert FOUR_EYES != CHECK_AND_NOTIFY

# The dog tax from a decision table (Camunda 7: decisionRef and resultVariable); a high tax
# goes to a clerk.
DOG_TAX = f"""
<bpmn:process id="P" isExecutable="true">
  <bpmn:startEvent id="StartEvent_1"/>
  {flow("f1", "StartEvent_1", "Fee")}
  <bpmn:businessRuleTask id="Fee" name="Steuer berechnen" camunda:decisionRef="Decision_1"
      camunda:resultVariable="fee"/>
  {flow("f2", "Fee", "High")}
  <bpmn:exclusiveGateway id="High" default="f4"/>
  {flow("f3", "High", "Review", "=fee &gt; 300")}
  {flow("f4", "High", "EndEvent_1")}
  <bpmn:userTask id="Review" name="Hohe Steuer prüfen"/>
  {flow("f5", "Review", "EndEvent_1")}
  <bpmn:endEvent id="EndEvent_1"/>
</bpmn:process>
"""
