"""`manage.py bpmn_check` and the model check behind the upload (issue 12 §1, §5): a model
runs, or every element the engine does not execute is named with its tag, id and line and
why; invalid XML, the official schema, a missing diagram, unknown elements."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rathaus.workflow.bpmn import ModelFile, model_check
from tests.workflow.engine_models import (
    CHECK_AND_NOTIFY,
    DEADLINE,
    DOCUMENTS,
    DOG_TAX,
    HEAD,
    flow,
    with_diagram,
)


def check(body, dmn=None):
    files = [ModelFile("m.bpmn", with_diagram(body))]
    return model_check(bpmn=files, dmn=[ModelFile("t.dmn", d.encode()) for d in dmn or []])


def refused(report):
    return {(f.element, f.id) for _, f in report.refused}


@pytest.mark.parametrize("body", [CHECK_AND_NOTIFY, DEADLINE, DOCUMENTS])
def test_the_engines_models_are_runnable(body):
    report = check(body)
    assert report.runnable, report.lines()
    assert report.main_process == "P"


def test_a_business_rule_task_needs_its_decision_uploaded():
    from tests.workflow.test_engine import dog_tax_table

    assert check(DOG_TAX, [dog_tax_table()]).runnable
    assert refused(check(DOG_TAX)) == {("businessRuleTask", "Fee")}


def test_everything_the_engine_does_not_run_is_named():
    body = (
        CHECK_AND_NOTIFY.replace(
            '<bpmn:userTask id="Check" name="Antrag prüfen" camunda:candidateGroups="Sachbearbeitung"\n      camunda:formKey="pruefung"/>',
            '<bpmn:scriptTask id="Check" scriptFormat="python"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>',
        )
        .replace(
            'camunda:type="external"\n      camunda:topic="notify"',
            'camunda:class="de.example.Notify"',
        )
        .replace("${amount &gt; 100}", "${amount == 1 &amp;&amp; b}")
        .replace('candidateGroups="team_lead"', 'candidateGroups="Hausmeister"')
    )
    report = check(body)
    assert not report.runnable
    assert refused(report) == {
        ("scriptTask", "Check"),
        ("serviceTask", "Notify"),
        ("sequenceFlow", "f3"),
        ("userTask", "Sign"),
    }
    lines = "\n".join(report.lines())
    assert "may not run code" in lines and "Java" in lines and "Hausmeister" in lines


def test_timers_must_be_iso_8601_and_start_events_plain():
    body = DEADLINE.replace("R3/P7D", "0 0 9 * * ?").replace(
        '<bpmn:startEvent id="StartEvent_1"/>',
        '<bpmn:startEvent id="StartEvent_1"><bpmn:timerEventDefinition>'
        "<bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>",
    )
    report = check(body)
    assert refused(report) == {("boundaryEvent", "Reminder"), ("startEvent", "StartEvent_1")}
    assert "cron" in "\n".join(report.lines())


def test_invalid_files_and_a_missing_diagram_are_refused_before_the_engine():
    bare = (HEAD + CHECK_AND_NOTIFY + "</bpmn:definitions>").encode()
    no_diagram = model_check(bpmn=[ModelFile("m.bpmn", bare)], dmn=[])
    assert ("definitions", "Definitions_1") in refused(no_diagram)
    assert "diagram" in "\n".join(no_diagram.lines())
    for data, words in [
        (b"<bpmn:definitions", "well-formed"),
        (b'<definitions xmlns="http://example.org/x"/>', "not a BPMN 2.0 model"),
        (with_diagram(CHECK_AND_NOTIFY.replace("<bpmn:endEvent", "<bpmn:endEvents")), "BPMN 2.0"),
    ]:
        report = model_check(bpmn=[ModelFile("x.bpmn", data)], dmn=[])
        assert not report.runnable and words in "\n".join(report.lines())


def test_no_executable_process_and_reserved_ids():
    report = check(CHECK_AND_NOTIFY.replace('isExecutable="true"', 'isExecutable="false"'))
    assert not report.runnable and "executable" in "\n".join(report.lines())
    report = check(
        f"""<bpmn:process id="P" isExecutable="true"><bpmn:startEvent id="Start"/>
        {flow("f1", "Start", "E")}<bpmn:endEvent id="E"/></bpmn:process>"""
    )
    assert ("startEvent", "Start") in refused(report)


def test_the_command_exits_zero_only_for_a_runnable_model(tmp_path):
    good = tmp_path / "antrag.bpmn"
    good.write_bytes(with_diagram(CHECK_AND_NOTIFY))
    out = StringIO()
    call_command("bpmn_check", str(good), "--language", "en", stdout=out)
    assert "runnable: process 'P'" in out.getvalue()
    bad = tmp_path / "skript.bpmn"
    bad.write_bytes(
        with_diagram(
            f"""<bpmn:process id="P" isExecutable="true"><bpmn:startEvent id="S"/>
            {flow("f1", "S", "Run")}<bpmn:scriptTask id="Run"/>{flow("f2", "Run", "E")}
            <bpmn:endEvent id="E"/></bpmn:process>"""
        )
    )
    out = StringIO()
    with pytest.raises(CommandError, match="refused: 1 problem"):
        call_command("bpmn_check", str(bad), "--language", "en", stdout=out)
    assert "skript.bpmn: scriptTask 'Run' (line" in out.getvalue()


def test_the_standards_potential_owner_names_the_role():
    """Eclipse BPMN2 Modeler and jBPM name a user task's group with `potentialOwner` — by a
    formal expression or a reference to a named `resource`; a group that is no staff role is
    refused, not ignored."""
    from lxml import etree

    from rathaus.workflow.bpmn.extensions import roles_of

    body = f"""
