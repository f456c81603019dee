"""Process instances of cases (issue 12 §1, §6): a published model starts with the case,
clerks complete their work items with the roles the model names, actions change the case
through the real services, timers wake instances on a clock the test moves, a step that fails
midway leaves nothing behind and runs once when retried, and running instances keep their
version."""

import datetime as dt

import pytest

from rathaus.applications.services import submission_create
from rathaus.cases.models import Case, StatusChange
from rathaus.catalog.models import LocalService
from rathaus.core.actors import Actor
from rathaus.core.errors import Conflict, NotFound, NotPermitted
from rathaus.core.models import AuditEvent
from rathaus.core.outbox_runner import outbox_drain
from rathaus.mailbox.models import Message
from rathaus.mailbox.selectors import body_open, subject_open
from rathaus.staff.models import Role
from rathaus.workflow import actions, instances
from rathaus.workflow.bpmn import ModelFile
from rathaus.workflow.engine import clock
from rathaus.workflow.model_versions import version_publish, version_upload
from rathaus.workflow.models import ModelVersion, ProcessInstance, WorkItem
from tests.applications.inbox_data import make_submission
from tests.factories import DraftFactory, FormDefinitionFactory, OfficeFactory
from tests.staff.people import make_staff
from tests.workflow.engine_models import CHECK_AND_NOTIFY, DEADLINE, flow, with_diagram

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    office = OfficeFactory(name="Steueramt")
    form = FormDefinitionFactory(service__fee_rule={"kind": "free"})
    return {
        "office": office,
        "form": form,
        "admin": make_staff("fach", (office, Role.SPECIALIST_ADMIN)),
        "clerk": make_staff("sach", (office, Role.CASE_WORKER)),
        "lead": make_staff("lead", (office, Role.TEAM_LEAD)),
    }


def publish(world, body, *, name="antrag.bpmn"):
    version = version_upload(
        actor=Actor.person(world["admin"]),
        service=world["form"].service,
        municipality=world["office"].municipality,
        files=[ModelFile(name, with_diagram(body))],
    )
    assert version.runnable, version.check_report
    return version_publish(actor=Actor.person(world["admin"]), version_id=version.pk)


def submit(world):
    offer = LocalService.objects.filter(
        municipality=world["office"].municipality, service=world["form"].service
    ).first()
    if offer is None:
        submission = make_submission(office=world["office"], form=world["form"])
    else:
        draft = DraftFactory(form=world["form"], offer=offer)
        submission = submission_create(draft=draft, actor=Actor.person(draft.applicant))
    outbox_drain()
    return submission.case


def open_items(case):
    return list(
        WorkItem.objects.filter(case=case, status=WorkItem.Status.OPEN).values_list(
            "element", flat=True
        )
    )


def complete(world, who, case, element, data):
    item = WorkItem.objects.get(case=case, element=element, status=WorkItem.Status.OPEN)
    return instances.work_item_complete(actor=Actor.person(world[who]), item_id=item.pk, data=data)


def test_a_case_runs_its_process_through_clerks_and_actions(world):
    publish(world, CHECK_AND_NOTIFY)
    case = submit(world)
    instance = ProcessInstance.objects.get(case=case)
    assert instance.status == "running" and open_items(case) == ["Check"]
    item = WorkItem.objects.get(case=case)
    assert item.roles == ["case_worker"] and item.form == "pruefung"
    assert item.office == world["office"]
    assert AuditEvent.objects.filter(action="workflow.instance_started").count() == 1
    complete(world, "clerk", case, "Check", {"amount": 150})
    # Above 100 the applicant gets a message in the Postfach, once.
    assert Message.objects.filter(origin__startswith=f"workflow:{instance.pk}:").count() == 1
    assert open_items(case) == ["Sign"]
    with pytest.raises(NotPermitted):  # the signature is the team lead's
        complete(world, "clerk", case, "Sign", {})
    complete(world, "lead", case, "Sign", {})
    instance.refresh_from_db()
    assert instance.status == "completed" and open_items(case) == []
    assert "Sign" in instance.completed_elements
    assert AuditEvent.objects.filter(action="workflow.task_completed").count() == 2


