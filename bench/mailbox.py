"""The Postfach under load (issue 10 §7; not part of the test suite).

Usage (from the repository root, PostgreSQL required):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rathaus_mailbox .venv/bin/python bench/mailbox.py

The database named in DATABASE_URL is dropped and created anew. The script starts a local
clamd (bin/clamd-local) and gunicorn, loads the demo data,
creates the demo CA (seal and timestamp authority), a citizen and a clerk of Düren's
Steueramt, and seeds BENCH_THREADS threads between them (each with its first message, encrypted
per record like the services do, inserted in batches). Then it measures:

1. **Inbox latency** of the office's mailbox with BENCH_THREADS threads over real HTTP
   (gunicorn, production settings, BENCH_GUNICORN_WORKERS × BENCH_GUNICORN_THREADS): page 1
   of `/intern/postfach/<id>/`, the citizen's `/postfach/`, and the bare `/bench-hello/` view
   in the same run, at each concurrency of BENCH_CONCURRENCY, BENCH_SECONDS each: requests/s,
   p50/p95 ms.
2. **Messages sent per second** over HTTP: BENCH_CLIENTS clients post replies into their own
   threads, each with one PDF of BENCH_ATTACHMENT_KB (200; 0: none), as a browser's form
   (multipart POST, the redirect not fetched): each file is checked and scanned by a local
   clamd (bin/clamd-local: the EICAR signature only, there is no signature download here),
   each message and file encrypted, delivered, audited, and its receipts and e-mail queued
   in the outbox; for BENCH_SECONDS.
3. **Receipts** issued in process for seeded messages (canonical JSON, CMS signature, RFC 3161
   timestamp of the local TSA, chained under a lock), three ways: BENCH_RECEIPTS single
   receipts one per call (`receipt_issue`, one chain lock each); BENCH_RECEIPTS messages one
   per call (`receipts_for_sent`: a message's dispatch and delivery receipt as one batch);
   BENCH_RECEIPTS messages in batches of BENCH_RECEIPT_BATCH (`receipts_for_sent_many`, what
   the outbox drain does with a backlog) — receipts and messages per second — and their
   verification (`receipt_verify`) per second.
4. **The whole pipeline**: the clients of step 2 send again for BENCH_SECONDS while an outbox
   drain (`bench/mailbox.py drain`: a process of its own running `outbox_drain` in batches of
   BENCH_DRAIN_BATCH, no Celery) issues the receipts and e-mails at the same time; how many
   messages per second end with all their receipts issued (sent messages / time from the first
   POST until the last receipt), and the backlog when sending stops.
5. **Batches of a specialist system**: BENCH_BATCH_CLIENTS clients post batches of
   BENCH_BATCH messages through the API (`POST /api/v1/mailbox/batches/`, multipart, a bearer
   token with `mailbox:write`), each message to another of BENCH_BATCH_CASES submissions (a
   mass mailing: copies of the demo application, filed into the year's file as it was) with
   one PDF of BENCH_ATTACHMENT_KB, for BENCH_SECONDS, while a drain of everything but the
   E-Akte's topics issues the receipts, e-mails and webhooks: messages per second sent and
   ending with all their receipts; then a drain of all topics files the messages into their
   cases' files (the E-Akte's own worker): messages per second filed.

Knobs: BENCH_THREADS (10000), BENCH_SECONDS (10), BENCH_CONCURRENCY ("1,16"), BENCH_CLIENTS (6),
BENCH_GUNICORN_WORKERS (4), BENCH_GUNICORN_THREADS (4), BENCH_PORT (8631), BENCH_RECEIPTS (200),
BENCH_RECEIPT_BATCH (50), BENCH_DRAIN_BATCH (50), BENCH_ATTACHMENT_KB (200), BENCH_BATCH (50; 0:
no step 5), BENCH_BATCH_CLIENTS (2), BENCH_BATCH_CASES (4000), BENCH_PROFILE=1 (instead of the
run: cProfile of the send request and of the drain, in process, and of batches and their
drain by topic).
"""

import concurrent.futures
import contextlib
import os
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import harness

REPO = harness.REPO
THREADS = int(os.environ.get("BENCH_THREADS", "10000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
CONCURRENCY = [int(c) for c in os.environ.get("BENCH_CONCURRENCY", "1,16").split(",")]
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "6"))
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "4"))
GUNICORN_THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", "4"))
PORT = int(os.environ.get("BENCH_PORT", "8631"))
RECEIPTS = int(os.environ.get("BENCH_RECEIPTS", "200"))
RECEIPT_BATCH = int(os.environ.get("BENCH_RECEIPT_BATCH", "50"))
DRAIN_BATCH = int(os.environ.get("BENCH_DRAIN_BATCH", "50"))
ATTACHMENT_KB = int(os.environ.get("BENCH_ATTACHMENT_KB", "200"))
PROFILE = os.environ.get("BENCH_PROFILE", "0") == "1"
BATCH = int(os.environ.get("BENCH_BATCH", "50"))
BATCH_CLIENTS = int(os.environ.get("BENCH_BATCH_CLIENTS", "2"))
BATCH_CASES = int(os.environ.get("BENCH_BATCH_CASES", "4000"))
BODY = "Sehr geehrte Damen und Herren,\n\nanbei Ihr Bescheid.\n\n" + "x" * 500


