"""The outbox runner: claim with a lease, retries with backoff, give up, sweep, admin retry."""

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from rathaus.core.actors import Actor
from rathaus.core.models import AuditEvent, OutboxMessage
from rathaus.core.outbox import outbox_batch_handlers, outbox_enqueue, outbox_handlers
from rathaus.core.outbox_runner import (
    BACKOFF_BASE_SECONDS,
    outbox_backoff,
    outbox_claim,
    outbox_process,
    outbox_retry,
    outbox_sweep,
)
from tests.staff.people import login_with_mfa

pytestmark = pytest.mark.django_db

calls: list[dict[str, Any]] = []
failures_left = {"count": 0}


@outbox_handlers.register("test.record")
def _record(payload: dict[str, Any]) -> None:
    if failures_left["count"] > 0:
        failures_left["count"] -= 1
        raise ConnectionError(f"mail server down for message {payload.get('n')}")
    calls.append(payload)


@pytest.fixture(autouse=True)
def _reset():
    calls.clear()
    failures_left["count"] = 0
    yield


def message(**kwargs: Any) -> OutboxMessage:
    fields: dict[str, Any] = {"topic": "test.record", "payload": {"n": 1}}
    fields.setdefault("available_at", timezone.now())
    fields.update(kwargs)
    return OutboxMessage.objects.create(**fields)


