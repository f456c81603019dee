"""Task forms on the staff pages (issue 12 §1): a version uploaded with its form file through
/intern/prozessmodelle/, a missing form refused by the check; the task page renders the
form's fields as the online forms do (KERN UX, labels, help, options, optional marks); invalid
data answer 400 with the form engine's German messages in a linked error summary and nothing
is completed; valid data reach the instance typed as the schema says and the process
branches on them; the completed task shows the values with the form's labels."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rathaus.core.actors import Actor
from rathaus.workflow import services as workflow_services
from rathaus.workflow.models import ModelVersion, WorkItem
from tests.applications.inbox_data import make_submission
from tests.backoffice.test_workflow_pages import as_, submit, text_of, url, world  # noqa: F401
from tests.workflow.engine_models import with_diagram
from tests.workflow.task_form_models import FORM, assessment, form_file

pytestmark = pytest.mark.django_db


def publish_with_form(world, key="camunda-forms:bpmn:bewertung", form=None):  # noqa: F811
    actor = Actor.person(world["admin"])
    version = workflow_services.version_upload(
        actor=actor,
        service=world["form"].service,
        municipality=world["office"].municipality,
        files=[
            workflow_services.ModelFile("antrag.bpmn", with_diagram(assessment(key))),
            workflow_services.ModelFile("bewertung.form.json", form_file(form)),
        ],
    )
    assert version.runnable, version.check_report
    return workflow_services.version_publish(actor=actor, version_id=version.pk)


@pytest.fixture
def task(world):  # noqa: F811
    publish_with_form(world)
    _submission, item = submit(world)
    return item


def upload(client, world, files):  # noqa: F811
    return client.post(
        url("process-version-upload"),
        {
            "service": str(world["form"].service.pk),
            "municipality": str(world["office"].municipality.pk),
            "model_files": [
                SimpleUploadedFile(name, data, "application/octet-stream") for name, data in files
            ],
        },
    )


def test_a_version_is_uploaded_with_its_form_and_refused_without_it(client, world):  # noqa: F811
    make_submission(office=world["office"], form=world["form"])  # the service offered there
    as_(client, world["admin"])
    page = text_of(client.get(url("process-models")))
    assert "BPMN-, DMN- und Formulardateien" in page and "NAME.form.json" in page
    assert 'accept=".bpmn,.dmn,.json"' in page

    model = with_diagram(assessment())
    done = upload(client, world, [("antrag.bpmn", model), ("bewertung.form.json", form_file())])
    assert done.status_code == 302
    version = ModelVersion.objects.get()
    assert version.runnable and [f["kind"] for f in version.files] == ["bpmn", "form"]

    missing = upload(client, world, [("antrag.bpmn", model)])
    assert missing.status_code == 302
    broken = ModelVersion.objects.exclude(pk=version.pk).get()
    assert not broken.runnable
    page = text_of(client.get(missing["Location"]))
    assert "nennt das Formular 'camunda-forms:bpmn:bewertung'" in page
    assert "das nicht unter den Dateien der Version ist" in page and "(Zeile 7)" in page

    wrong_name = upload(client, world, [("antrag.bpmn", model), ("bewertung.json", form_file())])
    assert wrong_name.status_code == 400
    assert "„bewertung.json“ ist kein Aufgabenformular" in text_of(wrong_name)
    assert 'href="#id_model_files"' in text_of(wrong_name)


def test_the_task_page_renders_the_forms_fields(client, world, task):  # noqa: F811
    as_(client, world["clerk"])
    page = text_of(client.get(url("task", task.pk)))
    form = page.split('id="complete-heading"', 1)[1].split("</form>", 1)[0]
    assert '<label class="kern-label" for="tf-fee">Gebühr in Euro</label>' in form
    assert 'id="tf-fee-help">Zum Beispiel 150,50.' in form and 'inputmode="decimal"' in form
    # The enum as a radio group with its labels, in a fieldset with a legend.
    assert '<legend class="kern-label">Tarif</legend>' in form
    assert 'type="radio" name="/tariff" id="tf-tariff-0" value="standard"' in form
    assert ">Regeltarif</label>" in form and ">Ermäßigt</label>" in form
    assert 'name="/decided_on"' in form and "Zum Beispiel 15.06.1990" in form
    assert 'type="checkbox" name="/approved"' in form
    assert "Anzahl Ausfertigungen <span" in form and "– optional" in form
    assert 'inputmode="numeric"' in form
    # A question shown only for the reduced tariff is not asked yet.
    assert "Begründung" not in form
    assert 'name="complete-note"' in form  # the note as always
    assert "Betrag in Euro" not in form  # not the built-in form


def test_invalid_data_are_refused_in_german_and_nothing_is_completed(client, world, task):  # noqa: F811
    as_(client, world["clerk"])
    response = client.post(
        url("task-complete", task.pk),
        {
            "/fee": "zwölf",
            "/decided_on": "31.02.2026",
            "/copies": "2,5",
            "complete-note": "Vermerk bleibt stehen.",
        },
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "<title>Fehler: " in page
    summary = page.split('id="error-summary"', 1)[1].split("</ul>", 1)[0]
    assert (
        '<a href="#tf-fee">„Gebühr in Euro“ muss eine Zahl sein, zum Beispiel 12,5.</a>' in summary
    )
    assert '<a href="#tf-tariff-0">Wählen Sie bei „Tarif“ eine Antwort aus.</a>' in summary
    assert (
        '<a href="#tf-decided_on">„Entschieden am“ muss ein gültiges Datum sein, zum Beispiel 15.06.1990.'
        in summary
    )
    assert '<a href="#tf-copies">„Anzahl Ausfertigungen“ muss eine ganze Zahl sein' in summary
    # The order of the form; each message again at its field, the input kept.
    assert summary.index("tf-fee") < summary.index("tf-tariff") < summary.index("tf-copies")
    assert 'id="tf-fee-error"' in page and 'aria-invalid="true"' in page
    assert 'value="zwölf"' in page and 'value="31.02.2026"' in page
    assert "Vermerk bleibt stehen." in page
    item = WorkItem.objects.get(pk=task.pk)
    assert item.status == WorkItem.Status.OPEN and item.result in (None, {})

    # A revealed question (reduced tariff) with a rule of its own.
    reduced = client.post(
        url("task-complete", task.pk),
        {"/fee": "10", "/tariff": "reduced", "/decided_on": "01.03.2026", "/reason": "x" * 501},
    )
    assert reduced.status_code == 400
    page = text_of(reduced)
    assert '<a href="#tf-reason">„Begründung“ darf höchstens 500 Zeichen lang sein.</a>' in page
    assert WorkItem.objects.get(pk=task.pk).status == WorkItem.Status.OPEN


@pytest.mark.parametrize(
    ("approved", "next_step"), [(True, "Sign"), (False, "File")], ids=["granted", "refused"]
)
def test_valid_data_go_typed_into_the_process_which_branches_on_them(
    client,
    world,  # noqa: F811
    task,
    approved,
    next_step,
):
    as_(client, world["clerk"])
    post = {
        "/fee": "1.234,50",
        "/tariff": "reduced",
        "/decided_on": "1.3.2026",
        "/copies": "3",
        "/reason": "Schwerbehindertenausweis liegt vor.",
        "/hacked": "nicht im Formular",
        "complete-note": "  Alles geprüft. ",
    }
    if approved:
        post["/approved"] = "true"
    done = client.post(url("task-complete", task.pk), post)
    assert done.status_code == 302 and done["Location"] == url("tasks")
    item = WorkItem.objects.get(pk=task.pk)
    assert item.status == WorkItem.Status.DONE
    assert item.result == {
        "fee": 1234.5,
        "tariff": "reduced",
        "decided_on": "2026-03-01",
        "approved": approved,
        "copies": 3,
        "reason": "Schwerbehindertenausweis liegt vor.",
        "note": "Alles geprüft.",
    }
    # The gateway reads the typed data: granted above 100 euros goes to the signature.
    following = WorkItem.objects.get(case=task.case, status=WorkItem.Status.OPEN)
    assert following.element == next_step

    page = text_of(client.get(url("task", task.pk)))
    result = page.split('id="result-heading"', 1)[1].split("</section>", 1)[0]
    expected = [
        ("Gebühr in Euro", "1234,5"),
        ("Tarif", "Ermäßigt"),
        ("Entschieden am", "01.03.2026"),
        ("Antrag genehmigt", "ja" if approved else "nein"),
        ("Anzahl Ausfertigungen", "3"),
        ("Begründung", "Schwerbehindertenausweis liegt vor."),
        ("Ergebnis / Vermerk", "Alles geprüft."),
    ]
    for label, value in expected:
        assert (
            f'<dt class="kern-description-list-item__key">{label}</dt>'
            f'<dd class="kern-description-list-item__value">{value}</dd>'
        ) in result
    assert "Aufgabe erledigen" not in page


def test_a_hidden_answer_does_not_reach_the_process(client, world, task):  # noqa: F811
    as_(client, world["clerk"])
    done = client.post(
        url("task-complete", task.pk),
        {"/fee": "80", "/tariff": "standard", "/decided_on": "2026-03-01", "/reason": "weg"},
    )
    assert done.status_code == 302
    result = WorkItem.objects.get(pk=task.pk).result
    assert "reason" not in result and result["fee"] == 80 and result["approved"] is False


def test_a_form_with_its_own_note_has_no_second_one(client, world):  # noqa: F811
    form = {
        "schema": {
            "type": "object",
            "properties": {**FORM["schema"]["properties"], "note": {"type": "string"}},
            "required": ["fee"],
        },
        "ui": {
            "steps": [
                {
                    "id": "a",
                    "title": {"de": "A"},
                    "fields": [
                        {"field": "/fee", "label": {"de": "Gebühr in Euro"}},
                        {"field": "/note", "label": {"de": "Vermerk der Prüfung"}},
                    ],
                }
            ]
        },
    }
    publish_with_form(world, form=form)
    _submission, item = submit(world)
    as_(client, world["clerk"])
    page = text_of(client.get(url("task", item.pk)))
    assert "Vermerk der Prüfung" in page and 'name="complete-note"' not in page
    done = client.post(url("task-complete", item.pk), {"/fee": "5", "/note": "gut"})
    assert done.status_code == 302
    assert WorkItem.objects.get(pk=item.pk).result == {"fee": 5, "note": "gut"}
