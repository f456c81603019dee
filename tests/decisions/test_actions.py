"""The workflow's decision actions (issue 12 §2) run by the engine: `decision_create` makes
the decision from the published template with the process data, `decision_deliver`
delivers it and writes the channel into the data, on which a gateway branches; a retried
step makes no second decision."""

from types import SimpleNamespace

import pytest

from rathaus.applications.services import submission_create
from rathaus.cases.models import Case
from rathaus.core.actors import Actor
from rathaus.core.models import AuditEvent
from rathaus.core.outbox_runner import outbox_drain
from rathaus.decisions.models import Decision
from rathaus.mailbox.models import Provision
from rathaus.workflow.actions import ActionContext, ActionRefused, registry
from rathaus.workflow.bpmn import ModelFile
from rathaus.workflow.model_versions import version_publish, version_upload
from rathaus.workflow.models import ProcessInstance
from tests.applications.inbox_data import make_submission
from tests.decisions.conftest import consent, pdf_text, published
from tests.factories import DraftFactory, UserFactory
from tests.workflow.engine_models import flow, with_diagram

pytestmark = pytest.mark.django_db

MODEL = f"""
<bpmn:process id="P" isExecutable="true">
  <bpmn:startEvent id="Begin"/>
  {flow("f1", "Begin", "Create")}
  <bpmn:serviceTask id="Create" name="Bescheid erstellen">
    <bpmn:extensionElements>
      <zeebe:taskDefinition type="decision_create"/>
      <zeebe:taskHeaders>
        <zeebe:header key="granted" value="=true"/>
        <zeebe:header key="fee" value="96,00"/>
      </zeebe:taskHeaders>
    </bpmn:extensionElements>
  </bpmn:serviceTask>
  {flow("f2", "Create", "Deliver")}
  <bpmn:serviceTask id="Deliver" name="Bescheid zustellen">
    <bpmn:extensionElements><zeebe:taskDefinition type="decision_deliver"/></bpmn:extensionElements>
  </bpmn:serviceTask>
  {flow("f3", "Deliver", "Channel")}
  <bpmn:exclusiveGateway id="Channel" default="f5"/>
  {flow("f4", "Channel", "Post", '=decision_channel = "post"')}
  {flow("f5", "Channel", "Done")}
  <bpmn:userTask id="Post" name="Bescheid zur Post geben"/>
  {flow("f6", "Post", "Done")}
  <bpmn:endEvent id="Done"/>
</bpmn:process>
"""


@pytest.fixture
def process(office, admin):
    """The office's process for a new service, and the published decision template."""
    submission = make_submission(office=office)  # only to have the service and its offer
    version = version_upload(
        actor=Actor.person(admin),
        service=submission.service,
        municipality=office.municipality,
        files=[ModelFile("bescheid.bpmn", with_diagram(MODEL))],
    )
    assert version.runnable, version.check_report
    version_publish(actor=Actor.person(admin), version_id=version.pk)
    published(admin, submission.case)
    return submission


def submit_again(process, **draft):
    """A second application for the same offer; the process starts from `case.opened` and
    runs its service tasks."""
    made = DraftFactory(form=process.form, offer=process.draft.offer, **draft)
    submission = submission_create(draft=made, actor=Actor.person(made.applicant))
    outbox_drain()
    return Case.objects.get(pk=submission.case_id)


def test_the_process_makes_and_posts_the_decision_without_consent(office, process):
    case = submit_again(process)
    instance = ProcessInstance.objects.get(case=case)
    decision = Decision.objects.get(case=case)
    assert instance.active_elements == ["Post"]  # the gateway took the post branch
    assert (decision.channel, decision.state) == ("post", "awaiting_post")
    assert decision.origin.startswith(f"workflow:{instance.pk}:")
    text = pdf_text(decision.document.open("rb").read())
    assert "wird genehmigt" in text and "96,00 Euro" in text
    assert case.status == Case.Status.DECIDED
    assert AuditEvent.objects.filter(action="decision.create", actor_id="workflow").exists()


def test_the_process_provides_the_decision_for_retrieval_with_consent(office, process):
    applicant = UserFactory(first_name="Max", last_name="Muster")
    consent(applicant)
    case = submit_again(process, applicant=applicant)
    instance = ProcessInstance.objects.get(case=case)
    decision = Decision.objects.get(case=case)
    assert (decision.channel, decision.state) == ("retrieval", "provided")
    assert Provision.objects.filter(message_id=decision.message_id).exists()
    assert instance.status == ProcessInstance.Status.COMPLETED
    assert Case.objects.get(pk=case.pk).status == Case.Status.DECIDED


def test_a_retried_step_makes_no_second_decision(office, process):
    case = process.case
    context = ActionContext(
        instance=SimpleNamespace(pk="instance-1"),
        case=case,
        task_id="task-1",
        element="Create",
        data={"granted": False},
        parameters={"fee": "=12"},
    )
    first = registry.get("decision_create")(context)
    second = registry.get("decision_create")(context)
    assert first == second and Decision.objects.filter(case=case).count() == 1
    decision = Decision.objects.get(case=case)
    assert decision.data["granted"] is False and decision.data["fee"] == "12"
    delivered = registry.get("decision_deliver")(
        ActionContext(
            instance=context.instance,
            case=case,
            task_id="task-2",
            element="Deliver",
            data=first,
            parameters={},
        )
    )
    assert delivered == {"decision": str(decision.pk), "decision_channel": "post"}


def test_an_unpublished_template_version_is_refused_with_the_task_named(office, process):
    context = ActionContext(
        instance=SimpleNamespace(pk="instance-2"),
        case=process.case,
        task_id="task-1",
        element="Create",
        data={},
        parameters={"template_version": "7"},
    )
    with pytest.raises(ActionRefused) as refused:
        registry.get("decision_create")(context)
    assert "Create" in str(refused.value) and "7" in str(refused.value)
