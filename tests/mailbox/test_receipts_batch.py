"""The receipts of many sent messages in one batch of the chain: directly and from an outbox
worker draining a backlog; each message still succeeds or fails on its own, exactly once."""

import socket
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from rathaus.core.models import OutboxMessage
from rathaus.core.outbox import outbox_batch_handlers
from rathaus.core.outbox_runner import outbox_drain, outbox_process_many
from rathaus.evidence.models import Receipt
from rathaus.evidence.verification import receipt_chain_verify
from rathaus.mailbox import receipts as mailbox_receipts
from rathaus.mailbox import services
from rathaus.mailbox.models import Message, MessageReceipt
from rathaus.mailbox.receipts import receipts_for_sent, receipts_for_sent_many

from .conftest import person

pytestmark = pytest.mark.django_db

TOPIC = "mailbox.message_sent/mailbox.receipts"


def send(citizen, office, n: int) -> list[Message]:
    return [
        services.thread_start(
            actor=person(citizen),
            sender=services.mailbox_of_user(user=citizen),
            recipient=services.mailbox_of_office(office=office),
            subject=f"Frage {i}",
            body=f"Nachricht {i}",
        )
        for i in range(n)
    ]


@pytest.fixture
def batches(monkeypatch):
    """The item counts of every batch the Postfach's receipts ask the chain for."""
    sizes: list[int] = []
    issue = mailbox_receipts.receipts_issue

    def counting(*, items):
        sizes.append(len(items))
        return issue(items=items)

    monkeypatch.setattr(mailbox_receipts, "receipts_issue", counting)
    return sizes


def test_the_receipts_of_many_messages_are_one_batch_and_issued_once(
    citizen, office, demo_seal, batches
):
    messages = send(citizen, office, 3)
    ids = [m.pk for m in messages]

    made = receipts_for_sent_many(message_ids=ids)

    assert batches == [6]
    for message in messages:
        kinds = sorted(r.kind for r in made[message.pk])  # type: ignore[union-attr]
        assert kinds == ["delivery", "dispatch"]
        assert all(r.message_id == message.pk for r in made[message.pk])  # type: ignore[union-attr]
    assert list(Receipt.objects.values_list("sequence", flat=True)) == list(range(1, 7))
    assert receipt_chain_verify(signatures=True).ok

    assert receipts_for_sent_many(message_ids=ids + ids) == {i: [] for i in ids}
    assert receipts_for_sent(message_id=ids[0]) == []
    assert MessageReceipt.objects.count() == 6 and Receipt.objects.count() == 6


def test_one_message_alone_is_one_batch_too(citizen, office, demo_seal, batches):
    (message,) = send(citizen, office, 1)
    made = receipts_for_sent(message_id=message.pk)
    assert batches == [2]
    assert [r.receipt.sequence for r in made] == [1, 2]


def test_a_message_that_cannot_get_receipts_fails_alone(citizen, office, demo_seal):
    messages = send(citizen, office, 2)
    missing = uuid.uuid4()
    made = receipts_for_sent_many(message_ids=[messages[0].pk, missing, messages[1].pk])
    assert isinstance(made[missing], Message.DoesNotExist)
    assert len(made[messages[0].pk]) == 2 and len(made[messages[1].pk]) == 2  # type: ignore[arg-type]
    assert receipt_chain_verify(signatures=True).ok


def _receipt_messages():
    return OutboxMessage.objects.filter(topic=TOPIC).order_by("pk")


def test_an_outbox_drain_issues_the_backlog_in_one_batch(citizen, office, demo_seal, batches):
    messages = send(citizen, office, 4)  # committed; the outbox messages wait (no worker)
    assert _receipt_messages().count() == 4

    assert outbox_drain(batch_size=50) >= 4

    assert batches == [8]
    assert set(_receipt_messages().values_list("status", flat=True)) == {"done"}
    for message in messages:
        assert MessageReceipt.objects.filter(message=message).count() == 2
    assert receipt_chain_verify(signatures=True).ok

    # Run again (an operator's retry, a worker that lost its lease): nothing is issued twice.
    _receipt_messages().update(status="pending", available_at=timezone.now())
    outbox_process_many(message_ids=list(_receipt_messages().values_list("pk", flat=True)))
    assert set(_receipt_messages().values_list("status", flat=True)) == {"done"}
    assert Receipt.objects.count() == 8 and batches[1:] == []


