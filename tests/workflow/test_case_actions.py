"""The actions that ask other apps to do their part (issue 12 §1): a fee the process asks
(`request_payment`) is paid by the applicant in the portal and the waiting process goes on
with the message `payment_received`; the case is filed where the model says (`record_file`);
the submission is handed over (`fitconnect_hand_over`) and the process waits for
`handover_done`. Each runs through the real services, events and the outbox."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rathaus.applications import handover
from rathaus.applications.models import Handover
from rathaus.applications.services import submission_create
from rathaus.cases.models import Case
from rathaus.catalog.models import LocalService
from rathaus.core.actors import Actor
from rathaus.core.models import AuditEvent, OutboxMessage
from rathaus.core.outbox_runner import outbox_drain
from rathaus.core.registries import Registry
from rathaus.mailbox.models import Message
from rathaus.mailbox.selectors import body_open, subject_open
from rathaus.payments.models import Payment, PaymentRequest
from rathaus.records.models import CaseFiling, FilePlanItem, RecordFile
from rathaus.staff.models import Role
from rathaus.workflow.bpmn import ModelFile
from rathaus.workflow.model_versions import version_publish, version_upload
from rathaus.workflow.models import ProcessInstance, WorkItem
from tests.applications.inbox_data import make_submission
from tests.factories import DraftFactory, FormDefinitionFactory, OfficeFactory
from tests.payments.conftest import SECRET, body_of, signed_headers
from tests.staff.people import make_staff
from tests.workflow.engine_models import flow, with_diagram

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _payment_settings(settings):
    settings.RATHAUS_PAYMENT_PROVIDERS = ["invoice", "sandbox"]
    settings.RATHAUS_PAYMENT_SANDBOX_SECRET = SECRET
    settings.RATHAUS_PAYMENT_WEBHOOK_TOLERANCE_SECONDS = 300


@pytest.fixture
def world():
    office = OfficeFactory(name="Steueramt")
    form = FormDefinitionFactory(service__fee_rule={"kind": "free"})
    return {
        "office": office,
        "form": form,
        "admin": make_staff("fach", (office, Role.SPECIALIST_ADMIN)),
        "clerk": make_staff("sach", (office, Role.CASE_WORKER)),
    }


def publish(world, body):
    version = version_upload(
        actor=Actor.person(world["admin"]),
        service=world["form"].service,
        municipality=world["office"].municipality,
        files=[ModelFile("antrag.bpmn", with_diagram(body))],
    )
    assert version.runnable, version.check_report
    return version_publish(actor=Actor.person(world["admin"]), version_id=version.pk)


def drain():
    """Run the outbox until nothing is pending, waits (hand-overs, messages) included."""
    for _ in range(10):
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).update(
            available_at=timezone.now()
        )
        if not outbox_drain():
            return


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
    return Case.objects.get(pk=submission.case_id)


def open_items(case):
    return list(
        WorkItem.objects.filter(case=case, status=WorkItem.Status.OPEN).values_list(
            "element", flat=True
        )
    )


def service_task(id_, action, **headers):
    items = "".join(f'<zeebe:header key="{k}" value="{v}"/>' for k, v in headers.items())
    return f"""<bpmn:serviceTask id="{id_}" name="{id_}">
    <bpmn:extensionElements>
      <zeebe:taskDefinition type="{action}"/>
      <zeebe:taskHeaders>{items}</zeebe:taskHeaders>
    </bpmn:extensionElements>
  </bpmn:serviceTask>"""


def waits_for(message):
    """Request → wait for `message` (a message catch event) → a clerk's check."""

    def model(request):
        return f"""
<bpmn:message id="Msg" name="{message}"/>
<bpmn:process id="P" isExecutable="true">
  <bpmn:startEvent id="Begin"/>
  {flow("f1", "Begin", "Ask")}
  {request}
  {flow("f2", "Ask", "Wait")}
  <bpmn:intermediateCatchEvent id="Wait">
    <bpmn:messageEventDefinition messageRef="Msg"/>
  </bpmn:intermediateCatchEvent>
  {flow("f3", "Wait", "Check")}
  <bpmn:userTask id="Check" name="Prüfen"/>
  {flow("f4", "Check", "Done")}
  <bpmn:endEvent id="Done"/>
</bpmn:process>
"""

    return model