def test_enqueue_dispatches_after_commit_only(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        m = outbox_enqueue(topic="test.record", payload={"n": 7})
        assert calls == []
    m.refresh_from_db()
    assert calls == [{"n": 7}]
    assert m.status == OutboxMessage.Status.DONE
    assert m.attempts == 1
    assert m.done_at is not None
    assert m.locked_until is None


def test_second_claim_loses_while_the_lease_holds():
    m = message()
    first = outbox_claim(message_id=m.pk)
    second = outbox_claim(message_id=m.pk)
    assert first is not None
    assert second is None
    m.refresh_from_db()
    assert m.attempts == 1
    assert m.locked_until == first.locked_until


def test_claim_after_the_lease_expired_wins(settings):
    settings.RATHAUS_OUTBOX_LEASE_SECONDS = 60
    m = message()
    assert outbox_claim(message_id=m.pk) is not None
    later = timezone.now() + timedelta(seconds=61)
    assert outbox_claim(message_id=m.pk, now=later) is not None
    m.refresh_from_db()
    assert m.attempts == 2


def test_not_due_and_done_messages_are_not_claimed():
    future = message(available_at=timezone.now() + timedelta(minutes=5))
    done = message(status=OutboxMessage.Status.DONE)
    assert outbox_claim(message_id=future.pk) is None
    assert outbox_claim(message_id=done.pk) is None


def test_done_message_is_not_run_again():
    m = message()
    assert outbox_process(message_id=m.pk) is True
    assert outbox_process(message_id=m.pk) is False
    assert calls == [{"n": 1}]


@outbox_handlers.register("test.overrun")
def _overrun(payload: dict[str, Any]) -> None:
    # While this handler is busy its lease runs out and another worker claims the message.
    OutboxMessage.objects.filter(pk=payload["id"]).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    assert outbox_claim(message_id=payload["id"]) is not None


def test_a_worker_that_lost_its_lease_does_not_overwrite_the_outcome():
    m = message(topic="test.overrun")
    m.payload = {"id": m.pk}
    m.save(update_fields=["payload"])
    assert outbox_process(message_id=m.pk) is False
    m.refresh_from_db()
    # Still pending under the other worker's lease, which decides the outcome.
    assert m.status == OutboxMessage.Status.PENDING
    assert m.locked_until is not None and m.locked_until > timezone.now()
    assert m.attempts == 2


def test_failure_schedules_a_retry_with_backoff():
    failures_left["count"] = 1
    m = message()
    before = timezone.now()
    assert outbox_process(message_id=m.pk) is False
    m.refresh_from_db()
    assert m.status == OutboxMessage.Status.PENDING
    assert m.attempts == 1
    assert m.locked_until is None
    assert m.last_error == "builtins.ConnectionError: mail server down for message 1"
    delay = (m.available_at - before).total_seconds()
    assert 2 * BACKOFF_BASE_SECONDS <= delay <= 2 * BACKOFF_BASE_SECONDS * 1.25 + 1
    # Not due yet: neither a direct run nor the sweep takes it.
    assert outbox_process(message_id=m.pk) is False
    assert outbox_sweep() == 0
    # After the backoff the sweep runs it (eagerly in tests).
    OutboxMessage.objects.filter(pk=m.pk).update(available_at=timezone.now())
    assert outbox_sweep() == 1
    m.refresh_from_db()
    assert m.status == OutboxMessage.Status.DONE
    assert m.attempts == 2
    assert calls == [{"n": 1}]


def test_backoff_grows_exponentially_up_to_the_cap():
    assert outbox_backoff(attempts=1) >= timedelta(seconds=2 * BACKOFF_BASE_SECONDS)
    assert outbox_backoff(attempts=3) >= timedelta(seconds=8 * BACKOFF_BASE_SECONDS)
    assert outbox_backoff(attempts=3) < timedelta(seconds=8 * BACKOFF_BASE_SECONDS * 1.26)
    assert timedelta(hours=1) <= outbox_backoff(attempts=50) <= timedelta(hours=1.25)


def test_after_max_attempts_the_message_fails_and_is_audited(settings, caplog):
    settings.RATHAUS_OUTBOX_MAX_ATTEMPTS = 2
    failures_left["count"] = 5
    m = message()
    assert outbox_process(message_id=m.pk) is False
    OutboxMessage.objects.filter(pk=m.pk).update(available_at=timezone.now())
    assert outbox_process(message_id=m.pk) is False
    m.refresh_from_db()
    assert m.status == OutboxMessage.Status.FAILED
    assert m.attempts == 2
    assert m.locked_until is None
    event = AuditEvent.objects.get(action="outbox.failed")
    assert event.actor_type == AuditEvent.ActorType.SYSTEM
    assert event.object_id == str(m.pk)
    assert event.details == {"topic": "test.record", "attempts": 2}
    assert any(r.levelname == "ERROR" and "failed for good" in r.message for r in caplog.records)
    assert outbox_sweep() == 0


def test_unknown_topic_fails_at_once():
    m = message(topic="test.nobody-handles-this")
    assert outbox_process(message_id=m.pk) is False
    m.refresh_from_db()
    assert m.status == OutboxMessage.Status.FAILED
    assert m.attempts == 1
    assert "test.nobody-handles-this" in m.last_error
    assert AuditEvent.objects.filter(action="outbox.failed", object_id=str(m.pk)).exists()


def test_sweep_takes_due_and_expired_leases_but_not_held_ones(django_capture_on_commit_callbacks):
    now = timezone.now()
    due = message(payload={"n": "due"})
    expired = message(payload={"n": "expired"}, locked_until=now - timedelta(seconds=1))
    held = message(payload={"n": "held"}, locked_until=now + timedelta(minutes=5))
    message(payload={"n": "later"}, available_at=now + timedelta(minutes=5))
    message(payload={"n": "done"}, status=OutboxMessage.Status.DONE)
    message(payload={"n": "failed"}, status=OutboxMessage.Status.FAILED)
    assert outbox_sweep() == 2
    assert sorted(c["n"] for c in calls) == ["due", "expired"]
    for m in (due, expired):
        m.refresh_from_db()
        assert m.status == OutboxMessage.Status.DONE
    held.refresh_from_db()
    assert held.status == OutboxMessage.Status.PENDING


def test_retry_of_a_failed_message_is_audited_and_runs(
    django_capture_on_commit_callbacks, django_user_model
):
    staff = django_user_model.objects.create_user(username="ops", password="x", is_staff=True)
    m = message(status=OutboxMessage.Status.FAILED, attempts=10, last_error="boom")
    with django_capture_on_commit_callbacks(execute=True):
        outbox_retry(message=m, actor=Actor.person(staff))
    m.refresh_from_db()
    assert m.status == OutboxMessage.Status.DONE
    assert m.attempts == 1
    event = AuditEvent.objects.get(action="outbox.retry")
    assert event.actor_label == "ops"
    assert event.details == {"topic": "test.record", "previous_status": "failed"}


def test_retry_leaves_a_message_alone_while_a_worker_holds_it(django_capture_on_commit_callbacks):
    held_until = timezone.now() + timedelta(minutes=5)
    m = message(locked_until=held_until, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        outbox_retry(message=m, actor=Actor.system("tests"))
    m.refresh_from_db()
    assert m.locked_until == held_until
    assert calls == []


def test_admin_retry_action(client, django_user_model, django_capture_on_commit_callbacks):
    admin_user = django_user_model.objects.create_superuser(
        username="root", password="pw-" * 6, email="root@example.org"
    )
    login_with_mfa(client, admin_user)  # /intern/ needs a second factor
    failed = message(status=OutboxMessage.Status.FAILED, attempts=3)
    done = message(status=OutboxMessage.Status.DONE)
    url = "/intern/admin/core/outboxmessage/"
    assert client.get(url + "?status__exact=failed").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"action": "retry_now", "_selected_action": [failed.pk, done.pk]},
            follow=True,
        )
    assert response.status_code == 200
    failed.refresh_from_db()
    assert failed.status == OutboxMessage.Status.DONE
    assert AuditEvent.objects.filter(action="outbox.retry").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_one_wins():
    m = message()
    barrier = threading.Barrier(4)
    results: list[bool] = []
    lock = threading.Lock()

    def claim() -> None:
        try:
            barrier.wait()
            won = outbox_claim(message_id=m.pk) is not None
            with lock:
                results.append(won)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]
    m.refresh_from_db()
    assert m.attempts == 1


