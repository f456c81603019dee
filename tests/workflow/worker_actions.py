"""A workflow action for the test that kills a real Celery worker in the middle of a process
step (tests/workflow/test_worker_killed.py).

Not collected by pytest (no `test_` prefix). The worker subprocess imports it with
`celery worker --include …` and registers the action when RATHAUS_TEST_BLOCKING_ACTION is
set (tests/core/test_celery_worker.py's `start_worker` sets it); the test process registers
it only for the test's duration (`blocking_action_registered`), so no other test sees it.
"""

import os
import time
from pathlib import Path
from typing import Any

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.audit_actions import register_actions
from rathaus.workflow.actions import ACTIONS, ActionContext, registry

BLOCKING_ACTION = "test_blocking_step"
EFFECT_ACTION = "test.workflow_step_effect"
register_actions("tests", {EFFECT_ACTION: "The side effect of the killed-worker step test."})


def blocking_step(context: ActionContext) -> dict[str, Any] | None:
    """Write a side effect that is NOT idempotent (an audit entry per run) inside the step's
    transaction, then block until `release` exists in the folder the model names."""
    audit_record(
        actor=Actor.system("test"), action=EFFECT_ACTION, details={"case": str(context.case.pk)}
    )
    folder = Path(context.parameters["dir"])
    with (folder / "runs.log").open("a") as log:
        log.write(f"{os.getpid()}\n")
    (folder / f"started-{os.getpid()}").touch()
    deadline = time.monotonic() + 60
    while not (folder / "release").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the blocking step was never released")
        time.sleep(0.1)
    return {"blocked_once": True}


def blocking_action_register(monkeypatch: Any = None) -> None:
    """Make the action known (for the duration of `monkeypatch`, when given)."""
    if monkeypatch is None:
        ACTIONS[BLOCKING_ACTION] = "Block (test)"
        registry._items[BLOCKING_ACTION] = blocking_step
        return
    monkeypatch.setitem(ACTIONS, BLOCKING_ACTION, "Block (test)")
    monkeypatch.setitem(registry._items, BLOCKING_ACTION, blocking_step)


if os.environ.get("RATHAUS_TEST_BLOCKING_ACTION") == "1":
    blocking_action_register()