# --- request_payment ---

PAYMENT = waits_for("payment_received")(
    service_task("Ask", "request_payment", amount="=fee + 12.5", purpose="Hundesteuer", days="10")
)


def pay_in_the_sandbox(client, request_id):
    """The applicant chooses the sandbox on the request's page; the provider reports paid."""
    page = reverse("payments:request", args=[request_id])
    response = client.post(page, {"provider": "sandbox"})
    assert response.status_code == 302 and "/zahlung/sandbox/" in response["Location"]
    payment = PaymentRequest.objects.get(pk=request_id).payment
    body = body_of(payment)
    webhook = client.post(
        reverse("payments:notify", args=["sandbox"]),
        data=body,
        content_type="application/json",
        headers=signed_headers(body),
    )
    assert webhook.status_code == 200 and webhook.json()["applied"] is True
    return payment


def test_a_requested_fee_is_paid_in_the_portal_and_the_process_goes_on(world, client):
    publish(world, PAYMENT)
    case = submit(world)
    instance = ProcessInstance.objects.get(case=case)
    assert instance.active_elements == ["Wait"] and open_items(case) == []
    # The payments app made the request (fee 0 of the free service + 12.50 €) …
    request = PaymentRequest.objects.get(case=case)
    assert (request.amount_cents, request.currency, request.purpose) == (1250, "EUR", "Hundesteuer")
    assert request.status == "open" and request.municipality_id == case.municipality_id
    assert (request.due_on - request.created_at.date()).days == 10
    # … and the applicant got a message in the Postfach with the link to pay it.
    message = Message.objects.select_related("thread").get(origin=request.key)
    assert subject_open(message.thread) == f"Bitte zahlen Sie die Gebühr für {case.reference}"
    text = body_open(message)
    assert "12,50 €" in text and "Hundesteuer" in text
    link = re.search(r"https?://\S+", text).group(0)
    assert link.endswith(reverse("payments:request", args=[request.pk]))

    # Nobody else sees the request.
    client.force_login(world["clerk"])
    assert client.get(reverse("payments:request", args=[request.pk])).status_code == 404
    client.force_login(case.applicant)
    page = client.get(reverse("payments:request", args=[request.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Gebühr bezahlen" in content and "12,50 €" in content and 'value="sandbox"' in content

    payment = pay_in_the_sandbox(client, request.pk)
    request.refresh_from_db()
    assert request.status == "paid" and request.payment_id == payment.pk
    assert Payment.objects.get(pk=payment.pk).status == "paid"
    assert AuditEvent.objects.filter(action="payment.request_paid").count() == 1
    outbox_drain()  # payment.request_paid → workflow.payment_received
    instance.refresh_from_db()
    assert instance.active_elements == ["Check"] and open_items(case) == ["Check"]
    assert AuditEvent.objects.filter(
        action="workflow.message_received", details__message="payment_received"
    ).exists()
    # The page says so; paying again is not offered.
    after = client.get(reverse("payments:request", args=[request.pk])).content.decode()
    assert "Zahlung ist eingegangen" in after and 'value="sandbox"' not in after


def test_a_second_payment_method_cancels_the_first_attempt(world, client):
    publish(world, PAYMENT)
    case = submit(world)
    request = PaymentRequest.objects.get(case=case)
    client.force_login(case.applicant)
    client.post(reverse("payments:request", args=[request.pk]), {"provider": "sandbox"})
    first = PaymentRequest.objects.get(pk=request.pk).payment
    response = client.post(reverse("payments:request", args=[request.pk]), {"provider": "invoice"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert Payment.objects.get(pk=first.pk).status == "cancelled"
    assert request.payment.provider == "invoice" and request.status == "open"
    bad = client.post(reverse("payments:request", args=[request.pk]), {"provider": "nope"})
    assert "Bitte wählen Sie eine Zahlungsart" in bad.content.decode()


def test_a_repeated_step_asks_once(world):
    """The event and the subscriber carry the step's key: a re-run creates nothing new."""
    publish(world, PAYMENT)
    case = submit(world)
    message = OutboxMessage.objects.get(topic="workflow.payment_requested/payments.request_create")
    from rathaus.core.outbox_runner import outbox_process

    message.status = OutboxMessage.Status.PENDING
    message.save(update_fields=["status"])
    outbox_process(message_id=message.pk)
    assert PaymentRequest.objects.filter(case=case).count() == 1
    assert Message.objects.filter(origin__startswith="workflow:").count() == 1


def test_an_amount_of_zero_asks_nothing(world):
    zero = PAYMENT.replace('value="=fee + 12.5"', 'value="=fee"')
    publish(world, zero)
    case = submit(world)
    assert not PaymentRequest.objects.filter(case=case).exists()
    assert ProcessInstance.objects.get(case=case).active_elements == ["Wait"]


def test_a_payment_before_the_process_waits_for_it_is_delivered_later(world, client):
    """The clerk's check comes first; the fee is paid meanwhile: the message waits."""
    early = f"""
<bpmn:message id="Msg" name="payment_received"/>
<bpmn:process id="P" isExecutable="true">
  <bpmn:startEvent id="Begin"/>
  {flow("f1", "Begin", "Ask")}
  {service_task("Ask", "request_payment", amount="30")}
  {flow("f2", "Ask", "Check")}
  <bpmn:userTask id="Check" name="Prüfen"/>
  {flow("f3", "Check", "Wait")}
  <bpmn:intermediateCatchEvent id="Wait">
    <bpmn:messageEventDefinition messageRef="Msg"/>
  </bpmn:intermediateCatchEvent>
  {flow("f4", "Wait", "Done")}
  <bpmn:endEvent id="Done"/>
</bpmn:process>
"""
    from rathaus.workflow import instances

    publish(world, early)
    case = submit(world)
    request = PaymentRequest.objects.get(case=case)
    assert request.purpose == f"Gebühr für {case.reference}"
    client.force_login(case.applicant)
    pay_in_the_sandbox(client, request.pk)
    outbox_drain()
    retry = OutboxMessage.objects.get(topic="workflow.message.deliver", status="pending")
    assert retry.available_at > timezone.now() + timedelta(minutes=9)  # offered in 10 min
    assert retry.payload["offers"] == 1
    # Offered again while the clerk still checks: twice as long until the next offer.
    OutboxMessage.objects.filter(pk=retry.pk).update(available_at=timezone.now())
    outbox_drain()
    retry = OutboxMessage.objects.get(topic="workflow.message.deliver", status="pending")
    assert retry.payload["offers"] == 2
    assert retry.available_at > timezone.now() + timedelta(minutes=19)
    item = WorkItem.objects.get(case=case, element="Check")
    instances.work_item_complete(actor=Actor.person(world["clerk"]), item_id=item.pk, data={})
    # The step that makes the instance wait for the message offers it at once.
    assert OutboxMessage.objects.get(pk=retry.pk).available_at <= timezone.now()
    outbox_drain()
    assert ProcessInstance.objects.get(case=case).status == "completed"


def test_a_message_not_awaited_is_offered_less_often_the_longer_it_waits():
    from rathaus.workflow.instance_messages import retry_delay

    assert [retry_delay(n) for n in (1, 2, 3, 4, 5, 6, 7, 50)] == [
        600,
        1200,
        2400,
        4800,
        9600,
        19200,
        21600,
        21600,
    ]


# --- record_file ---


def plan_item(municipality, number="020.1", title="Hundesteuer"):
    return FilePlanItem.objects.create(municipality=municipality, number=number, title=title)


def test_record_file_under_a_plan_item_finds_or_creates_the_cases_file(world):
    item = plan_item(world["office"].municipality)
    publish(
        world,
        waits_for("never")(service_task("Ask", "record_file", plan_item="020.1")),
    )
    case = submit(world)
    filing = CaseFiling.objects.select_related("file").get(case=case)
    assert filing.file.plan_item == item and filing.file.title == case.reference
    assert filing.file.office_id == case.office_id
    assert AuditEvent.objects.filter(action="records.case_file").count() == 1
    # A second case of the same model gets a file of its own (its reference is the title).
    other = submit(world)
    assert CaseFiling.objects.get(case=other).file != filing.file


def test_record_file_in_a_named_file_and_a_file_already_there_is_fine(world):
    item = plan_item(world["office"].municipality)
    from rathaus.records.services import file_create

    record = file_create(
        actor=Actor.system("test"),
        office=world["office"],
        plan_item=item,
        title="Hundesteuer 2026",
    )
    publish(
        world,
        waits_for("never")(service_task("Ask", "record_file", file=record.file_reference)),
    )
    case = submit(world)
    assert CaseFiling.objects.get(case=case).file == record
    instance = ProcessInstance.objects.get(case=case)
    assert instance.status == "running" and instance.active_elements == ["Wait"]


def test_record_file_refuses_an_unknown_file_by_name(world):
    publish(world, waits_for("never")(service_task("Ask", "record_file", file="999-XX")))
    case = submit(world)
    instance = ProcessInstance.objects.get(case=case)
    assert instance.status == "failed"
    assert "Akte 999-XX" in instance.problem and "Ask" in instance.problem
    assert not CaseFiling.objects.filter(case=case).exists()
    assert not RecordFile.objects.exists()


# --- fitconnect_hand_over ---


def check_data(instance):
    from rathaus.workflow.instances import _workflow_of

    workflow = _workflow_of(instance, instance.case)
    return workflow.get_tasks(spec_name="Check")[0].data


class Channel(handover.HandoverChannel):
    key = "test_channel"
    label = "Test"
    delivered: list[str] = []

    def destination_for(self, submission):
        return "fachverfahren-1"

    def deliver(self, submission, *, destination, resume="", remember=None):
        self.delivered.append(destination)
        return "remote-1"


@pytest.fixture
def channel(monkeypatch):
    channels: Registry[handover.HandoverChannel] = Registry("hand-over channels")
    channels.register(Channel.key)(Channel())
    Channel.delivered = []
    monkeypatch.setattr(handover, "handover_channels", channels)
    from rathaus.applications import handover_requests

    monkeypatch.setattr(handover_requests, "handover_channels", channels)
    return Channel


def test_the_submission_is_handed_over_once_and_the_process_hears_it(world, channel):
    publish(world, waits_for("handover_done")(service_task("Ask", "fitconnect_hand_over")))
    case = submit(world)
    drain()
    instance = ProcessInstance.objects.get(case=case)
    # Handed over at submission (the subscriber of submission.created) and asked for again by
    # the process: delivered once; the process hears it and goes on.
    assert channel.delivered == ["fachverfahren-1"]
    assert Handover.objects.get(submission__case=case).status == "delivered"
    instance.refresh_from_db()
    assert instance.active_elements == ["Check"]
    item = WorkItem.objects.get(case=case)
    assert item.element == "Check"
    data = check_data(instance)
    assert data["handed_over"] is True and data["handover_channels"] == ["test_channel"]


def test_without_a_channel_the_process_hears_that_nothing_was_handed_over(world, channel):
    publish(
        world,
        waits_for("handover_done")(
            service_task("Ask", "fitconnect_hand_over", channel="fitconnect")
        ),
    )
    case = submit(world)
    drain()
    instance = ProcessInstance.objects.get(case=case)
    assert instance.active_elements == ["Check"]
    data = check_data(instance)
    assert data["handed_over"] is False and data["handover_channels"] == []
