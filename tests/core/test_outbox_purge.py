"""Purge of done outbox messages after the retention; the dispatcher hook (no outbox ↔ tasks
import cycle)."""

import ast
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from rathaus.core import outbox
from rathaus.core.models import OutboxMessage
from rathaus.core.outbox_runner import outbox_purge

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
Status = OutboxMessage.Status


def message(*, status: str, age_days: float, topic: str = "test.purge") -> OutboxMessage:
    """A message that finished (or was created) `age_days` ago."""
    at = timezone.now() - timedelta(days=age_days)
    return OutboxMessage.objects.create(
        topic=topic,
        payload={},
        status=status,
        available_at=at,
        done_at=at if status == Status.DONE else None,
    )


def remaining() -> set[int]:
    return set(OutboxMessage.objects.values_list("pk", flat=True))


def test_done_messages_older_than_the_retention_are_deleted_others_stay(settings):
    settings.RATHAUS_OUTBOX_RETENTION_DAYS = 14
    old_done = message(status=Status.DONE, age_days=15)
    young_done = message(status=Status.DONE, age_days=13)
    old_failed = message(status=Status.FAILED, age_days=400)
    old_pending = message(status=Status.PENDING, age_days=30)
    assert outbox_purge() == 1
    assert remaining() == {young_done.pk, old_failed.pk, old_pending.pk}
    assert old_done.pk not in remaining()
    assert outbox_purge() == 0  # nothing left to do


def test_retention_comes_from_the_setting(settings):
    young = message(status=Status.DONE, age_days=3)
    settings.RATHAUS_OUTBOX_RETENTION_DAYS = 5
    assert outbox_purge() == 0
    settings.RATHAUS_OUTBOX_RETENTION_DAYS = 2
    assert outbox_purge() == 1
    assert young.pk not in remaining()


def test_default_retention_is_fourteen_days():
    from rathaus.conf import base

    assert base.RATHAUS_OUTBOX_RETENTION_DAYS == 14


def test_large_backlog_is_deleted_in_batches():
    for _ in range(7):
        message(status=Status.DONE, age_days=20)
    keep = message(status=Status.FAILED, age_days=20)
    assert outbox_purge(retention_days=14, batch_size=3) == 7
    assert remaining() == {keep.pk}


def test_management_command(settings):
    settings.RATHAUS_OUTBOX_RETENTION_DAYS = 14
    week_old = message(status=Status.DONE, age_days=7)
    month_old = message(status=Status.DONE, age_days=30)
    out = StringIO()
    call_command("outbox_purge", stdout=out)
    assert "purged 1 " in out.getvalue()
    assert remaining() == {week_old.pk}
    assert month_old.pk not in remaining()
    call_command("outbox_purge", "--days", "3", stdout=out)
    assert remaining() == set()
    with pytest.raises(CommandError, match="negative"):
        call_command("outbox_purge", "--days", "-1")


def test_purge_is_a_daily_periodic_task(settings):
    from rathaus.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["outbox-purge"]
    assert entry["task"] == "rathaus.core.outbox_purge"
    assert entry["task"] in app.tasks
    message(status=Status.DONE, age_days=settings.RATHAUS_OUTBOX_RETENTION_DAYS + 1)
    assert app.tasks[entry["task"]].delay().get() == 1
    assert not OutboxMessage.objects.exists()


# --- Dispatch through the hook ---


def test_core_installs_the_celery_dispatcher():
    from rathaus.core.tasks import outbox_tasks_dispatcher

    assert outbox._dispatcher is outbox_tasks_dispatcher


def test_without_a_dispatcher_messages_wait_for_the_sweep(monkeypatch, caplog):
    calls: list[Any] = []
    monkeypatch.setattr(outbox, "_dispatcher", None)
    outbox.outbox_dispatch(message_id=42)
    outbox.outbox_dispatch_many(message_ids=[40, 41])
    assert caplog.text.count("No outbox dispatcher installed") == 2
    outbox.outbox_dispatcher_set(
        outbox.OutboxDispatcher(one=lambda i: calls.append(("one", i)), many=calls.append)
    )
    outbox.outbox_dispatch(message_id=43)
    outbox.outbox_dispatch_many(message_ids=[44, 45])
    assert calls == [("one", 43), [44, 45]]


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):  # nested ones too
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("module", ["outbox.py", "outbox_runner.py", "events.py"])
def test_the_outbox_does_not_import_the_tasks_that_run_it(module):
    """tasks → outbox_runner → outbox, never back (not even inside a function): the tasks
    reach the outbox through `outbox_dispatcher_set` (import-linter checks it as well)."""
    imported = _imported_modules(ROOT / "src" / "rathaus" / "core" / module)
    assert "rathaus.core.outbox" in imported or module == "outbox.py"
    assert not {name for name in imported if name.startswith("rathaus.core.tasks")}
    assert "rathaus.core.tasks" not in imported and "celery" not in imported