<bpmn:resource id="Resource_Lead" name="Teamleitung"/>
<bpmn:process id="P" isExecutable="true">
  <bpmn:startEvent id="StartEvent_1"/>
  {flow("f1", "StartEvent_1", "Check")}
  <bpmn:userTask id="Check" name="Prüfen">
    <bpmn:potentialOwner id="Owner_1"><bpmn:resourceAssignmentExpression>
      <bpmn:formalExpression>Sachbearbeitung</bpmn:formalExpression>
    </bpmn:resourceAssignmentExpression></bpmn:potentialOwner>
  </bpmn:userTask>
  {flow("f2", "Check", "Sign")}
  <bpmn:userTask id="Sign" name="Zeichnen">
    <bpmn:potentialOwner id="Owner_2"><bpmn:resourceRef>Resource_Lead</bpmn:resourceRef>
    </bpmn:potentialOwner>
  </bpmn:userTask>
  {flow("f3", "Sign", "EndEvent_1")}
  <bpmn:endEvent id="EndEvent_1"/>
</bpmn:process>
"""
    report = check(body)
    assert report.runnable, report.lines()
    root = etree.fromstring(with_diagram(body))
    tasks = {t.get("id"): t for t in root.iter("{*}userTask")}
    assert roles_of(tasks["Check"]) == ["Sachbearbeitung"]
    assert roles_of(tasks["Sign"]) == ["Teamleitung"]
    unknown = check(body.replace(">Sachbearbeitung<", ">HR-Abteilung<"))
    assert ("userTask", "Check") in refused(unknown)


def test_input_and_output_mappings_are_carried_out_or_refused_never_ignored():
    """Camunda 7 input parameters (literal, or `${…}` read as FEEL) and Camunda 8 ioMapping
    inputs become the task's parameters; scripts in parameters and output mappings are
    refused by name."""
    from lxml import etree

    from rathaus.workflow.bpmn.extensions import parameters_of

    def model(extensions):
        return f"""
<bpmn:process id="P" isExecutable="true">
  <bpmn:startEvent id="StartEvent_1"/>
  {flow("f1", "StartEvent_1", "Status")}
  <bpmn:serviceTask id="Status" name="Status" camunda:type="external" camunda:topic="status_set">
    <bpmn:extensionElements>{extensions}</bpmn:extensionElements>
  </bpmn:serviceTask>
  {flow("f2", "Status", "EndEvent_1")}
  <bpmn:endEvent id="EndEvent_1"/>