def test_every_periodic_job_names_a_registered_task(settings):
    from rathaus.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "rathaus.core.outbox_sweep",
        "rathaus.applications.drafts_expire",
        "rathaus.applications.attachment_rescan_pending",
        "rathaus.accounts.inactive_accounts_process",
        "rathaus.federation.login_housekeeping",
    } <= scheduled
    assert scheduled <= set(app.tasks)


def test_daily_jobs_run_as_tasks(django_user_model):
    from rathaus.accounts.tasks import inactive_accounts_run
    from rathaus.federation.tasks import login_housekeeping_run

    assert inactive_accounts_run.delay().get() == {"warned": 0, "deleted": 0}
    assert login_housekeeping_run.delay().get() == 0


def test_unreachable_broker_leaves_the_message_to_the_sweep(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from rathaus.core import tasks

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(tasks.outbox_run, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        m = outbox_enqueue(topic="test.record", payload={"n": 2})
    m.refresh_from_db()
    assert m.status == OutboxMessage.Status.PENDING
    assert "not dispatched" in caplog.text
    monkeypatch.undo()
    assert outbox_sweep() == 1
    assert calls == [{"n": 2}]


def test_messages_of_one_transaction_run_as_one_task_each_on_its_own(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from rathaus.core import tasks
    from rathaus.core.outbox import outbox_enqueue_many

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first, second = outbox_enqueue_many(
            messages=[("test.record", {"n": 10}), ("test.record", {"n": 11})]
        )
    assert calls[-2:] == [{"n": 10}, {"n": 11}]
    assert {m.status for m in OutboxMessage.objects.filter(pk__in=[first.pk, second.pk])} == {
        OutboxMessage.Status.DONE
    }

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(tasks.outbox_run_many, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        later = outbox_enqueue_many(messages=[("test.record", {"n": 12})])
    assert "not dispatched" in caplog.text
    later[0].refresh_from_db()
    assert later[0].status == OutboxMessage.Status.PENDING
    monkeypatch.undo()
    assert outbox_sweep() == 1
    assert calls[-1] == {"n": 12}


batched: list[list[int]] = []


@outbox_handlers.register("test.batched")
def _batched_one(payload: dict[str, Any]) -> None:
    batched.append([payload["n"]])


@outbox_batch_handlers.register("test.batched")
def _batched(payloads: list[dict[str, Any]]) -> list[Exception | None]:
    batched.append([p["n"] for p in payloads])
    return [ConnectionError("refused") if p["n"] == 0 else None for p in payloads]


def test_claims_of_a_batch_are_taken_and_recorded_together():
    """`outbox_process_many`: the due messages of a topic with a batch handler are claimed at
    once (one UPDATE), run in one call and their successes marked done together; one another
    worker holds or that is not due stays out; a failure is retried on its own. Messages of
    other topics are claimed one by one just before they run (a slow handler never holds the
    leases of those behind it)."""
    from rathaus.core.outbox_runner import outbox_claim_many, outbox_process_many

    batched.clear()
    due = [message(topic="test.batched", payload={"n": n}) for n in range(4)]
    held = message(topic="test.batched", payload={"n": 9})
    later = message(
        topic="test.batched", payload={"n": 8}, available_at=timezone.now() + timedelta(minutes=5)
    )
    single = [message(payload={"n": n}) for n in (20, 21)]
    assert outbox_claim(message_id=held.pk) is not None
    assert outbox_claim_many(message_ids=[later.pk, held.pk]) == []
    ids = [m.pk for m in (*due, held, later, *single)]
    assert outbox_process_many(message_ids=ids) == 3 + 2
    assert batched == [[0, 1, 2, 3]]  # one call, without the held and the later one
    assert [c["n"] for c in calls] == [20, 21]
    states = {m.pk: m for m in OutboxMessage.objects.filter(pk__in=ids)}
    assert {states[m.pk].status for m in (*due[1:], *single)} == {OutboxMessage.Status.DONE}
    failed = states[due[0].pk]
    assert failed.status == OutboxMessage.Status.PENDING and failed.locked_until is None
    assert failed.available_at > timezone.now() and "refused" in failed.last_error
    assert states[held.pk].attempts == 1 and states[held.pk].locked_until is not None
    assert states[later.pk].attempts == 0


def test_the_sweep_hands_a_backlog_to_the_workers_in_batches():
    """A backlog (a broker outage, a restart) goes out 50 messages per broker message, so a
    Celery worker runs them through `outbox_process_many` (batch handlers together)."""
    from rathaus.core import outbox
    from rathaus.core.outbox_runner import SWEEP_BATCH

    one: list[int] = []
    many: list[list[int]] = []
    before = outbox._dispatcher
    outbox.outbox_dispatcher_set(outbox.OutboxDispatcher(one=one.append, many=many.append))
    try:
        backlog = [message(payload={"n": n}).pk for n in range(2 * SWEEP_BATCH + 1)]
        assert outbox_sweep() == len(backlog)
    finally:
        outbox.outbox_dispatcher_set(before)
    assert [len(chunk) for chunk in many] == [SWEEP_BATCH, SWEEP_BATCH] and one == backlog[-1:]
    assert [pk for chunk in many for pk in chunk] + one == backlog


def test_a_drain_of_given_topics_leaves_the_others_to_their_own_worker():
    """`outbox_drain(topics=…)`: a worker of its own for some topics (the receipts while
    another files into the E-Akte) runs only theirs, oldest first; the rest stays pending
    for the next drain."""
    from rathaus.core.outbox_runner import outbox_drain

    batched.clear()
    calls.clear()
    others = [message(payload={"n": n}) for n in (30, 31)]
    mine = [message(topic="test.batched", payload={"n": n}) for n in (1, 2, 3)]
    assert outbox_drain(topics=["test.batched"]) == 3
    assert batched == [[1, 2, 3]] and calls == []
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
    assert set(pending.values_list("pk", flat=True)) == {m.pk for m in others}
    assert outbox_drain() == 2
    assert [c["n"] for c in calls] == [30, 31]
    assert (
        not OutboxMessage.objects.filter(pk__in=[m.pk for m in mine + others])
        .exclude(status=OutboxMessage.Status.DONE)
        .exists()
    )


def test_the_drain_command_runs_the_topics_of_some_apps_apart():
    """`manage.py outbox_drain --except APP` / `--only APP`: a worker of its own for the apps'
    topics (the receipts and e-mails of a mass mailing beside the E-Akte's filing); a topic
    belongs to the app after the slash ("…/records.message_filing": records)."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    from rathaus.core.outbox_runner import outbox_topics

    topics = outbox_topics(skip=["records"])
    assert "mailbox.message_sent/mailbox.receipts" in topics
    assert "mailbox.message_sent/records.message_filing" not in topics
    assert outbox_topics(only=["records"]) == [t for t in outbox_handlers if "/records." in t]
    assert outbox_topics() is None

    calls.clear()
    batched.clear()
    message(payload={"n": 40})  # topic "test.record": the app "test"
    message(topic="test.batched", payload={"n": 41})
    out = StringIO()
    call_command("outbox_drain", "--except", "test", stdout=out)
    assert "ran 0" in out.getvalue() and calls == [] and batched == []
    call_command("outbox_drain", "--only", "test", stdout=out)
    assert [c["n"] for c in calls] == [40] and batched == [[41]]
    with pytest.raises(CommandError, match="no outbox topic"):
        call_command("outbox_drain", "--only", "nosuchapp")
