"""The workflow pages of the staff area (issue 12 §1 upload, §3): the worklist in its four
views with their counts, a work item with its case and where the process stands, claimed,
given back, assigned and completed through the forms (409 when another clerk took it), the
process models with the upload of a runnable and of a broken version, the check shown and
publishing only for runnable drafts. Need to know: another office's clerk and a clerk on the
model pages get 404; the worklist costs the same queries for more rows."""

import datetime as dt
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rathaus.applications.services import submission_create
from rathaus.catalog.models import LocalService
from rathaus.core.actors import Actor
from rathaus.core.models import AuditEvent
from rathaus.core.outbox_runner import outbox_drain
from rathaus.staff.models import Role
from rathaus.workflow import services as workflow_services
from rathaus.workflow.models import ModelVersion, ProcessInstance, WorkItem
from tests.applications.inbox_data import make_submission
from tests.factories import DraftFactory, FormDefinitionFactory, OfficeFactory
from tests.staff.people import login_with_mfa, make_staff
from tests.workflow.engine_models import CHECK_AND_NOTIFY, FOUR_EYES, with_diagram

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    office = OfficeFactory(name="Steueramt")
    form = FormDefinitionFactory(service__fee_rule={"kind": "free"})
    people = {
        "admin": make_staff("fach", (office, Role.SPECIALIST_ADMIN)),
        "clerk": make_staff(
            "sach", (office, Role.CASE_WORKER), first_name="Sabine", last_name="Acker"
        ),
        "colleague": make_staff(
            "sach2", (office, Role.CASE_WORKER), first_name="Tom", last_name="Berger"
        ),
        "lead": make_staff("lead", (office, Role.TEAM_LEAD), first_name="Lea", last_name="Chef"),
    }
    return {"office": office, "form": form, **people}


def publish(world, body=CHECK_AND_NOTIFY):
    actor = Actor.person(world["admin"])
    version = workflow_services.version_upload(
        actor=actor,
        service=world["form"].service,
        municipality=world["office"].municipality,
        files=[workflow_services.ModelFile("antrag.bpmn", with_diagram(body))],
    )
    assert version.runnable, version.check_report
    return workflow_services.version_publish(actor=actor, version_id=version.pk)


def submit(world):
    """A submission to the office whose case starts the published process (its work item)."""
    offer = LocalService.objects.filter(
        municipality=world["office"].municipality, service=world["form"].service
    ).first()
    if offer is None:
        submission = make_submission(office=world["office"], form=world["form"])
    else:
        draft = DraftFactory(form=world["form"], offer=offer)
        submission = submission_create(draft=draft, actor=Actor.person(draft.applicant))
    outbox_drain()
    return submission, WorkItem.objects.get(case=submission.case, status=WorkItem.Status.OPEN)


@pytest.fixture
def task(world):
    publish(world)
    submission, item = submit(world)
    return {"submission": submission, "item": item}


def url(name, *args):
    return reverse(f"backoffice:{name}", args=args)


def text_of(response):
    return unescape(response.content.decode())


def nav_count(page):
    """The count of the navigation's entry "Aufgaben" (the tasks assigned to me)."""
    found = re.search(r'>Aufgaben \((\d+)<span class="kern-sr-only"> mir zugewiesen</span>\)', page)
    return found and found.group(1)


def as_(client, person):
    client.logout()
    login_with_mfa(client, person)
    return client