# The application's data decide: one dog needs no check (FEEL path into the submitted data).
BY_APPLICATION = f"""
<bpmn:process id="P" isExecutable="true">
  <bpmn:startEvent id="Begin"/>
  {flow("f1", "Begin", "Dogs")}
  <bpmn:exclusiveGateway id="Dogs" default="f3"/>
  {flow("f2", "Dogs", "Check", "=application.dogs > 1 or fee > 0")}
  {flow("f3", "Dogs", "Status")}
  <bpmn:userTask id="Check" name="Prüfen"/>
  {flow("f4", "Check", "Done")}
  <bpmn:serviceTask id="Status" name="Status setzen">
    <bpmn:extensionElements>
      <zeebe:taskDefinition type="status_set"/>
      <zeebe:taskHeaders><zeebe:header key="status" value="decided"/></zeebe:taskHeaders>
    </bpmn:extensionElements>
  </bpmn:serviceTask>
  {flow("f5", "Status", "Done")}
  <bpmn:endEvent id="Done"/>
</bpmn:process>
"""


def test_the_process_reads_the_application_it_was_started_by(world):
    publish(world, BY_APPLICATION)
    one_dog = submit(world)  # DraftFactory: {"name": "Erika Mustermann", "dogs": 1}, free
    assert Case.objects.get(pk=one_dog.pk).status == "decided" and open_items(one_dog) == []
    offer = LocalService.objects.get(
        municipality=world["office"].municipality, service=world["form"].service
    )
    draft = DraftFactory(form=world["form"], offer=offer, data={"name": "Max", "dogs": 2})
    two_dogs = submission_create(draft=draft, actor=Actor.person(draft.applicant)).case
    outbox_drain()
    assert open_items(two_dogs) == ["Check"]


# Parameters that start with "=" are FEEL on the instance's data (as Camunda 8 writes them).
FEEL_PARAMETERS = f"""
<bpmn:process id="P" isExecutable="true">
  <bpmn:startEvent id="Begin"/>
  {flow("f1", "Begin", "Tell")}
  <bpmn:serviceTask id="Tell" name="Mitteilen">
    <bpmn:extensionElements>
      <zeebe:taskDefinition type="notify"/>
      <zeebe:taskHeaders>
        <zeebe:header key="subject" value="=&quot;Ihr Antrag &quot; + case_reference"/>
        <zeebe:header key="body" value="=&quot;Hunde: &quot; + string(application.dogs * 2)"/>
      </zeebe:taskHeaders>
    </bpmn:extensionElements>
  </bpmn:serviceTask>
  {flow("f2", "Tell", "Done")}
  <bpmn:endEvent id="Done"/>
</bpmn:process>
"""


def test_parameters_with_an_equals_sign_are_feel_on_the_data(world):
    publish(world, FEEL_PARAMETERS)
    case = submit(world)
    message = Message.objects.select_related("thread").get(origin__startswith="workflow:")
    assert subject_open(message.thread) == f"Ihr Antrag {case.reference}"
    assert body_open(message) == "Hunde: 2"


def test_the_process_sets_the_status_and_nobody_else_sees_the_work(world):
    publish(world, CHECK_AND_NOTIFY)
    case = submit(world)
    stranger = make_staff("fremd", (OfficeFactory(), Role.CASE_WORKER))
    item = WorkItem.objects.get(case=case)
    with pytest.raises(NotFound):
        instances.work_item_complete(actor=Actor.person(stranger), item_id=item.pk, data={})
    complete(world, "clerk", case, "Check", {"amount": 50})
    assert Case.objects.get(pk=case.pk).status == "decided"
    assert StatusChange.objects.filter(case=case, status="decided").exists()
    with pytest.raises(Conflict):
        instances.work_item_complete(actor=Actor.person(world["clerk"]), item_id=item.pk, data={})


def test_a_step_that_fails_midway_leaves_nothing_and_runs_once_when_retried(world, monkeypatch):
    publish(world, CHECK_AND_NOTIFY)
    case = submit(world)
    real = actions.registry.get("notify")

    def crash(context):
        real(context)  # the message is written …
        raise RuntimeError("worker killed")  # … and the worker dies before the step ends

    monkeypatch.setitem(actions.registry._items, "notify", crash)
    with pytest.raises(RuntimeError):
        complete(world, "clerk", case, "Check", {"amount": 150})
    assert Message.objects.filter(origin__startswith="workflow:").count() == 0
    assert open_items(case) == ["Check"]
    monkeypatch.setitem(actions.registry._items, "notify", real)
    complete(world, "clerk", case, "Check", {"amount": 150})
    assert Message.objects.filter(origin__startswith="workflow:").count() == 1
    assert open_items(case) == ["Sign"]


