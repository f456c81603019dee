"""The engine on SpiffWorkflow (issue 12 §1, §5): FEEL conditions, actions of service tasks,
work for clerks, ISO 8601 timers on a clock the test moves, messages, and the state saved and
loaded between any two steps."""

import datetime as dt
from decimal import Decimal

import pytest

from rathaus.workflow.engine import clock
from rathaus.workflow.engine.runner import (
    message_deliver,
    work_complete,
    workflow_advance,
    workflow_create,
)
from rathaus.workflow.engine.serializer import workflow_dump, workflow_load
from tests.workflow.engine_models import (
    APPOINTMENT,
    CHECK_AND_NOTIFY,
    DEADLINE,
    DOCUMENTS,
    compiled,
)

START = dt.datetime(2026, 1, 30, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def now(monkeypatch):
    """The engine's clock, moved by the test: now["at"] = …"""
    moment = {"at": START}
    monkeypatch.setattr(clock, "now", lambda: moment["at"])
    return moment


class Actions:
    def __init__(self):
        self.done = []

    def __call__(self, task, data):
        self.done.append((task.element, task.action, dict(task.parameters)))
        return {f"{task.element}_done": True}


def start(body, data=None):
    model = compiled(body)
    return workflow_create(model.spec, model.subprocess_specs, data or {})


def reload(workflow):
    """Every step below runs on a workflow saved and loaded again, as the database does."""
    return workflow_load(workflow_dump(workflow))


@pytest.mark.parametrize(("amount", "action"), [(Decimal("150"), "notify"), (100, "status_set")])
def test_a_clerk_decides_and_the_feel_condition_picks_the_action(now, amount, action):
    workflow = start(CHECK_AND_NOTIFY)
    actions = Actions()
    step = workflow_advance(workflow, action_run=actions)
    [check] = step.work
    assert (check.element, check.roles, check.form) == ("Check", ("case_worker",), "pruefung")
    assert actions.done == []
    workflow = reload(workflow)
    work_complete(workflow, task_id=check.id, data={"amount": amount})
    step = workflow_advance(workflow, action_run=actions)
    [(_element, performed, parameters)] = actions.done
    assert performed == action
    assert parameters == ({"status": "decided"} if action == "status_set" else {})
    [sign] = step.work
    assert sign.element == "Sign" and sign.roles == ("team_lead",)
    workflow = reload(workflow)
    work_complete(workflow, task_id=sign.id, data={})
    assert workflow_advance(workflow, action_run=actions).finished


def test_the_deadline_interrupts_and_reminders_do_not(now):
    workflow = start(DEADLINE)
    actions = Actions()
    step = workflow_advance(workflow, action_run=actions)
    # 30 January + 7 days: the first reminder; the deadline one calendar month later (P1M
    # from 30 January is 28 February), both in Berlin wall-clock time.
    assert step.wake_at == dt.datetime(2026, 2, 6, 9, 0, tzinfo=dt.UTC)
    for week in (1, 2, 3):
        now["at"] = START + dt.timedelta(days=7 * week, seconds=1)
        workflow = reload(workflow)
        step = workflow_advance(workflow, action_run=actions)
        assert [w.element for w in step.work] == ["Check"]  # still open
    assert [a for a, _, _ in actions.done] == ["Remind", "Remind", "Remind"]
    assert step.wake_at == dt.datetime(2026, 2, 28, 9, 0, tzinfo=dt.UTC)
    now["at"] = dt.datetime(2026, 2, 28, 8, 59, tzinfo=dt.UTC)
    assert [w.element for w in workflow_advance(reload(workflow), action_run=actions).work] == [
        "Check"
    ]
    now["at"] = dt.datetime(2026, 2, 28, 9, 0, tzinfo=dt.UTC)
    workflow = reload(workflow)
    step = workflow_advance(workflow, action_run=actions)
    assert [w.element for w in step.work] == ["Escalate"]  # the check was interrupted
    assert len(actions.done) == 3  # no fourth reminder (R3)


def test_a_date_from_the_data_and_a_parallel_split(now):
    workflow = start(APPOINTMENT, {"pickup": "2026-02-02T08:00:00+01:00"})
    actions = Actions()
    step = workflow_advance(workflow, action_run=actions)
    assert actions.done == [] and step.wake_at == dt.datetime(2026, 2, 2, 7, 0, tzinfo=dt.UTC)
    now["at"] = dt.datetime(2026, 2, 2, 7, 0, tzinfo=dt.UTC)
    step = workflow_advance(reload(workflow), action_run=actions)
    assert sorted(a for _, a, _ in actions.done) == ["notify", "status_set"]


def test_a_message_ends_the_wait_or_the_timer_does(now):
    workflow = start(DOCUMENTS)
    actions = Actions()
    step = workflow_advance(workflow, action_run=actions)
    assert [a for _, a, _ in actions.done] == ["request_documents"]
    assert step.work == [] and step.wake_at == START + dt.timedelta(days=14)
    waiting = reload(workflow)
    message_deliver(waiting, name="documents_received", payload={"documents": 2})
    step = workflow_advance(waiting, action_run=actions)
    assert [w.element for w in step.work] == ["Check"] and step.wake_at is None
    late = reload(workflow)
    now["at"] = START + dt.timedelta(days=14)
    step = workflow_advance(late, action_run=actions)
    assert [w.element for w in step.work] == ["Reject"]


def dog_tax_table():
    from tests.workflow.dmn_tables import table

    return table(
        inputs=[("dangerous", "boolean"), ("dogs", "number")],
        outputs=[("fee", "number")],
        rows=[
            ["true", "-", "600"],
            ["false", "1", "120"],
            ["false", "> 1", "120 + (dogs - 1) * 180"],
        ],
        hit_policy="FIRST",
    ).decode()


@pytest.mark.parametrize(
    ("dangerous", "dogs", "fee", "review"), [(True, 1, 600, True), (False, 1, 120, False)]
)
def test_a_business_rule_task_decides_with_the_dmn_table(now, dangerous, dogs, fee, review):
    from tests.workflow.engine_models import DOG_TAX

    model = compiled(DOG_TAX, dmn={"Decision_1": dog_tax_table()})
    workflow = workflow_create(
        model.spec, model.subprocess_specs, {"dangerous": dangerous, "dogs": dogs}
    )
    step = workflow_advance(workflow, action_run=Actions())
    assert [w.element for w in step.work] == (["Review"] if review else [])
    assert step.finished is not review
    assert workflow_load(workflow_dump(workflow)).last_task.data["fee"] == fee