def _environment(var_dir: Path) -> dict[str, str]:
    return harness.server_environment(var_dir) | {
        "RATHAUS_SESSION_IDLE_TIMEOUT": str(24 * 3600),
        "RATHAUS_CLAMAV_URL": f"unix://{var_dir}/clamav/clamd.sock",
    }


def _setup(var_dir: Path) -> None:
    # A Fernet key for the configuration secrets (the KEKs), the same in server and script.
    from cryptography.fernet import Fernet

    env = _environment(var_dir) | {"RATHAUS_CONFIG_ENCRYPTION_KEY": Fernet.generate_key().decode()}
    harness.demo_database_create(env)


def _people() -> tuple[Any, list[Any], Any]:
    from rathaus.accounts.models import User
    from rathaus.municipalities.models import Office
    from rathaus.staff.models import Role, RoleAssignment

    office = Office.objects.get(municipality__slug="dueren", slug="steueramt")
    citizens = [
        User.objects.create_user(
            username=f"mail{n}@bench.example", email=f"mail{n}@bench.example", password=None
        )
        for n in range(CLIENTS + 1)
    ]
    clerk = User.objects.create_user(
        username="mail-clerk@bench.example",
        email="mail-clerk@bench.example",
        password=None,
        kind=User.Kind.STAFF,
        is_staff=True,
    )
    RoleAssignment.objects.create(user=clerk, office=office, role=Role.CASE_WORKER)
    harness.totp_enrol(clerk)
    return office, citizens, clerk


def _seed(office: Any, citizen: Any) -> float:
    """BENCH_THREADS threads of `citizen` with the office, each with one message, encrypted
    per record as the services do (`mailbox.content`), written with bulk inserts in batches
    (no audit trail or outbox for the seed: minutes, not an hour)."""
    import datetime as dt
    import uuid

    from django.utils import timezone

    from rathaus.mailbox import services
    from rathaus.mailbox.content import KekCache, body_seal, subject_seal
    from rathaus.mailbox.models import Delivery, Message, Participant, Thread

    sender = services.mailbox_of_user(user=citizen)
    recipient = services.mailbox_of_office(office=office)
    keks = KekCache()
    started = time.monotonic()
    base = timezone.now() - dt.timedelta(days=365)
    for first in range(0, THREADS, 1000):
        threads, participants, messages, deliveries = [], [], [], []
        for n in range(first, min(first + 1000, THREADS)):
            at = base + dt.timedelta(minutes=n)
            thread = Thread(
                id=uuid.uuid4(),
                municipality=office.municipality,
                office=office,
                last_message_at=at,
            )
            subject_seal(thread, f"Anfrage {n}", keks=keks)
            message = Message(
                id=uuid.uuid4(),
                thread=thread,
                sender=sender,
                author=citizen,
                author_label="Bench",
                level_of_assurance="substantial",
                sent_at=at,
            )
            body_seal(message, f"Guten Tag,\n\nich habe eine Frage zu Vorgang {n}.", keks=keks)
            threads.append(thread)
            messages.append(message)
            deliveries.append(Delivery(message=message, mailbox=recipient, delivered_at=at))
            participants += [
                Participant(thread=thread, mailbox=sender, last_activity_at=at),
                Participant(thread=thread, mailbox=recipient, last_activity_at=at, unread=1),
            ]
        Thread.objects.bulk_create(threads)
        Message.objects.bulk_create(messages)
        Delivery.objects.bulk_create(deliveries)
        Participant.objects.bulk_create(participants)
    return time.monotonic() - started