def test_timers_wake_the_instance_on_the_clock(world, monkeypatch):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    moment = {"at": start}
    monkeypatch.setattr(clock, "now", lambda: moment["at"])
    publish(world, DEADLINE)
    case = submit(world)
    instance = ProcessInstance.objects.get(case=case)
    assert instance.wake_at == start + dt.timedelta(days=7)
    # The check is due when its interrupting timer (one month) ends it.
    assert WorkItem.objects.get(case=case).due_at == dt.datetime(2026, 4, 2, 8, 0, tzinfo=dt.UTC)
    assert instances.instances_wake() == 0
    for week in (1, 2, 3, 4):  # the sweep runs every minute; here once a week
        moment["at"] = start + dt.timedelta(days=7 * week)
        assert instances.instances_wake() == (1 if week < 4 else 0)
        assert open_items(case) == ["Check"]
    reminders = Message.objects.filter(origin__startswith="workflow:")
    assert reminders.count() == 3  # R3/P7D: three reminders, not a fourth
    moment["at"] = dt.datetime(2026, 4, 2, 9, 0, tzinfo=dt.UTC)  # one month after the start
    assert instances.instances_wake() == 1
    assert open_items(case) == ["Escalate"]  # the check was interrupted
    assert WorkItem.objects.get(case=case, element="Check").status == "cancelled"


# Escalation after three working days (the Land's holidays count): the deadline set by the
# action, the check interrupted by a timer at its end, the team lead's task.
WORKING_DAYS = f"""
<bpmn:process id="P" isExecutable="true">
  <bpmn:startEvent id="Begin"/>
  {flow("f1", "Begin", "Term")}
  <bpmn:serviceTask id="Term" name="Frist setzen">
    <bpmn:extensionElements>
      <zeebe:taskDefinition type="deadline_set"/>
      <zeebe:taskHeaders>
        <zeebe:header key="working_days" value="3"/>
        <zeebe:header key="case" value="true"/>
      </zeebe:taskHeaders>
    </bpmn:extensionElements>
  </bpmn:serviceTask>
  {flow("f2", "Term", "Check")}
  <bpmn:userTask id="Check" name="Antrag prüfen"/>
  <bpmn:boundaryEvent id="Late" attachedToRef="Check">
    <bpmn:timerEventDefinition><bpmn:timeDate>=deadline</bpmn:timeDate>
    </bpmn:timerEventDefinition>
  </bpmn:boundaryEvent>
  {flow("f3", "Check", "Done")}
  {flow("f4", "Late", "Escalate")}
  <bpmn:userTask id="Escalate" name="Frist überschritten" camunda:candidateGroups="team_lead"/>
  {flow("f5", "Escalate", "Done")}
  <bpmn:endEvent id="Done"/>
</bpmn:process>
"""


def test_a_deadline_in_working_days_escalates_to_the_team_lead(world, monkeypatch):
    # Wednesday 23 December 2026 in Rhineland-Palatinate (Land "07"): Thursday 24th, then
    # Monday 28th (25th/26th are holidays, then the weekend), Tuesday 29th is the third.
    start = dt.datetime(2026, 12, 23, 9, 0, tzinfo=dt.UTC)
    moment = {"at": start}
    monkeypatch.setattr(clock, "now", lambda: moment["at"])
    publish(world, WORKING_DAYS)
    case = submit(world)
    assert Case.objects.get(pk=case.pk).deadline == dt.date(2026, 12, 29)
    end = dt.datetime(2026, 12, 29, 23, 0, tzinfo=dt.UTC)  # midnight in Berlin
    assert WorkItem.objects.get(case=case).due_at == end
    moment["at"] = end - dt.timedelta(minutes=1)
    assert instances.instances_wake() == 0 and open_items(case) == ["Check"]
    moment["at"] = end
    assert instances.instances_wake() == 1
    assert open_items(case) == ["Escalate"]
    assert WorkItem.objects.get(case=case, element="Escalate").roles == ["team_lead"]


def test_running_instances_keep_their_version(world):
    first = publish(world, CHECK_AND_NOTIFY)
    case = submit(world)
    second = publish(world, DEADLINE)
    first.refresh_from_db()
    assert (first.status, second.status) == ("retired", "published")
    newer = submit(world)
    assert ProcessInstance.objects.get(case=case).version == first
    assert ProcessInstance.objects.get(case=newer).version == second
    complete(world, "clerk", case, "Check", {"amount": 50})
    assert open_items(case) == ["Sign"]  # the first model goes on


