"""A process model with a task form (`bewertung.form.json`), as the tests of the check, the
task page and the accessibility seed upload it: the clerk assesses the application (fee,
tariff, decision date, granted or not); granted with a fee above 100 euros goes to the team
lead's signature, everything else is filed."""

import json

from tests.workflow.engine_models import flow

FORM_NAME = "bewertung"

# In the format of an online form definition: JSON Schema + UI layer.
FORM = {
    "schema": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "fee": {"type": "number", "minimum": 0, "maximum": 100000},
            "tariff": {"type": "string", "enum": ["standard", "reduced"]},
            "decided_on": {"type": "string", "format": "date"},
            "approved": {"type": "boolean"},
            "copies": {"type": "integer", "minimum": 1, "maximum": 10},
            "reason": {"type": "string", "maxLength": 500},
        },
        "required": ["fee", "tariff", "decided_on"],
    },
    "ui": {
        "steps": [
            {
                "id": "bewertung",
                "title": {"de": "Bewertung", "en": "Assessment"},
                "fields": [
                    {
                        "field": "/fee",
                        "label": {"de": "Gebühr in Euro", "en": "Fee in euros"},
                        "help": {"de": "Zum Beispiel 150,50.", "en": "For example 150.50."},
                    },
                    {
                        "field": "/tariff",
                        "label": {"de": "Tarif", "en": "Tariff"},
                        "options": {
                            "standard": {"de": "Regeltarif", "en": "Standard"},
                            "reduced": {"de": "Ermäßigt", "en": "Reduced"},
                        },
                    },
                    {"field": "/decided_on", "label": {"de": "Entschieden am", "en": "Decided on"}},
                    {"field": "/approved", "label": {"de": "Antrag genehmigt", "en": "Granted"}},
                    {
                        "field": "/copies",
                        "label": {"de": "Anzahl Ausfertigungen", "en": "Copies"},
                    },
                    {
                        "field": "/reason",
                        "label": {"de": "Begründung", "en": "Reason"},
                        "visible_if": {"field": "/tariff", "equals": "reduced"},
                    },
                ],
            }
        ]
    },
}


def form_file(form=None) -> bytes:
    return json.dumps(form or FORM, ensure_ascii=False).encode()


def assessment(form_key: str = f"camunda-forms:bpmn:{FORM_NAME}") -> str:
    """The model's body: a Camunda 8 user task naming the form, a gateway on its data."""
    return f"""
<bpmn:process id="P" isExecutable="true">
  <bpmn:startEvent id="StartEvent_1"/>
  {flow("f1", "StartEvent_1", "Assess")}
  <bpmn:userTask id="Assess" name="Antrag bewerten">
    <bpmn:extensionElements>
      <zeebe:formDefinition formKey="{form_key}"/>
      <zeebe:assignmentDefinition candidateGroups="case_worker"/>
    </bpmn:extensionElements>
  </bpmn:userTask>
  {flow("f2", "Assess", "Route")}
  <bpmn:exclusiveGateway id="Route" default="f4"/>
  {flow("f3", "Route", "Sign", "=approved and fee &gt; 100")}
  {flow("f4", "Route", "File")}
  <bpmn:userTask id="Sign" name="Gebühr zeichnen" camunda:candidateGroups="team_lead"/>
  {flow("f5", "Sign", "EndEvent_1")}
  <bpmn:endEvent id="EndEvent_1"/>
  <bpmn:userTask id="File" name="Ablegen"/>
  {flow("f6", "File", "EndEvent_2")}
  <bpmn:endEvent id="EndEvent_2"/>
</bpmn:process>
"""
