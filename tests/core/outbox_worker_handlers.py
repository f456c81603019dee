"""Outbox handlers for the tests that run a real Celery worker.

Not collected by pytest (no `test_` prefix); the worker subprocess imports it with
`celery worker --include tests.core.outbox_worker_handlers`, so no production code knows
about test topics.
"""

import os
import time
from pathlib import Path
from typing import Any

from django.db import transaction

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.audit_actions import register_actions
from rathaus.core.models import AuditEvent
from rathaus.core.outbox import outbox_handlers

EFFECT_ACTION = "test.outbox_effect"
register_actions("tests", {EFFECT_ACTION: "The side effect of the outbox worker tests."})
BLOCKING_TOPIC = "test.blocking"


def effects(key: str) -> int:
    """How many times the side effect with idempotency key `key` happened."""
    return AuditEvent.objects.filter(action=EFFECT_ACTION, details__key=key).count()


@outbox_handlers.register(BLOCKING_TOPIC)
def blocking_handler(payload: dict[str, Any]) -> None:
    """Record the side effect once per key, then block until `release` exists in `dir`."""
    folder = Path(payload["dir"])
    key = payload["key"]
    with transaction.atomic():
        if effects(key) == 0:
            audit_record(actor=Actor.system("test"), action=EFFECT_ACTION, details={"key": key})
    with (folder / "runs.log").open("a") as log:
        log.write(f"{os.getpid()}\n")
    (folder / f"started-{os.getpid()}").touch()
    deadline = time.monotonic() + 60
    while not (folder / "release").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("test handler was never released")
        time.sleep(0.1)