def test_every_page_renders_for_the_right_person(client, world, task):
    item, submission = task["item"], task["submission"]
    as_(client, world["clerk"])
    queue = client.get(url("tasks"), {"ansicht": "nicht-zugewiesen"})
    assert queue.status_code == 200
    page = text_of(queue)
    assert "Nicht zugewiesen: 1 Aufgabe" in page and "Antrag prüfen" in page
    assert submission.case.reference in page and url("task", item.pk) in page
    assert nav_count(page) == "0"  # the navigation, with the count of mine
    assert "Prozessmodelle" not in page  # a case worker keeps no models

    detail = client.get(url("task", item.pk))
    assert detail.status_code == 200
    page = text_of(detail)
    assert url("submission-detail", submission.pk) in page  # the case's page
    assert submission.case.reference in page and "Steueramt" in page
    assert "Sachbearbeitung" in page  # the task's role
    assert "keine Frist" in page and "nicht zugewiesen" in page
    current = page.split("Aktuelle Schritte", 1)[1].split("Erledigte Schritte", 1)[0]
    done = page.split("Erledigte Schritte", 1)[1]
    assert "Antrag prüfen" in current and "<li>Start</li>" in done
    assert "StartEvent_1" not in page  # the modeller's ids are not for the clerk
    assert "Aufgabe übernehmen" in page and "Aufgabe erledigen" in page
    assert "Betrag in Euro" in page and "Ergebnis / Vermerk" in page  # the form "pruefung"
    assert 'aria-current="true"' in page  # the navigation knows where we are

    as_(client, world["admin"])
    models = client.get(url("process-models"))
    assert models.status_code == 200
    page = text_of(models)
    assert world["form"].service.name in page and world["office"].municipality.name in page
    assert "Version 1" in page and "veröffentlicht" in page
    assert "Neue Version hochladen" in page
    version = ModelVersion.objects.get()
    assert url("process-version", version.pk) in page
    assert 'href="/intern/prozessmodelle/" aria-current="page"' in page
    assert "Aufgaben (" not in page  # no case-handling role: no worklist
    assert client.get(url("tasks")).status_code == 404
    version_page = client.get(url("process-version", version.pk))
    assert version_page.status_code == 200
    page = text_of(version_page)
    assert "antrag.bpmn" in page and version.files[0]["sha256"] in page
    assert "ja: die Engine kann sie ausführen" in page
    assert "Version 1 veröffentlichen" not in page  # published already


def test_other_offices_and_other_roles_get_404(client, world, task):
    item = task["item"]
    neighbour = OfficeFactory(municipality=world["office"].municipality)
    stranger = make_staff("fremd", (neighbour, Role.CASE_WORKER))
    as_(client, stranger)
    assert client.get(url("task", item.pk)).status_code == 404
    assert client.post(url("task-claim", item.pk)).status_code == 404
    assert client.post(url("task-return", item.pk)).status_code == 404
    assert client.post(url("task-complete", item.pk), {"complete-amount": "1"}).status_code == 404
    assert (
        client.post(url("task-assign", item.pk), {"assign-assignee": str(stranger.pk)}).status_code
        == 404
    )
    assert "Antrag prüfen" not in text_of(client.get(url("tasks"), {"ansicht": "team"}))
    assert WorkItem.objects.get(pk=item.pk).assignee is None

    version = ModelVersion.objects.get()
    as_(client, world["clerk"])  # case work, no Fachadministration
    assert client.get(url("process-models")).status_code == 404
    assert client.get(url("process-version", version.pk)).status_code == 404
    assert client.post(url("process-version-publish", version.pk)).status_code == 404
    assert client.post(url("process-version-upload"), {}).status_code == 404

    elsewhere = make_staff("fach-fremd", (OfficeFactory(), Role.SPECIALIST_ADMIN))
    as_(client, elsewhere)  # keeps the models of another municipality
    assert client.get(url("process-models")).status_code == 200
    assert client.get(url("process-version", version.pk)).status_code == 404
    assert client.post(url("process-version-publish", version.pk)).status_code == 404


def counts_of(page):
    return dict(
        re.findall(r'\?ansicht=([a-z-]+)(?:&[^"]*)?"[^>]*>(?:<strong>)?[^<(]+\((\d+)\)', page)
    )


