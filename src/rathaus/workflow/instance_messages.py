"""BPMN messages for the instance of a case: what another app reports (a payment received, a
hand-over done) lets a waiting message catch event or receive task go on.

Correlation is by case: a case has one instance, and the message goes to it. A message the
instance does not wait for yet — the model reaches its catch event later (a clerk's task
comes first) — is kept as an outbox message (`MessageNotAwaited`): the step that makes the
instance wait for a message offers it again at once (`instances._step`), and otherwise it
is offered again after 10 minutes, then after twice as long each time, at most every 6
hours, for as long as the instance runs; one the model never waits for is dropped.
"""

import logging
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils.translation import gettext as _
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent

from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict
from rathaus.core.outbox import outbox_enqueue, outbox_handlers

from .engine.runner import EngineError
from .instances import SYSTEM, _locked, _step, _workflow_of
from .message_events import MESSAGE_OFFER_TOPIC, event_definitions
from .models import ProcessInstance

log = logging.getLogger(__name__)

# A message the instance will wait for later is offered again after this many seconds,
# twice as long after each further offer, at most after MAX_RETRY_SECONDS.
RETRY_SECONDS = 600
MAX_RETRY_SECONDS = 6 * 3600
RETRY_TOPIC = MESSAGE_OFFER_TOPIC


class MessageNotAwaited(Conflict):
    """The instance has a catch event for the message but does not wait for it yet."""


def _model_waits_for(workflow: Any, name: str) -> bool:
    """Whether the model has any message event or receive task for `name`."""
    specs = [workflow.spec, *workflow.subprocess_specs.values()]
    for spec in specs:
        for task_spec in spec.task_specs.values():
            for definition in event_definitions(getattr(task_spec, "event_definition", None)):
                if isinstance(definition, MessageEventDefinition) and definition.name == name:
                    return True
    return False


def instance_message_deliver(*, case_id: UUID, name: str, payload: dict[str, Any]) -> bool:
    """Deliver the message `name` with `payload` (it lands in the data of the catching task)
    to the running instance of the case and let it go on; audited. False when the case has
    no running instance or its model never waits for `name`; MessageNotAwaited when the
    model waits for it later."""
    try:
        with transaction.atomic():
            instance = (
                ProcessInstance.objects.filter(
                    case_id=case_id, status=ProcessInstance.Status.RUNNING
                )
                .values_list("pk", flat=True)
                .first()
            )
            if instance is None:
                return False
            locked, case = _locked(instance)
            if locked.status != ProcessInstance.Status.RUNNING:
                return False
            workflow = _workflow_of(locked, case)
            caught = workflow.event_manager.catch(
                BpmnEvent(MessageEventDefinition(name), dict(payload))
            )
            if not caught:
                if _model_waits_for(workflow, name):
                    raise MessageNotAwaited(
                        _("The process does not wait for the message %(name)s yet.")
                        % {"name": name}
                    )
                log.info("instance %s never waits for the message %s", locked.pk, name)
                return False
            audit_record(
                actor=SYSTEM,
                action="workflow.message_received",
                obj=case,
                details={"instance": str(locked.pk), "message": name},
            )
            _step(locked, workflow, case=case)
            return True
    except EngineError as error:  # the model cannot go on: the staff see the problem
        log.warning("instance of case %s stopped after the message %s: %s", case_id, name, error)
        ProcessInstance.objects.filter(
            case_id=case_id, status=ProcessInstance.Status.RUNNING
        ).update(status=ProcessInstance.Status.FAILED, problem=str(error)[:2000])
        return False


def retry_delay(offers: int) -> int:
    """Seconds until a message not awaited is offered again after its `offers`-th offer."""
    return min(RETRY_SECONDS << max(offers - 1, 0), MAX_RETRY_SECONDS)


def message_deliver_or_later(
    *, case_id: UUID, name: str, payload: dict[str, Any], offers: int = 1
) -> bool:
    """`instance_message_deliver`, and when the instance waits for the message only later,
    a fresh outbox message that offers it again (`retry_delay`; at once when a step makes
    the instance wait for a message) — not a failure: it does not use up the outbox's
    retries. `offers`: how often it has been offered, this time included."""
    try:
        return instance_message_deliver(case_id=case_id, name=name, payload=payload)
    except MessageNotAwaited:
        with transaction.atomic():
            outbox_enqueue(
                topic=RETRY_TOPIC,
                payload={
                    "case": str(case_id),
                    "name": name,
                    "payload": payload,
                    "offers": offers,
                },
                delay_seconds=retry_delay(offers),
            )
        return False


@outbox_handlers.register(RETRY_TOPIC)
def message_deliver_again(payload: dict[str, Any]) -> None:
    """Outbox handler: offer a message again that the instance did not wait for yet."""
    message_deliver_or_later(
        case_id=UUID(payload["case"]),
        name=payload["name"],
        payload=payload["payload"],
        offers=int(payload.get("offers", 1)) + 1,
    )