</bpmn:process>
"""

    literal = model(
        '<camunda:inputOutput><camunda:inputParameter name="status">decided'
        '</camunda:inputParameter><camunda:inputParameter name="note">${reason}'
        "</camunda:inputParameter></camunda:inputOutput>"
        '<zeebe:ioMapping><zeebe:input source="=fee * 2" target="amount"/></zeebe:ioMapping>'
    )
    assert check(literal).runnable, check(literal).lines()
    task = next(etree.fromstring(with_diagram(literal)).iter("{*}serviceTask"))
    assert parameters_of(task) == {"status": "decided", "note": "=reason", "amount": "=fee * 2"}
    script = model(
        '<camunda:inputOutput><camunda:inputParameter name="status">'
        '<camunda:script scriptFormat="JavaScript">"decided"</camunda:script>'
        "</camunda:inputParameter></camunda:inputOutput>"
    )
    output = model('<zeebe:ioMapping><zeebe:output source="=x" target="y"/></zeebe:ioMapping>')
    juel = model(
        '<camunda:inputOutput><camunda:inputParameter name="status">${a == 1 &amp;&amp; b}'
        "</camunda:inputParameter></camunda:inputOutput>"
    )
    for body, needle in (
        (script, "'status' is a script"),
        (output, "output mapping 'y'"),
        (juel, "the parameter 'status'"),
    ):
        report = check(body)
        assert not report.runnable and ("serviceTask", "Status") in refused(report)
        assert any(needle in line for line in report.lines()), report.lines()


def test_a_tools_extension_content_is_left_to_the_tool_whatever_its_namespace():
    """W4 BPMN+ (the MIWG's C.1.1) writes its grid and rulers into extensionElements without a
    prefix, so they inherit BPMN as their namespace: they are no BPMN elements to refuse."""
    body = CHECK_AND_NOTIFY.replace(
        '<bpmn:process id="P" isExecutable="true">',
        '<bpmn:process id="P" isExecutable="true"><bpmn:extensionElements>'
        '<w4graph:graphStyle xmlns:w4graph="http://www.w4.eu/spec/BPMN/20110930/GRAPH">'
        '<w4graph:root gridVisible="true"><Grid xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"'
        ' spacing="15"/><VerticalRuler xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>'
        "</w4graph:root></w4graph:graphStyle></bpmn:extensionElements>",
    )
    assert "<Grid" in body
    report = check(body)
    assert report.runnable, report.lines()


def test_a_condition_in_the_xpath_the_model_declares_is_refused_as_xpath():
    from tests.workflow.engine_models import HEAD

    xpath = 'expressionLanguage="http://www.w3.org/1999/XPath" '
    assert "<bpmn:definitions " in HEAD
    body = CHECK_AND_NOTIFY.replace("${amount &gt; 100}", "bpmn:getDataObject('amount') &gt; 100")
    files = [
        ModelFile(
            "m.bpmn",
            with_diagram(body).replace(
                b"<bpmn:definitions ", b"<bpmn:definitions " + xpath.encode(), 1
            ),
        )
    ]
    report = model_check(bpmn=files, dmn=[])
    lines = "\n".join(report.lines())
    assert not report.runnable
    assert "is XPath (the model's expression language)" in lines, lines


@pytest.mark.parametrize(
    ("attribute", "reason"),
    [
        ("", "names no process to call (calledElement)"),
        (' calledElement="Elsewhere"', "calls 'Elsewhere', which is no process of this model"),
    ],
)
def test_a_call_activity_must_call_a_process_of_the_upload(attribute, reason):
    body = f"""
<bpmn:process id="P" isExecutable="true">
  <bpmn:startEvent id="Begin"/>
  {flow("f1", "Begin", "Call")}
  <bpmn:callActivity id="Call"{attribute}/>
  {flow("f2", "Call", "Done")}
  <bpmn:endEvent id="Done"/>
</bpmn:process>
"""
    report = check(body)
    assert refused(report) == {("callActivity", "Call")}
    assert reason in "\n".join(report.lines())