def test_the_worklist_views_and_their_counts(client, world, task):
    publish_item = task["item"]
    _, second = submit(world)
    _, third = submit(world)
    workflow_services.work_item_claim(actor=Actor.person(world["clerk"]), item_id=second.pk)
    WorkItem.objects.filter(pk=third.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    as_(client, world["clerk"])
    mine = text_of(client.get(url("tasks")))  # "meine" is the default
    assert counts_of(mine) == {
        "meine": "1",
        "team": "3",
        "nicht-zugewiesen": "2",
        "ueberfaellig": "1",
    }
    assert nav_count(mine) == "1"
    assert url("task", second.pk) in mine
    assert url("task", publish_item.pk) not in mine and url("task", third.pk) not in mine
    team = text_of(client.get(url("tasks"), {"ansicht": "team"}))
    assert all(url("task", i.pk) in team for i in (publish_item, second, third))
    assert "Sabine Acker" in team  # who has the second
    queue = text_of(client.get(url("tasks"), {"ansicht": "nicht-zugewiesen"}))
    assert url("task", second.pk) not in queue and url("task", third.pk) in queue
    overdue = text_of(client.get(url("tasks"), {"ansicht": "ueberfaellig"}))
    assert url("task", third.pk) in overdue and "überfällig" in overdue
    assert url("task", second.pk) not in overdue
    unknown = text_of(client.get(url("tasks"), {"ansicht": "alles"}))
    assert 'href="?ansicht=meine" aria-current="page"' in unknown  # falls back to mine


def test_the_worklist_is_narrowed_by_office_service_and_reference(client, world, task):
    first = task["item"]
    _, second = submit(world)
    as_(client, world["clerk"])
    page = text_of(client.get(url("tasks"), {"ansicht": "team"}))
    offices = page.split('name="dienststelle"', 1)[1].split("</select>", 1)[0]
    services = page.split('name="leistung"', 1)[1].split("</select>", 1)[0]
    assert "Steueramt" in offices and world["form"].service.name_de in services
    reference = second.case.reference
    narrowed = text_of(
        client.get(url("tasks"), {"ansicht": "team", "aktenzeichen": reference.lower()})
    )
    assert url("task", second.pk) in narrowed and url("task", first.pk) not in narrowed
    assert counts_of(narrowed)["team"] == "1"
    # The views keep the filter; "show all" drops it.
    assert f"?ansicht=nicht-zugewiesen&aktenzeichen={reference.lower()}" in narrowed
    assert 'href="?ansicht=team">Alle anzeigen</a>' in narrowed
    by_office = text_of(
        client.get(url("tasks"), {"ansicht": "team", "dienststelle": str(world["office"].pk)})
    )
    assert counts_of(by_office)["team"] == "2"
    other = OfficeFactory()
    unknown = client.get(url("tasks"), {"ansicht": "team", "dienststelle": str(other.pk)})
    assert unknown.status_code == 200 and counts_of(text_of(unknown))["team"] == "2"


def test_claim_give_back_assign_and_complete_through_the_forms(client, world, task):
    item = task["item"]
    as_(client, world["clerk"])
    claimed = client.post(url("task-claim", item.pk))
    assert claimed.status_code == 302 and claimed["Location"] == url("task", item.pk)
    assert WorkItem.objects.get(pk=item.pk).assignee == world["clerk"]
    page = text_of(client.get(claimed["Location"]))
    assert (
        "Sie bearbeiten jetzt diese Aufgabe." in page and "An die Warteschlange zurückgeben" in page
    )
    given_back = client.post(url("task-return", item.pk))
    assert given_back.status_code == 302 and given_back["Location"] == url("tasks")
    assert WorkItem.objects.get(pk=item.pk).assignee is None

    as_(client, world["lead"])
    page = text_of(client.get(url("task", item.pk)))
    clerks = page.split('name="assign-assignee"', 1)[1].split("</select>", 1)[0]
    # The office's clerks with the task's role (Sachbearbeitung), not the Fachadministration.
    assert "Sabine Acker" in clerks and "Tom Berger" in clerks and "fach" not in clerks
    refused = client.post(url("task-assign", item.pk), {"assign-assignee": str(world["admin"].pk)})
    assert refused.status_code == 400
    assert "Wählen Sie eine Person der Dienststelle, die die Rolle der Aufgabe hat." in text_of(
        refused
    )
    assigned = client.post(
        url("task-assign", item.pk), {"assign-assignee": str(world["colleague"].pk)}
    )
    assert assigned.status_code == 302
    assert WorkItem.objects.get(pk=item.pk).assignee == world["colleague"]

    as_(client, world["colleague"])
    complete = url("task-complete", item.pk)
    empty = client.post(complete, {"complete-note": "geprüft"})
    assert empty.status_code == 400
    page = text_of(empty)
    assert "<title>Fehler: " in page
    assert 'href="#id_complete-amount"' in page  # the error summary links the field
    assert "Geben Sie den Betrag in Euro an, zum Beispiel 150." in page
    assert WorkItem.objects.get(pk=item.pk).status == WorkItem.Status.OPEN
    done = client.post(complete, {"complete-amount": "150,50", "complete-note": "Alles da."})
    assert done.status_code == 302 and done["Location"] == url("tasks")
    finished = WorkItem.objects.get(pk=item.pk)
    assert finished.status == WorkItem.Status.DONE and finished.completed_by == world["colleague"]
    assert finished.result == {"note": "Alles da.", "amount": 150.5}
    # Above 100 the process notifies and goes on to the team lead's signature.
    sign = WorkItem.objects.get(case=item.case, status=WorkItem.Status.OPEN)
    assert sign.element == "Sign"
    page = text_of(client.get(url("task", item.pk)))
    assert "Alles da." in page and "150.5" in page and "erledigt" in page
    assert "Aufgabe erledigen" not in page
    # The case worker sees the lead's task but cannot work on it.
    page = text_of(client.get(url("task", sign.pk)))
    assert "Diese Aufgabe ist für eine andere Rolle" in page and "Aufgabe übernehmen" not in page
    assert client.post(url("task-claim", sign.pk)).status_code == 403
    assert {e.action for e in AuditEvent.objects.filter(action__startswith="workflow.task_")} == {
        "workflow.task_claimed",
        "workflow.task_assigned",
        "workflow.task_completed",
    }


def test_the_task_page_draws_the_process_with_the_current_step_marked(client, world, task):
    as_(client, world["clerk"])
    page = text_of(client.get(url("task", task["item"].pk)))
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg and "mit den aktuellen und erledigten Schritten" in svg
    # The check is the current step, the start done; both also said in words.
    assert '<g class="bpmn-userTask is-active"><title>Antrag prüfen (aktueller Schritt)' in svg
    assert '<g class="bpmn-startEvent is-done"><title>Start (erledigt)' in svg
    assert "<h3" in page and "Aktuelle Schritte" in page


def test_the_application_page_shows_the_process_its_next_task_and_history(client, world, task):
    item, submission = task["item"], task["submission"]
    clerk = Actor.person(world["clerk"])
    workflow_services.work_item_claim(actor=clerk, item_id=item.pk)
    workflow_services.work_item_complete(actor=clerk, item_id=item.pk, data={"amount": 500})
    sign = WorkItem.objects.get(case=item.case, status=WorkItem.Status.OPEN)
    as_(client, world["clerk"])
    page = text_of(client.get(url("submission-detail", submission.pk)))
    process = page.split('id="process-heading-1">Prozess</h2>', 1)[1].split("</section>", 1)[0]
    assert "Version 1 des Modells, läuft." in process
    assert '<g class="bpmn-userTask is-active"><title>Zeichnen (aktueller Schritt)' in process
    assert '<g class="bpmn-userTask is-done"><title>Antrag prüfen (erledigt)' in process
    assert f'href="{url("task", sign.pk)}">Zeichnen</a> – nicht zugewiesen' in process
    history = process.split("Verlauf des Prozesses", 1)[1]
    steps = re.findall(r"<li>[^<]*?\d\d:\d\d: ([^<]*) \(", history)
    assert steps[0] == "Prozess mit Version 1 gestartet"
    assert "Aufgabe übernommen: Antrag prüfen" in steps
    assert "Aufgabe erledigt: Antrag prüfen" in steps
    assert "Vom Prozess erledigt: Benachrichtigen" in steps
    assert "Antrag prüfen (sach)" in history and "Benachrichtigen (der Prozess)" in history


def test_a_task_for_the_registry_is_in_the_registrys_worklist(client, world):
    """A task may name a role besides case work (the Registratur files the case): its
    holders find it in their worklist and do it; the case worker's tasks stay theirs."""
    body = CHECK_AND_NOTIFY.replace(
        'camunda:candidateGroups="Sachbearbeitung"', 'camunda:candidateGroups="Registratur"'
    )
    publish(world, body)
    _submission, item = submit(world)
    assert item.roles == ["registry"]
    registrar = make_staff("reg", (world["office"], Role.REGISTRY))
    as_(client, registrar)
    page = text_of(client.get(url("tasks"), {"ansicht": "team"}))
    assert url("task", item.pk) in page and nav_count(page) == "0"
    assert client.post(url("task-claim", item.pk)).status_code == 302
    done = client.post(url("task-complete", item.pk), {"complete-amount": "50"})
    assert done.status_code == 302
    assert WorkItem.objects.get(pk=item.pk).completed_by == registrar
    # Someone in another office with the same role does not see it.
    other = make_staff("reg2", (OfficeFactory(), Role.REGISTRY))
    as_(client, other)
    assert client.get(url("task", item.pk)).status_code == 404


def test_whoever_did_the_work_is_not_offered_to_approve_it(client, world):
    publish(world, FOUR_EYES)
    _submission, check = submit(world)
    clerk = Actor.person(world["clerk"])
    workflow_services.work_item_claim(actor=clerk, item_id=check.pk)
    workflow_services.work_item_complete(actor=clerk, item_id=check.pk, data={"amount": 500})
    sign = WorkItem.objects.get(case=check.case, status=WorkItem.Status.OPEN)
    assert sign.approves == "Check"
    as_(client, world["lead"])
    page = text_of(client.get(url("task", sign.pk)))
    choices = page.split('name="assign-assignee"', 1)[1].split("</select>", 1)[0]
    assert "Tom Berger" in choices and "Sabine Acker" not in choices
    refused = client.post(url("task-assign", sign.pk), {"assign-assignee": str(world["clerk"].pk)})
    assert refused.status_code == 400
    assert WorkItem.objects.get(pk=sign.pk).assignee is None


def test_a_task_another_clerk_took_is_a_409_page(client, world, task):
    item = task["item"]
    as_(client, world["clerk"])
    assert "Aufgabe übernehmen" in text_of(client.get(url("task", item.pk)))
    # Meanwhile the colleague takes it.
    workflow_services.work_item_claim(actor=Actor.person(world["colleague"]), item_id=item.pk)
    for response in (
        client.post(url("task-claim", item.pk)),
        client.post(url("task-complete", item.pk), {"complete-amount": "10"}),
        client.post(url("task-return", item.pk)),
    ):
        assert response.status_code == 409
        page = text_of(response)
        assert "Derzeit nicht möglich" in page
        assert "Eine andere Person" in page  # took it, is working on it
        assert url("task", item.pk) in page  # the way back to it
    assert WorkItem.objects.get(pk=item.pk).assignee == world["colleague"]


def upload(client, world, name, data, **extra):
    return client.post(
        url("process-version-upload"),
        {
            "service": str(world["form"].service.pk),
            "municipality": str(world["office"].municipality.pk),
            "model_files": [SimpleUploadedFile(name, data, "application/xml")],
            **extra,
        },
    )


def test_a_runnable_and_a_broken_model_are_uploaded_and_only_the_runnable_published(client, world):
    make_submission(office=world["office"], form=world["form"])  # the service offered there
    as_(client, world["admin"])
    models = text_of(client.get(url("process-models")))
    assert "Es gibt noch keine Prozessmodelle." in models
    assert world["form"].service.name in models.split('name="service"', 1)[1]

    refused = client.post(url("process-version-upload"), {"note": "x"})
    assert refused.status_code == 400
    page = text_of(refused)
    assert "<title>Fehler: Prozessmodelle" in page
    assert "Wählen Sie die Leistung, für die der Prozess gilt." in page
    assert "Wählen Sie die BPMN-Datei des Modells aus." in page
    not_offered = FormDefinitionFactory().service
    response = upload(
        client, world, "a.bpmn", with_diagram(CHECK_AND_NOTIFY), service=str(not_offered.pk)
    )
    assert response.status_code == 400  # not in the list: offered by none of the municipality
    # The workflow's refusal is shown at the field (its "files" is the form's "model_files").
    wrong = text_of(upload(client, world, "notiz.txt", b"<x/>"))
    assert 'href="#id_model_files"' in wrong
    assert "„notiz.txt“ ist keine BPMN- oder DMN-Datei (.bpmn, .dmn)." in wrong
    too_big = upload(client, world, "gross.bpmn", b" " * (2 * 1024 * 1024 + 1))
    assert too_big.status_code == 400 and "„gross.bpmn“ ist größer als 2 MB." in text_of(too_big)
    assert not ModelVersion.objects.exists()

    good = upload(client, world, "antrag.bpmn", with_diagram(CHECK_AND_NOTIFY), note="Erste")
    assert good.status_code == 302
    first = ModelVersion.objects.get(number=1)
    assert good["Location"] == url("process-version", first.pk)
    page = text_of(client.get(good["Location"]))
    assert "Version 1 wurde hochgeladen und geprüft" in page
    assert "Entwurf" in page and "ja: die Engine kann sie ausführen" in page
    assert "Version 1 veröffentlichen" in page and "Erste" in page
    # The diagram, and the file as uploaded, to open in a modeller.
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and "Antrag prüfen" in page
    download = client.get(url("process-version-file", first.pk, "antrag.bpmn"))
    assert download.status_code == 200 and download["Content-Type"] == "application/xml"
    assert download["Content-Disposition"] == 'attachment; filename="antrag.bpmn"'
    assert download.content == with_diagram(CHECK_AND_NOTIFY)
    models = text_of(client.get(url("process-models")))  # with the way to the templates
    assert url("decision-templates", world["form"].service.pk) in models
    assert client.get(url("process-version-file", first.pk, "fehlt.bpmn")).status_code == 404

    broken = upload(client, world, "kaputt.bpmn", CHECK_AND_NOTIFY.encode())  # no definitions
    assert broken.status_code == 302
    second = ModelVersion.objects.get(number=2)
    assert not second.runnable and second.check_report
    page = text_of(client.get(broken["Location"]))
    assert "die Engine kann sie nicht ausführen" in page
    assert "nein: siehe die Prüfung" in page
    assert second.check_report[0] in page  # the refusals, first
    assert "kaputt.bpmn" in page
    assert "Version 2 veröffentlichen" not in page
    publish_broken = client.post(url("process-version-publish", second.pk))
    assert publish_broken.status_code == 302
    assert "Diese Version kann nicht ausgeführt werden" in text_of(
        client.get(publish_broken["Location"])
    )
    assert ModelVersion.objects.get(pk=second.pk).status == ModelVersion.Status.DRAFT

    published = client.post(url("process-version-publish", first.pk))
    assert published.status_code == 302
    assert ModelVersion.objects.get(pk=first.pk).status == ModelVersion.Status.PUBLISHED
    assert "Version 1 ist veröffentlicht" in text_of(client.get(published["Location"]))
    models = text_of(client.get(url("process-models")))
    assert "Version 2" in models and "Entwurf" in models and "veröffentlicht" in models
    assert AuditEvent.objects.filter(action="workflow.version_publish").count() == 1


def test_the_worklist_costs_the_same_queries_for_more_rows(client, world, task):
    as_(client, world["clerk"])
    team = url("tasks") + "?ansicht=team"
    detail = url("task", task["item"].pk)

    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    client.get(team)  # the session's first request reads more (login, roles)
    before = queries(team), queries(detail), queries(url("tasks"))
    for _ in range(5):
        _, item = submit(world)
        workflow_services.work_item_claim(actor=Actor.person(world["clerk"]), item_id=item.pk)
    assert (queries(team), queries(detail), queries(url("tasks"))) == before

    as_(client, world["admin"])
    models = url("process-models")
    client.get(models)
    before = queries(models)
    publish(world)  # a second version of the model, and a model of another service
    other = FormDefinitionFactory(service__fee_rule={"kind": "free"})
    workflow_services.version_upload(
        actor=Actor.person(world["admin"]),
        service=other.service,
        municipality=world["office"].municipality,
        files=[workflow_services.ModelFile("b.bpmn", with_diagram(CHECK_AND_NOTIFY))],
    )
    assert queries(models) == before


def test_running_cases_are_moved_to_the_published_version_on_its_page(client, world):
    from tests.workflow.test_instance_migration import CHECK, CHECK_AND_SIGN, REVIEW

    publish(world, CHECK)
    first, _item = submit(world)  # stands at "Check" of version 1
    v2 = publish(world, REVIEW)  # has no "Check": the first case cannot move to it
    second, _item = submit(world)  # stands at "Review" of version 2
    as_(client, world["admin"])
    page = text_of(client.get(url("process-version-migrate", v2.pk)))
    assert first.reference in page and "nein: Check fehlt in Version 2" in page
    assert "Keiner dieser Fälle kann auf diese Version umgestellt werden." in page
    assert 'type="checkbox"' not in page

    v3 = publish(world, CHECK_AND_SIGN)
    version_page = text_of(client.get(url("process-version", v3.pk)))
    assert url("process-version-migrate", v3.pk) in version_page
    assert "Laufende Fälle auf Version 3 umstellen" in version_page
    page = text_of(client.get(url("process-version-migrate", v3.pk)))
    assert "<title>Laufende Fälle von" in page
    assert "nein: Review fehlt in Version 3" in page  # the second case
    assert page.count('type="checkbox"') == 1 and f">{first.reference}</label>" in page

    nothing = client.post(url("process-version-migrate", v3.pk), {})
    assert nothing.status_code == 400
    page = text_of(nothing)
    assert "<title>Fehler: Laufende Fälle" in page and 'href="#id_instances"' in page
    assert "Wählen Sie mindestens einen Fall aus, der umgestellt werden soll." in page
    unmovable = ProcessInstance.objects.get(case=second.case)
    refused = client.post(url("process-version-migrate", v3.pk), {"instances": [unmovable.pk]})
    assert refused.status_code == 400
    assert "kann nicht (mehr) auf diese Version umgestellt werden" in text_of(refused)
    assert not AuditEvent.objects.filter(action="workflow.instance_migrated").exists()

    instance = ProcessInstance.objects.get(case=first.case)
    moved = client.post(url("process-version-migrate", v3.pk), {"instances": [instance.pk]})
    assert moved.status_code == 302
    assert moved["Location"] == url("process-version-migrate", v3.pk)
    page = text_of(client.get(moved["Location"]))
    assert "1 Fall läuft jetzt mit Version 3." in page
    instance.refresh_from_db()
    assert instance.version_id == v3.pk
    event = AuditEvent.objects.get(action="workflow.instance_migrated")
    assert event.actor_id == str(world["admin"].pk)
    assert (event.details["from_version"], event.details["to_version"]) == (1, 3)
    assert first.reference not in page.split("<tbody", 1)[1]  # it runs version 3 now

    # Only for the published version, and only for the specialist administration.
    assert client.get(url("process-version-migrate", v2.pk)).status_code == 404  # retired
    as_(client, world["clerk"])
    assert client.get(url("process-version-migrate", v3.pk)).status_code == 404