def test_only_the_specialist_administration_publishes_runnable_models(world):
    with pytest.raises(NotPermitted):
        version_upload(
            actor=Actor.person(world["clerk"]),
            service=world["form"].service,
            municipality=world["office"].municipality,
            files=[ModelFile("a.bpmn", with_diagram(CHECK_AND_NOTIFY))],
        )
    broken = version_upload(
        actor=Actor.person(world["admin"]),
        service=world["form"].service,
        municipality=world["office"].municipality,
        files=[ModelFile("a.bpmn", CHECK_AND_NOTIFY.encode())],  # no definitions around it
    )
    assert not broken.runnable and broken.check_report
    with pytest.raises(Conflict):
        version_publish(actor=Actor.person(world["admin"]), version_id=broken.pk)
    assert ModelVersion.objects.get(pk=broken.pk).status == "draft"
    case = submit(world)
    assert not ProcessInstance.objects.filter(case=case).exists()  # nothing published


def test_claims_assignments_and_returns(world):
    publish(world, CHECK_AND_NOTIFY)
    case = submit(world)
    item = WorkItem.objects.get(case=case)
    other = make_staff("sach2", (world["office"], Role.CASE_WORKER))
    instances.work_item_claim(actor=Actor.person(world["clerk"]), item_id=item.pk)
    with pytest.raises(Conflict):  # taken
        instances.work_item_claim(actor=Actor.person(other), item_id=item.pk)
    with pytest.raises(Conflict):  # only the assignee completes it
        instances.work_item_complete(actor=Actor.person(other), item_id=item.pk, data={})
    instances.work_item_assign(actor=Actor.person(world["clerk"]), item_id=item.pk, assignee=None)
    lead = Actor.person(world["lead"])
    instances.work_item_assign(actor=lead, item_id=item.pk, assignee=other)
    assert WorkItem.objects.get(pk=item.pk).assignee == other
    with pytest.raises(Conflict):  # the admin holds no case-work role
        instances.work_item_assign(actor=lead, item_id=item.pk, assignee=world["admin"])
    instances.work_item_complete(actor=Actor.person(other), item_id=item.pk, data={"amount": 1})
    assert WorkItem.objects.get(pk=item.pk).completed_by == other
    assert AuditEvent.objects.filter(action="workflow.task_assigned").count() == 2


def test_a_step_the_case_refuses_changes_nothing_and_says_why(world):
    body = CHECK_AND_NOTIFY.replace('value="decided"', 'value="erledigt"')  # no status
    publish(world, body)
    case = submit(world)
    with pytest.raises(Conflict) as refused:
        complete(world, "clerk", case, "Check", {"amount": 50})
    assert "Status" in str(refused.value)
    assert open_items(case) == ["Check"]  # nothing happened
    assert Case.objects.get(pk=case.pk).status == "submitted"


def test_a_model_that_cannot_start_leaves_a_failed_instance_with_the_problem(world):
    publish(
        world,
        f"""<bpmn:process id="P" isExecutable="true">
  <bpmn:startEvent id="StartEvent_1"/>
  {flow("f1", "StartEvent_1", "Status")}
  <bpmn:serviceTask id="Status">
    <bpmn:extensionElements>
      <zeebe:taskDefinition type="status_set"/>
      <zeebe:taskHeaders><zeebe:header key="status" value="erledigt"/></zeebe:taskHeaders>
    </bpmn:extensionElements>
  </bpmn:serviceTask>
  {flow("f2", "Status", "EndEvent_1")}
  <bpmn:endEvent id="EndEvent_1"/>
</bpmn:process>""",
    )
    case = submit(world)
    instance = ProcessInstance.objects.get(case=case)
    assert instance.status == "failed" and "Status" in instance.problem
    assert instances.instance_start(case_id=case.pk) == instance  # not retried, not doubled


def test_four_eyes_the_approver_is_never_the_author(world):
    from tests.workflow.engine_models import FOUR_EYES

    publish(world, FOUR_EYES)
    case = submit(world)
    complete(world, "lead", case, "Check", {"amount": 50})  # the team lead did the work
    sign = WorkItem.objects.get(case=case, element="Sign")
    assert sign.approves == "Check"
    lead = Actor.person(world["lead"])
    with pytest.raises(NotPermitted):
        instances.work_item_complete(actor=lead, item_id=sign.pk, data={})
    with pytest.raises(NotPermitted):
        instances.work_item_claim(actor=lead, item_id=sign.pk)
    with pytest.raises(NotPermitted):
        instances.work_item_assign(actor=lead, item_id=sign.pk, assignee=world["lead"])
    complete(world, "clerk", case, "Sign", {})  # a second person signs
    assert ProcessInstance.objects.get(case=case).status == "completed"