def _percentiles(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[min(len(values) - 1, int(len(values) * 0.95))]


def _measure_lists(cases: list[tuple[str, str, dict[str, str]]]) -> None:
    results: dict[tuple[str, int], tuple[float, float, float]] = {}
    for concurrency in CONCURRENCY:
        for label, path, headers in cases:
            n, wall, latencies = harness.http_load(
                port=PORT,
                path=path,
                headers=headers,
                concurrency=concurrency,
                seconds=SECONDS,
                label=label,
            )
            p50, p95 = _percentiles(latencies)
            results[(label, concurrency)] = (n / wall, p50, p95)
            print(f"  {label} @ {concurrency}: {n / wall:.1f}/s, p50 {p50:.1f}, p95 {p95:.1f}")
    print("\n| case |" + "".join(f" req/s @{c} | p50 / p95 ms @{c} |" for c in CONCURRENCY))
    print("| --- |" + " --- | --- |" * len(CONCURRENCY))
    for label, _path, _headers in cases:
        row = f"| {label} |"
        for c in CONCURRENCY:
            rate, p50, p95 = results[(label, c)]
            row += f" {rate:.1f} ({100 * rate / results[('hello', c)][0]:.2f} % of hello) |"
            row += f" {p50:.1f} / {p95:.1f} |"
        print(row)


def _send_load(thread_ids: list[Any], cookies: list[str]) -> tuple[int, float, list[float]]:
    """Each client posts replies into its own thread for SECONDS, each with one PDF of
    ATTACHMENT_KB (none with 0), as a browser's form (multipart POST; the redirect that
    follows is not fetched: the thread page is what the reader does next, not the sending)."""
    import requests

    pdf = harness.pdf_of_size(ATTACHMENT_KB * 1024) if ATTACHMENT_KB else None

    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(cookies))

    def client(index: int) -> tuple[float, float]:
        session = requests.Session()
        session.cookies.set("sessionid", cookies[index])
        url = f"http://127.0.0.1:{PORT}/postfach/{thread_ids[index]}/"
        page = session.get(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, page.text[:300]
        headers = {"Referer": url}
        data = {"csrfmiddlewaretoken": token.group(1), "body": "Hier die Antwort.\n\n" + "x" * 500}
        barrier.wait()
        began = time.perf_counter()
        mine = []
        while True:
            start = time.perf_counter()
            files = {"attachments": ("nachweis.pdf", pdf, "application/pdf")} if pdf else None
            response = session.post(
                url, data=data, files=files, headers=headers, allow_redirects=False
            )
            if response.status_code != 302:
                raise RuntimeError(f"send: {response.status_code} {response.text[:300]}")
            end = time.perf_counter()
            mine.append((end - start) * 1000)
            if end - began >= SECONDS:
                break
        with lock:
            latencies.extend(mine)
        return began, end

    with concurrent.futures.ThreadPoolExecutor(len(cookies)) as pool:
        spans = list(pool.map(client, range(len(cookies))))
    wall = max(e for _, e in spans) - min(b for b, _ in spans)
    return len(latencies), wall, latencies


def _batch_cases(count: int) -> list[str]:
    """`count` submissions (with their cases) to Düren's Steueramt for the batches of step 5:
    copies of the demo citizen's Hund-anmelden application (`make run`'s demo data), written
    with bulk inserts (no receipts, no process: only the batches' messages are measured)."""
    import copy
    import uuid

    from django.db.models.base import ModelState

    from rathaus.applications.models import Draft, Submission
    from rathaus.cases.models import Case
    from rathaus.demo.records import demo_records_load
    from rathaus.records.models import CaseFiling

    demo_records_load()  # what `make run` loads: the demo citizen's application, filed
    base = Submission.objects.select_related("case", "draft").get(
        municipality__slug="dueren", service__slug="hund-anmelden"
    )

    def clone(obj: Any, **changes: Any) -> Any:
        made = copy.copy(obj)
        made._state = ModelState()
        made.pk = uuid.uuid4()
        for name, value in changes.items():
            setattr(made, name, value)
        return made

    cases = [clone(base.case, reference=f"{base.case.reference}-B{n}") for n in range(count)]
    drafts = [clone(base.draft, payment_id=None) for _ in range(count)]
    # Without the receipt: an application's documents are filed when it comes in, so only
    # the case's file and the application's data are filed with the first message.
    submissions = [
        clone(
            base,
            case_id=case.pk,
            draft_id=draft.pk,
            reference=case.reference,
            payment_id=None,
            receipt="",
        )
        for case, draft in zip(cases, drafts, strict=True)
    ]
    Case.objects.bulk_create(cases)
    Draft.objects.bulk_create(drafts)
    Submission.objects.bulk_create(submissions)
    # Filed into the year's file as the demo case was when it opened (`case.opened`).
    filing = CaseFiling.objects.get(case=base.case)
    CaseFiling.objects.bulk_create(CaseFiling(case=case, file_id=filing.file_id) for case in cases)
    return [str(s.pk) for s in submissions]


def _token(office: Any) -> str:
    """A bearer token of a specialist system of the office's municipality that writes to the
    Postfach."""
    from rathaus.apitokens.services import client_create, token_issue
    from rathaus.core.actors import Actor

    system = Actor.system("bench")
    client = client_create(
        actor=system,
        name="Bench Fachverfahren",
        municipality=office.municipality,
        scopes=["mailbox:read", "mailbox:write"],
    )
    return token_issue(actor=system, client=client).plaintext


def _batch_load(submission_ids: list[str], token: str) -> tuple[int, float, list[float]]:
    """Step 5: BATCH_CLIENTS clients each post batches of BATCH messages, each message to
    another submission (a mass mailing: a notice to every applicant, each case's first
    message, which starts its thread) with one PDF of ATTACHMENT_KB, as multipart/form-data
    to `/api/v1/mailbox/batches/` for SECONDS; returns messages sent, seconds, latencies
    (ms) of the batches."""
    import json

    import requests

    pdf = harness.pdf_of_size(ATTACHMENT_KB * 1024) if ATTACHMENT_KB else None
    latencies: list[float] = []
    counts: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(BATCH_CLIENTS)
    url = f"http://127.0.0.1:{PORT}/api/v1/mailbox/batches/"

    def client(index: int) -> tuple[float, float]:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        mine = submission_ids[index::BATCH_CLIENTS]  # every batch to submissions of its own
        files = (
            [(f"attachments.{n}", ("bescheid.pdf", pdf, "application/pdf")) for n in range(BATCH)]
            if pdf
            else None
        )
        barrier.wait()
        began = time.perf_counter()
        times, sent = [], 0
        while True:
            chosen = mine[sent : sent + BATCH]
            if len(chosen) < BATCH:
                raise RuntimeError("BENCH_BATCH_CASES: too few submissions for the run")
            messages = json.dumps(
                [{"submission": s, "subject": "Grundsteuer 2027", "body": BODY} for s in chosen]
            )
            start = time.perf_counter()
            response = session.post(url, data={"messages": messages}, files=files)
            if response.status_code != 201:
                raise RuntimeError(f"batch: {response.status_code} {response.text[:300]}")
            end = time.perf_counter()
            times.append((end - start) * 1000)
            sent += len(chosen)
            if end - began >= SECONDS:
                break
        with lock:
            latencies.extend(times)
            counts.append(sent)
        return began, end

    with concurrent.futures.ThreadPoolExecutor(BATCH_CLIENTS) as pool:
        spans = list(pool.map(client, range(BATCH_CLIENTS)))
    wall = max(e for _, e in spans) - min(b for b, _ in spans)
    return sum(counts), wall, latencies


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:.1f}/s"


