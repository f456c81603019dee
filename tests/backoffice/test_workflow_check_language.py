"""The upload in /intern/prozessmodelle/ checks a model in the page's language: the version's
check lists German lines (element ids, tags and file names as written), no longer marked as
English."""

import pytest

from rathaus.workflow.models import ModelVersion
from tests.applications.inbox_data import make_submission
from tests.backoffice.test_workflow_pages import as_, text_of, upload, world  # noqa: F401
from tests.workflow.engine_models import CHECK_AND_NOTIFY, with_diagram

pytestmark = pytest.mark.django_db

# A script task instead of the check, a data object beside it (a note).
SCRIPT_AND_NOTE = CHECK_AND_NOTIFY.replace(
    '<bpmn:userTask id="Check" name="Antrag prüfen" camunda:candidateGroups="Sachbearbeitung"\n'
    '      camunda:formKey="pruefung"/>',
    '<bpmn:scriptTask id="Check"/><bpmn:dataObject id="Akte"/>',
)


def test_the_upload_stores_and_shows_the_check_in_german(client, world):  # noqa: F811
    assert SCRIPT_AND_NOTE != CHECK_AND_NOTIFY
    make_submission(office=world["office"], form=world["form"])  # the service offered there
    as_(client, world["admin"])
    response = upload(client, world, "skript.bpmn", with_diagram(SCRIPT_AND_NOTE))
    assert response.status_code == 302
    version = ModelVersion.objects.get()
    assert not version.runnable
    refusal = next(line for line in version.check_report if "scriptTask" in line)
    assert refusal.startswith("skript.bpmn: scriptTask 'Check' (Zeile ")
    assert "Skriptaufgaben werden nicht ausgeführt" in refusal
    note = next(line for line in version.check_report if "dataObject" in line)
    assert "Datenobjekte sind beschreibend" in note
    page = text_of(client.get(response["Location"]))
    # In the page's language: the lists carry no lang="en" any more.
    assert f'<ul class="kern-list"><li>{refusal}</li>' in page
    assert f'<ul class="kern-list"><li>{note}</li>' in page