def test_without_a_time_stamp_each_message_waits_for_its_own_retry(
    citizen, office, demo_seal, settings, batches
):
    send(citizen, office, 3)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.RATHAUS_TSA_URLS = [f"http://127.0.0.1:{port}/tsa"]

    outbox_drain()

    # A failure of the issuer is every message's own: not tried again one by one (each would
    # wait for the same TSA timeouts), each retried later on its own schedule.
    assert batches == [6]
    rows = list(_receipt_messages())
    assert all(m.status == "pending" and m.attempts == 1 for m in rows)
    assert all("TimestampUnavailable" in m.last_error for m in rows)
    assert all(m.available_at > timezone.now() for m in rows)
    assert not Receipt.objects.exists() and not MessageReceipt.objects.exists()

    settings.RATHAUS_TSA_URLS = []
    _receipt_messages().update(available_at=timezone.now() - timedelta(seconds=1))
    outbox_drain()
    assert set(_receipt_messages().values_list("status", flat=True)) == {"done"}
    assert MessageReceipt.objects.count() == 6
    assert receipt_chain_verify(signatures=True).ok


def test_a_batch_that_fails_otherwise_is_tried_message_by_message(
    citizen, office, demo_seal, monkeypatch
):
    messages = send(citizen, office, 3)
    sizes: list[int] = []
    issue = mailbox_receipts.receipts_issue

    def batch_breaks(*, items):
        sizes.append(len(items))
        if len(items) > 2:  # e.g. a receipt another worker issued in the meantime
            issue(items=items)
            raise RuntimeError("conflict")
        return issue(items=items)

    monkeypatch.setattr(mailbox_receipts, "receipts_issue", batch_breaks)
    made = receipts_for_sent_many(message_ids=[m.pk for m in messages])

    assert sizes == [6, 2, 2, 2]
    assert all(len(made[m.pk]) == 2 for m in messages)  # type: ignore[arg-type]
    # The failed batch left nothing: the chain holds the three messages' receipts only.
    assert list(Receipt.objects.values_list("sequence", flat=True)) == list(range(1, 7))
    assert receipt_chain_verify(signatures=True).ok


def test_a_batch_handler_that_raises_fails_each_of_its_messages(
    citizen, office, demo_seal, monkeypatch
):
    send(citizen, office, 2)

    def broken(payloads):
        raise RuntimeError("batch handler broken")

    monkeypatch.setitem(outbox_batch_handlers._items, TOPIC, broken)
    outbox_process_many(message_ids=list(_receipt_messages().values_list("pk", flat=True)))
    rows = list(_receipt_messages())
    assert [m.status for m in rows] == ["pending", "pending"]
    assert all("batch handler broken" in m.last_error for m in rows)
    # Other topics of the same drain ran one by one as before (the new-mail e-mail).
    others = OutboxMessage.objects.exclude(topic=TOPIC)
    assert others.exists()
    outbox_process_many(message_ids=list(others.values_list("pk", flat=True)))
    assert set(others.values_list("status", flat=True)) == {"done"}


def test_the_retrieval_receipts_of_a_thread_opened_later_are_one_batch(
    citizen, office, clerk, demo_seal, batches
):
    """A reader opens a thread with several new messages: their retrieval receipts are one
    batch of the chain when a worker drains them, each issued once, and a delivery that is
    gone or not retrieved fails or waits alone."""
    from rathaus.mailbox.receipts import receipt_for_retrieval, receipts_for_retrieval_many

    (first,) = send(citizen, office, 1)
    box = services.mailbox_of_office(office=office)
    for n in range(3):
        services.message_send(
            actor=person(clerk), thread=first.thread, sender=box, body=f"Antwort {n}"
        )
    outbox_drain(batch_size=50)  # the dispatch and delivery receipts
    batches.clear()
    services.thread_open(
        actor=person(citizen),
        thread=first.thread,
        mailbox=services.mailbox_of_user(user=citizen),
    )
    retrieval = OutboxMessage.objects.filter(
        topic="mailbox.message_retrieved/mailbox.receipts", status="pending"
    )
    assert retrieval.count() == 3

    assert outbox_drain(batch_size=50) >= 3

    assert batches == [3]
    assert set(retrieval.values_list("status", flat=True)) == set()  # all done now
    made = MessageReceipt.objects.filter(kind="retrieval")
    assert made.count() == 3
    assert {r.delivery.mailbox.user_id for r in made} == {citizen.pk}
    assert receipt_chain_verify(signatures=True).ok

    deliveries = list(made.values_list("delivery_id", flat=True))
    missing = uuid.uuid4()
    again = receipts_for_retrieval_many(delivery_ids=[*deliveries, missing])
    assert [again[d] for d in deliveries] == [[], [], []]
    assert isinstance(again[missing], Exception)
    assert receipt_for_retrieval(delivery_id=deliveries[0]) is None
    assert MessageReceipt.objects.filter(kind="retrieval").count() == 3 and batches == [3]