def _receipts() -> None:
    """Step 3: receipts issued in process, three ways, on seeded messages without receipts,
    then verified."""
    from django.db import connection

    from rathaus.evidence.models import Receipt
    from rathaus.evidence.services import receipt_issue
    from rathaus.evidence.verification import receipt_verify
    from rathaus.mailbox.models import Message
    from rathaus.mailbox.receipts import receipts_for_sent, receipts_for_sent_many

    pending = list(
        Message.objects.filter(receipts__isnull=True)
        .order_by("-sent_at")
        .values_list("pk", "thread_id", "body_sha256")[: 3 * RECEIPTS]
    )
    singles, per_message, batched = (pending[i * RECEIPTS : (i + 1) * RECEIPTS] for i in range(3))
    first = Receipt.objects.count()

    # a) One receipt per call (`receipt_issue`: one chain lock, one INSERT each), with facts
    #    the size of a delivery receipt's.
    started = time.perf_counter()
    for message_id, thread_id, body_sha256 in singles:
        receipt_issue(
            kind="mailbox.delivery",
            facts={
                "message": str(message_id),
                "thread": str(thread_id),
                "body_sha256": body_sha256,
                "attachments": [],
                "sender": {"mailbox": str(thread_id), "kind": "person", "name": "Bench"},
                "recipient": {"mailbox": str(thread_id), "kind": "office", "name": "Steueramt"},
                "sent_at": "2026-12-04T09:41:00+00:00",
                "delivered_at": "2026-12-04T09:41:00+00:00",
            },
        )
    single = time.perf_counter() - started
    print(
        f"\nreceipts, one per call (receipt_issue): {len(singles)} in {single:.1f} s: "
        f"{_rate(len(singles), single)}"
    )

    # b) One message per call (`receipts_for_sent`: its dispatch and delivery receipts as one
    #    batch), as an outbox worker does message by message.
    started = time.perf_counter()
    for message_id, _thread, _body in per_message:
        receipts_for_sent(message_id=message_id)
    seconds = time.perf_counter() - started
    count = 2 * len(per_message)
    print(
        f"receipts, one message per call (receipts_for_sent): {count} for {len(per_message)} "
        f"messages in {seconds:.1f} s: {_rate(count, seconds)} receipts "
        f"= {_rate(len(per_message), seconds)} messages"
    )

    # c) BENCH_RECEIPT_BATCH messages per call (`receipts_for_sent_many`), as the outbox drain
    #    does for a backlog.
    started = time.perf_counter()
    for at in range(0, len(batched), RECEIPT_BATCH):
        chunk = [m for m, _t, _b in batched[at : at + RECEIPT_BATCH]]
        results = receipts_for_sent_many(message_ids=chunk)
        assert not [r for r in results.values() if isinstance(r, Exception)], results
    seconds = time.perf_counter() - started
    count = 2 * len(batched)
    print(
        f"receipts, {RECEIPT_BATCH} messages per call (receipts_for_sent_many): {count} for "
        f"{len(batched)} messages in {seconds:.1f} s: {_rate(count, seconds)} receipts "
        f"= {_rate(len(batched), seconds)} messages"
    )

    receipts = list(Receipt.objects.filter(sequence__gt=first))
    started = time.perf_counter()
    for receipt in receipts:
        check = receipt_verify(
            receipt_json=receipt.document.encode("utf-8"),
            signature=bytes(receipt.signature),
            timestamp=bytes(receipt.timestamp),
        )
        assert check.ok, check.failures
    seconds = time.perf_counter() - started
    print(
        f"verification: {len(receipts)} receipts in {seconds:.1f} s: {_rate(len(receipts), seconds)}"
    )
    connection.close()


