"""Task forms of process models (issue 12 §1): a version carries `NAME.form.json` files next
to its BPMN; the check refuses a user task whose form key names no form of the version (the
built-in keys "pruefung" and "entscheidung" excepted) and a form file that is no form
(not JSON, no "schema"/"ui", an invalid JSON Schema, a field naming no property); the upload
stores the forms with kind "form", and `workflow.forms.task_form` finds a task's form by its
key in any of the tools' spellings."""

import json

import pytest

from rathaus.core.actors import Actor
from rathaus.core.errors import DomainError
from rathaus.staff.models import Role
from rathaus.workflow import services as workflow_services
from rathaus.workflow.bpmn import ModelFile, model_check
from rathaus.workflow.forms import form_name_of_key, task_form
from tests.factories import FormDefinitionFactory, OfficeFactory
from tests.staff.people import make_staff
from tests.workflow.engine_models import CHECK_AND_NOTIFY, with_diagram
from tests.workflow.task_form_models import FORM, assessment, form_file


def check(body, forms):
    return model_check(bpmn=[ModelFile("antrag.bpmn", with_diagram(body))], dmn=[], forms=forms)


FORM_FILE = ModelFile("bewertung.form.json", form_file())


@pytest.mark.parametrize(
    "key",
    [
        "bewertung",
        "Bewertung",
        "camunda-forms:bpmn:bewertung",
        "embedded:app:forms/bewertung.form.json",
        "embedded:deployment:bewertung.form",
    ],
)
def test_a_user_task_names_a_form_of_the_version_in_any_spelling(key):
    report = check(assessment(key), [FORM_FILE])
    assert report.runnable, report.lines()
    assert form_name_of_key(key) == "bewertung"


def test_camunda_7_and_camunda_8_form_ids_are_read():
    camunda7 = (
        assessment()
        .replace('<zeebe:formDefinition formKey="camunda-forms:bpmn:bewertung"/>', "")
        .replace('name="Antrag bewerten"', 'name="Antrag bewerten" camunda:formKey="termin"')
    )
    refused = check(camunda7, [FORM_FILE]).refused
    assert [(f.element, f.id) for _n, f in refused] == [("userTask", "Assess")]
    camunda8 = assessment().replace('formKey="camunda-forms:bpmn:bewertung"', 'formId="bewertung"')
    assert check(camunda8, [FORM_FILE]).runnable


def test_a_form_key_without_its_file_is_refused_with_task_and_line():
    report = check(assessment("termin"), [FORM_FILE])
    assert not report.runnable
    [(name, finding)] = report.refused
    assert (name, finding.element, finding.id) == ("antrag.bpmn", "userTask", "Assess")
    assert finding.line == 7
    assert report.lines() == [
        "antrag.bpmn: userTask 'Assess' (line 7): the task 'Antrag bewerten' names the form "
        "'termin', which is not among the version's files (upload termin.form.json with it)"
    ]


def test_the_built_in_forms_need_no_file_and_the_command_line_check_skips_form_keys():
    assert check(CHECK_AND_NOTIFY, []).runnable  # "pruefung"
    entscheidung = assessment("entscheidung")
    assert check(entscheidung, []).runnable
    # bpmn_check and the engine call the check without forms: keys are not looked at.
    no_forms = model_check(bpmn=[ModelFile("a.bpmn", with_diagram(assessment("termin")))], dmn=[])
    assert no_forms.runnable


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"{not json", "not well-formed JSON"),
        (b"[1, 2]", "a JSON object with 'schema' and 'ui'"),
        (json.dumps({"schema": FORM["schema"]}).encode(), "a form needs 'ui'"),
        (
            json.dumps({**FORM, "schema": {"type": "object", "required": "fee"}}).encode(),
            "'schema' is no valid JSON Schema at required",
        ),
        (
            json.dumps({**FORM, "schema": {"type": "string"}}).encode(),
            "must have type 'object'",
        ),
        (json.dumps({**FORM, "ui": {"steps": []}}).encode(), "'ui' needs 'steps'"),
        (
            json.dumps(
                {
                    "schema": FORM["schema"],
                    "ui": {"steps": [{"id": "a", "fields": [{"field": "/nope", "label": "X"}]}]},
                }
            ).encode(),
            "ui/steps/0/fields/0 names no property of the schema",
        ),
        (
            json.dumps(
                {
                    "schema": {
                        "type": "object",
                        "properties": {"rows": {"type": "array", "items": {"type": "object"}}},
                    },
                    "ui": {"steps": [{"id": "a", "fields": [{"field": "/rows", "label": "R"}]}]},
                }
            ).encode(),
            "not lists or objects",
        ),
    ],
)
def test_a_form_file_that_is_no_form_is_refused(data, says):
    report = check(assessment(), [ModelFile("bewertung.form.json", data)])
    assert not report.runnable
    [line] = report.lines()
    assert line.startswith("bewertung.form.json: file: ") and says in line, line


@pytest.mark.django_db
def test_the_upload_stores_the_forms_and_refuses_a_json_file_not_named_as_a_form():
    office = OfficeFactory()
    admin = make_staff("fach", (office, Role.SPECIALIST_ADMIN))
    service = FormDefinitionFactory().service
    upload = {
        "actor": Actor.person(admin),
        "service": service,
        "municipality": office.municipality,
    }
    version = workflow_services.version_upload(
        **upload,
        files=[
            workflow_services.ModelFile("antrag.bpmn", with_diagram(assessment())),
            workflow_services.ModelFile("Bewertung.form.json", form_file()),
        ],
    )
    assert version.runnable, version.check_report
    kinds = {f["name"]: f["kind"] for f in version.files}
    assert kinds == {"antrag.bpmn": "bpmn", "Bewertung.form.json": "form"}
    assert task_form(files=version.files, form_key="camunda-forms:bpmn:bewertung") == {
        "schema": FORM["schema"],
        "ui": FORM["ui"],
    }
    assert task_form(files=version.files, form_key="pruefung") is None
    assert task_form(files=version.files, form_key="") is None

    missing = workflow_services.version_upload(
        **upload, files=[workflow_services.ModelFile("antrag.bpmn", with_diagram(assessment()))]
    )
    assert not missing.runnable
    assert "names the form 'camunda-forms:bpmn:bewertung'" in missing.check_report[0]

    with pytest.raises(DomainError) as refused:
        workflow_services.version_upload(
            **upload,
            files=[
                workflow_services.ModelFile("antrag.bpmn", with_diagram(assessment())),
                workflow_services.ModelFile("bewertung.json", form_file()),
            ],
        )
    assert refused.value.field == "files" and "NAME.form.json" in refused.value.message
