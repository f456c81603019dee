"""A real Celery worker killed in the middle of a process step (issue 12 §6): the step runs in
one transaction, so what it wrote before the worker died is gone; once the lease expires the
sweep runs the step again on another worker, and its effect exists exactly once."""

import os
import signal
from pathlib import Path

import pytest
from django.utils import timezone

from rathaus.core import outbox
from rathaus.core.models import AuditEvent, OutboxMessage
from rathaus.workflow.models import ProcessInstance, WorkItem
from tests.applications.inbox_data import make_submission
from tests.core.test_celery_worker import (  # noqa: F401  (fixtures)
    LEASE_SECONDS,
    broker_dir,
    sender,
    start_worker,
    wait_for,
)
from tests.workflow.engine_models import flow
from tests.workflow.test_case_actions import publish, service_task, world  # noqa: F401
from tests.workflow.worker_actions import (
    BLOCKING_ACTION,
    EFFECT_ACTION,
    blocking_action_register,
)

pytestmark = pytest.mark.django_db(transaction=True)


def model(folder: Path) -> str:
    return f"""
<bpmn:process id="P" isExecutable="true">
  <bpmn:startEvent id="Begin"/>
  {flow("f1", "Begin", "Block")}
  {service_task("Block", BLOCKING_ACTION, dir=str(folder))}
  {flow("f2", "Block", "Check")}
  <bpmn:userTask id="Check" name="Prüfen"/>
  {flow("f3", "Check", "Done")}
  <bpmn:endEvent id="Done"/>
</bpmn:process>
"""


def test_a_worker_killed_during_a_step_leaves_nothing_and_the_step_runs_once(
    world,  # noqa: F811
    tmp_path,
    broker_dir,  # noqa: F811
    start_worker,  # noqa: F811
    monkeypatch,
):
    blocking_action_register(monkeypatch)  # known to the model check in this process
    publish(world, model(tmp_path))
    # The outbox messages go to the workers below, not to this process's eager Celery.
    monkeypatch.setattr(outbox, "_dispatcher", None)
    submission = make_submission(office=world["office"], form=world["form"])
    start = OutboxMessage.objects.get(topic="case.opened/workflow.process_start")
    client = sender(broker_dir)

    first = start_worker("first")
    client.send_task("rathaus.core.outbox_run", args=[start.pk])
    wait_for(lambda: list(tmp_path.glob("started-*")), 60, "the first worker to run the step")
    os.killpg(first.pid, signal.SIGKILL)  # in the middle of the step's transaction
    first.wait(timeout=10)
    start.refresh_from_db()
    assert start.status == OutboxMessage.Status.PENDING and start.attempts == 1
    # Nothing of the step is left: no instance, no work item, no effect of the action.
    assert not ProcessInstance.objects.filter(case=submission.case).exists()
    assert not WorkItem.objects.filter(case=submission.case).exists()
    assert not AuditEvent.objects.filter(action=EFFECT_ACTION).exists()

    (tmp_path / "release").touch()
    start_worker("second")
    wait_for(lambda: timezone.now() > start.locked_until, LEASE_SECONDS + 2, "lease expiry")
    client.send_task("rathaus.core.outbox_sweep")

    def done() -> bool:
        start.refresh_from_db()
        return start.status == OutboxMessage.Status.DONE

    try:
        wait_for(done, 60, "the second worker to run the step again")
    except AssertionError:
        print((tmp_path / "second.log").read_text())
        raise
    assert len((tmp_path / "runs.log").read_text().splitlines()) == 2  # it did run again
    assert AuditEvent.objects.filter(action=EFFECT_ACTION).count() == 1  # its effect once
    instance = ProcessInstance.objects.get(case=submission.case)
    assert instance.status == "running" and "Block" in instance.completed_elements
    assert list(
        WorkItem.objects.filter(case=submission.case).values_list("element", flat=True)
    ) == ["Check"]