def _backlog(topic: str | None = None) -> int:
    from django.db.models import Q
    from django.utils import timezone

    from rathaus.core.models import OutboxMessage

    due = OutboxMessage.objects.filter(
        Q(status=OutboxMessage.Status.PENDING, available_at__lte=timezone.now())
    )
    return (due.filter(topic=topic) if topic else due).count()


def _pipeline(
    load: Any,
    how: str,
    env: dict[str, str],
    log: Path,
    groups: dict[str, list[int]],
    *,
    filing_apart: bool = False,
) -> None:
    """Steps 4 and 5: messages sent over HTTP by `load` (returns messages sent, seconds,
    latencies of its requests) while an outbox drain (a process of its own, no Celery:
    `outbox_drain` in a loop) works off the outbox at the same time; how many messages per
    second end with all their receipts issued."""
    import signal

    from django.db import connection

    from rathaus.core.models import OutboxMessage
    from rathaus.evidence.verification import receipt_chain_verify
    from rathaus.mailbox.models import Message, MessageReceipt

    topic = "mailbox.message_sent/mailbox.receipts"
    command = [str(REPO / ".venv/bin/python"), str(REPO / "bench/mailbox.py"), "drain"]
    drain = harness.start(command + (["postfach"] if filing_apart else []), env, log)
    # The drain first works off the backlog of step 2 (receipts and e-mails).
    harness.wait_for(lambda: _backlog() == 0, "the drain of the earlier backlog", timeout=600)
    from django.utils import timezone

    since = timezone.now()
    first_outbox = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    cpu_before = _cpu_seconds(drain.pid)
    groups_before = {name: _cpu_of(pids) for name, pids in groups.items()}
    script_before = time.process_time()
    began = time.perf_counter()
    n, wall, latencies = load()
    sent_done = time.perf_counter()
    issued_while_sending = MessageReceipt.objects.filter(message__sent_at__gte=since).count()
    backlog_at_end = _backlog(topic)
    harness.wait_for(lambda: _backlog(topic) == 0, "the receipts of step 4", timeout=900)
    done = time.perf_counter()
    drain_cpu = _cpu_seconds(drain.pid) - cpu_before
    cpu = {name: _cpu_of(pids) - groups_before[name] for name, pids in groups.items()}
    cpu["the drain"] = drain_cpu
    cpu["this script (the clients)"] = time.process_time() - script_before
    os.killpg(drain.pid, signal.SIGTERM)
    drain.wait(timeout=60)
    if filing_apart:  # then the E-Akte's worker files what the messages left
        before = {name: _cpu_of(pids) for name, pids in groups.items()}
        filer = harness.start(command, env, log.with_suffix(".filing.log"))
        started = time.perf_counter()
        harness.wait_for(lambda: _backlog() == 0, "the filing of step 5", timeout=1800)
        filing_seconds = time.perf_counter() - started
        filing_cpu = _cpu_seconds(filer.pid)
        os.killpg(filer.pid, signal.SIGTERM)
        filer.wait(timeout=60)
        count = Message.objects.filter(sent_at__gte=since).count()
        others = {name: _cpu_of(pids) - before[name] for name, pids in groups.items()}
        print(
            f"\nthen the E-Akte: a drain of all topics files the {count} messages into their "
            f"cases' files (message, attachment, receipts; indexed) in {filing_seconds:.1f} s: "
            f"{count / filing_seconds:.1f} messages/s; CPU per message: the drain "
            f"{1000 * filing_cpu / max(count, 1):.1f} ms, "
            + ", ".join(f"{n} {1000 * c / max(count, 1):.1f} ms" for n, c in others.items())
        )
    sent = Message.objects.filter(sent_at__gte=since).count()
    ours = OutboxMessage.objects.filter(pk__gt=first_outbox, topic=topic)
    failed = ours.exclude(status=OutboxMessage.Status.DONE).count()
    receipts = MessageReceipt.objects.filter(message__sent_at__gte=since).count()
    p50, p95 = _percentiles(latencies)
    print(
        f"\npipeline: {sent} messages sent {how} in {wall:.1f} s ({n / wall:.1f} messages/s, "
        f"POST p50 {p50:.0f} ms, p95 {p95:.0f} ms) with the outbox drain running; "
        f"{issued_while_sending} receipts issued while sending, {backlog_at_end} messages "
        f"waiting for receipts when sending stopped, all {receipts} receipts issued "
        f"{done - sent_done:.1f} s later ({failed} outbox messages not done): "
        f"{sent / (done - began):.1f} messages/s end to end; the drain used {drain_cpu:.1f} "
        f"CPU s ({1000 * drain_cpu / max(sent, 1):.1f} ms per message: receipts and e-mail)"
    )
    print(
        "CPU per message end to end: "
        + ", ".join(f"{name} {1000 * sec / max(sent, 1):.1f} ms" for name, sec in cpu.items())
        + f"; total {1000 * sum(cpu.values()) / max(sent, 1):.1f} ms"
    )
    chain = receipt_chain_verify()
    print(f"chain: {'intact' if chain.ok else 'BROKEN'}, {chain.count} receipts")
    connection.close()


@contextlib.contextmanager
def _statements(label: str) -> Any:
    """Print the SQL statements run inside (an execute wrapper: it survives the connection
    being closed at the end of a request, which Django's query log does not)."""
    from django.db import connection

    statements: list[tuple[float, str]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((1000 * (time.perf_counter() - began), " ".join(sql.split())))

    with connection.execute_wrapper(record):
        yield
    print(f"\n=== statements of {label}: {len(statements)}")
    for ms, sql in statements:
        print(f"  {ms:6.2f} ms  {sql[:160]}")


def _profile_batches(submission_ids: list[str], token: str) -> None:
    """BENCH_PROFILE=1: cProfile, in process, of batches of BATCH messages through the API
    (`/api/v1/mailbox/batches/`, multipart) and of the drain of what they leave in the
    outbox, by topic: what a message of a batch costs."""
    import cProfile
    import json
    import pstats
    from collections import Counter

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from rathaus.core.models import OutboxMessage
    from rathaus.core.outbox_runner import outbox_drain

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    pdf = harness.pdf_of_size(ATTACHMENT_KB * 1024) if ATTACHMENT_KB else b""

    def send(submission_ids: list[str]) -> None:
        data: dict[str, Any] = {
            "messages": json.dumps(
                [
                    {"submission": s, "subject": "Grundsteuer", "body": "Bescheid"}
                    for s in submission_ids
                ]
            )
        }
        for n in range(len(submission_ids)):
            data[f"attachments.{n}"] = SimpleUploadedFile("b.pdf", pdf, "application/pdf")
        response = client.post("/api/v1/mailbox/batches/", data)
        assert response.status_code == 201, response.content[:300]

    while outbox_drain(batch_size=DRAIN_BATCH, limit=1000):
        pass
    for round_ in range(3):
        first = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        send(submission_ids[round_ * BATCH : (round_ + 1) * BATCH])
        topics = Counter(OutboxMessage.objects.filter(pk__gt=first).values_list("topic", flat=True))
        profile = cProfile.Profile()
        began = time.perf_counter()
        profile.runcall(
            lambda: [
                None for _ in iter(lambda: outbox_drain(batch_size=DRAIN_BATCH, limit=1000), 0)
            ]
        )
        print(
            f"\n=== drain of batch {round_ + 1} ({dict(topics)}): {time.perf_counter() - began:.2f} s under cProfile"
        )
        if round_ == 2:
            stats = pstats.Stats(profile)
            stats.sort_stats("cumulative").print_stats(70)


def _profile(thread_id: Any, citizen: Any) -> None:
    """BENCH_PROFILE=1: cProfile, in process, of 50 replies with the attachment through the
    Django test client (the request as gunicorn runs it, without HTTP), then of the outbox
    drain that issues their receipts and e-mails: where a message's CPU time goes."""
    import cProfile
    import pstats

    from django.test import Client

    from rathaus.core.outbox_runner import outbox_drain

    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.cookies["sessionid"] = harness.session_cookie(citizen, mfa=False)
    url = f"/postfach/{thread_id}/"
    pdf = harness.pdf_of_size(ATTACHMENT_KB * 1024) if ATTACHMENT_KB else None

    def send() -> None:
        data: dict[str, Any] = {"body": "Hier die Antwort.\n\n" + "x" * 500}
        if pdf:
            from django.core.files.uploadedfile import SimpleUploadedFile

            data["attachments"] = SimpleUploadedFile("nachweis.pdf", pdf, "application/pdf")
        response = client.post(url, data)
        assert response.status_code == 302, response.content[:300]

    for _ in range(5):
        send()
    while outbox_drain(batch_size=DRAIN_BATCH, limit=DRAIN_BATCH):
        pass
    # The statements of one reply and of the drain of five (what a message costs PostgreSQL).
    with _statements("one reply"):
        send()
    for _ in range(4):
        send()
    with _statements("the drain of these five replies"):
        outbox_drain(batch_size=DRAIN_BATCH, limit=DRAIN_BATCH)
    _gc_report("50 replies", lambda: [send() for _ in range(50)])
    for label, work in (
        ("send (50 replies)", lambda: [send() for _ in range(50)]),
        ("drain (their receipts and e-mails)", lambda: outbox_drain(batch_size=100, limit=100)),
    ):
        profile = cProfile.Profile()
        began = time.perf_counter()
        profile.runcall(work)
        print(f"\n=== {label}: {time.perf_counter() - began:.2f} s under cProfile")
        stats = pstats.Stats(profile)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(25)


def _gc_report(label: str, work: Any) -> None:
    """The time `work` spends in Python's cyclic garbage collector, by generation (a full
    collection walks every object of the process: the loaded code, caches, the engine's
    schemas)."""
    import gc

    spent = {0: 0.0, 1: 0.0, 2: 0.0}
    runs = {0: 0, 1: 0, 2: 0}
    began: list[float] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began.append(time.perf_counter())
        elif began:
            spent[info["generation"]] += time.perf_counter() - began.pop()
            runs[info["generation"]] += 1

    gc.callbacks.append(callback)
    started = time.perf_counter()
    try:
        work()
    finally:
        gc.callbacks.remove(callback)
    total = time.perf_counter() - started
    collected = ", ".join(f"gen {g}: {runs[g]} runs, {spent[g] * 1000:.1f} ms" for g in (0, 1, 2))
    print(
        f"\n=== garbage collection during {label}: {total:.2f} s in all; {collected}; "
        f"{len(gc.get_objects())} objects tracked, {gc.get_freeze_count()} frozen"
    )


def _cpu_of(pids: list[int]) -> float:
    """CPU seconds so far of the processes `pids`, of their live children, and of the
    children they have reaped (a PostgreSQL backend that exited counts in its postmaster's
    cutime/cstime)."""
    import subprocess

    total = 0.0
    for pid in pids:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            total += _cpu_seconds(pid, reaped=True)
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
        for child in (int(c) for c in children.stdout.split()):
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                total += _cpu_seconds(child)
    return total


def _postgres_pids() -> list[int]:
    """The PostgreSQL server's postmaster (its children are the backends)."""
    import subprocess

    found = subprocess.run(
        ["pgrep", "-o", "-u", "postgres", "-x", "postgres"], capture_output=True, text=True
    )
    return [int(p) for p in found.stdout.split()]


def _cpu_seconds(pid: int, *, reaped: bool = False) -> float:
    """User + system CPU time of process `pid` so far (Linux /proc), with `reaped` also that
    of its children that have exited."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    if reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def _drain_main() -> None:
    """`bench/mailbox.py drain [postfach]`: the outbox drain of steps 4 and 5 (until SIGTERM);
    with `postfach` of everything but the E-Akte's topics."""
    import django

    django.setup()
    import sys

    from rathaus.core.outbox_runner import outbox_drain, outbox_topics

    # `postfach`: everything but the E-Akte's topics (as `manage.py outbox_drain --except records`)
    topics = outbox_topics(skip=["records"]) if sys.argv[2:] == ["postfach"] else None
    while True:
        if not outbox_drain(batch_size=DRAIN_BATCH, limit=DRAIN_BATCH, topics=topics):
            time.sleep(0.02)


def main() -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="rathaus-bench-mailbox-"))
    _setup(var_dir)
    from django.db import connection

    from rathaus.mailbox import services
    from rathaus.mailbox.models import Message, Thread

    office, citizens, clerk = _people()
    seconds = _seed(office, citizens[0])
    print(f"seed: {THREADS} threads in {seconds:.0f} s (bulk inserts)")
    from rathaus.core.actors import Actor

    own_threads = []
    for citizen in citizens[1:]:
        message = services.thread_start(
            actor=Actor.person(citizen, level_of_assurance="substantial"),
            sender=services.mailbox_of_user(user=citizen),
            recipient=services.mailbox_of_office(office=office),
            subject="Eigene Unterhaltung",
            body="Erste Nachricht",
        )
        own_threads.append(message.thread_id)
    office_box = services.mailbox_of_office(office=office)
    batch_cases = _batch_cases(BATCH_CASES) if BATCH else []
    token = _token(office) if BATCH else ""
    env = _environment(var_dir) | {
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "RATHAUS_CONFIG_ENCRYPTION_KEY": os.environ["RATHAUS_CONFIG_ENCRYPTION_KEY"],
        "DJANGO_SETTINGS_MODULE": "hello_settings",
        "PYTHONPATH": f"{REPO / 'src'}:{REPO / 'bench'}",
    }
    staff = {"Cookie": f"sessionid={harness.session_cookie(clerk, mfa=True)}"}
    citizen_cookie = {"Cookie": f"sessionid={harness.session_cookie(citizens[0], mfa=False)}"}
    cookies = [harness.session_cookie(c, mfa=False) for c in citizens[1:]]
    lang = {"Accept-Language": "de"}
    try:
        (var_dir / "clamav").mkdir(exist_ok=True)
        clamd = harness.start(
            [str(REPO / "bin/clamd-local"), str(var_dir / "clamav")], env, var_dir / "clamd.log"
        )
        harness.wait_for(lambda: (var_dir / "clamav/clamd.sock").exists(), "clamd")
        if PROFILE:
            if BATCH:
                _profile_batches(batch_cases, token)
            _profile(own_threads[0], citizens[1])
            return
        gunicorn = harness.start(
            [str(REPO / ".venv/bin/gunicorn"), "rathaus.wsgi", "-w", str(WORKERS), "--threads",
             str(GUNICORN_THREADS), "-b", f"127.0.0.1:{PORT}", "--max-requests", "0",
             "--timeout", "600", "--keep-alive", "120"],
            env,
            var_dir / "gunicorn.log",
        )  # fmt: skip
        import requests

        harness.wait_for(
            lambda: requests.get(f"http://127.0.0.1:{PORT}/bench-hello/", timeout=2).ok, "gunicorn"
        )
        print(
            f"database: {connection.vendor} {connection.pg_version}, {Thread.objects.count()} "
            f"threads, {Message.objects.count()} messages; gunicorn {WORKERS} × "
            f"{GUNICORN_THREADS}; load average before: {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        connection.close()
        _measure_lists(
            [
                ("hello", "/bench-hello/", {}),
                (f"office inbox ({THREADS} threads)", f"/intern/postfach/{office_box.pk}/", staff | lang),
                (f"citizen inbox ({THREADS} threads)", "/postfach/", citizen_cookie | lang),
            ]
        )  # fmt: skip
        groups = {"gunicorn": [gunicorn.pid], "clamd": [clamd.pid], "postgres": _postgres_pids()}
        cpu_before = {name: _cpu_of(pids) for name, pids in groups.items()}
        bench_before = time.process_time()
        n, wall, latencies = _send_load(own_threads, cookies)
        cpu = {name: _cpu_of(pids) - cpu_before[name] for name, pids in groups.items()}
        cpu["this script (the clients)"] = time.process_time() - bench_before
        p50, p95 = _percentiles(latencies)
        print(
            f"\nsend: {n} messages with a {ATTACHMENT_KB} KB PDF each in {wall:.1f} s by "
            f"{CLIENTS} clients: {n / wall:.1f} messages/s, POST p50 {p50:.0f} ms, "
            f"p95 {p95:.0f} ms; CPU per message: "
            + ", ".join(
                f"{name} {1000 * seconds / max(n, 1):.1f} ms" for name, seconds in cpu.items()
            )
            + f"; total {1000 * sum(cpu.values()) / max(n, 1):.1f} ms"
        )
        _receipts()
        print(f"load average after step 3: {os.getloadavg()[0]:.1f}", flush=True)
        _pipeline(
            lambda: _send_load(own_threads, cookies),
            "over HTTP (replies, a message per request)",
            env,
            var_dir / "drain.log",
            groups,
        )
        if BATCH:
            print(f"load average before step 5: {os.getloadavg()[0]:.1f}", flush=True)
            _pipeline(
                lambda: _batch_load(batch_cases, token),
                f"through the API in batches of {BATCH} (POST /api/v1/mailbox/batches/)",
                env,
                var_dir / "drain-batches.log",
                groups,
                filing_apart=True,
            )
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        harness.stop_children()
        print(f"logs: {var_dir}")


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["drain"]:
        _drain_main()
    else:
        main()
