"""The Postfach under load (issue 10 §7; not part of the test suite).

Usage (from the repository root, PostgreSQL required):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rathaus_mailbox .venv/bin/python bench/mailbox.py

The database named in DATABASE_URL is dropped and created anew. The script loads the demo data,
creates the demo CA (seal and timestamp authority), a citizen and a clerk of Düren's
Steueramt, and seeds BENCH_THREADS threads between them (each with its first message, encrypted
per record like the services do, inserted in batches). Then it measures:

1. **Inbox latency** of the office's mailbox with BENCH_THREADS threads over real HTTP
   (gunicorn, production settings, BENCH_GUNICORN_WORKERS × BENCH_GUNICORN_THREADS): page 1
   of `/intern/postfach/<id>/`, the citizen's `/postfach/`, and the bare `/bench-hello/` view
   in the same run, at each concurrency of BENCH_CONCURRENCY, BENCH_SECONDS each: requests/s,
   p50/p95 ms.
2. **Messages sent per second** over HTTP: BENCH_CLIENTS clients post replies into their own
   threads (POST + redirect like a browser: each message is encrypted, delivered, audited,
   and its receipts and e-mail are queued in the outbox) for BENCH_SECONDS.
3. **Receipts**: the outbox's work for those messages done in process, one after the other
   (a dispatch and a delivery receipt each: canonical JSON, CMS signature, RFC 3161 timestamp
   of the local TSA, chained under a lock) — receipts per second — and their verification
   (`receipt_verify`) per second.

Knobs: BENCH_THREADS (10000), BENCH_SECONDS (10), BENCH_CONCURRENCY ("1,16"), BENCH_CLIENTS (6),
BENCH_GUNICORN_WORKERS (4), BENCH_GUNICORN_THREADS (4), BENCH_PORT (8631), BENCH_RECEIPTS (200).
"""

import concurrent.futures
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


def _environment(var_dir: Path) -> dict[str, str]:
    return harness.server_environment(var_dir) | {
        "RATHAUS_SESSION_IDLE_TIMEOUT": str(24 * 3600),
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
    """Each client posts replies into its own thread for SECONDS (POST, then the redirect)."""
    import requests

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
            response = session.post(url, data=data, headers=headers, allow_redirects=False)
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


def _receipts() -> None:
    from django.db import connection

    from rathaus.evidence.verification import receipt_verify
    from rathaus.mailbox.models import Message, MessageReceipt
    from rathaus.mailbox.receipts import receipts_for_sent

    pending = list(
        Message.objects.filter(receipts__isnull=True)
        .order_by("-sent_at")
        .values_list("pk", flat=True)[:RECEIPTS]
    )
    started = time.perf_counter()
    for message_id in pending:
        receipts_for_sent(message_id=message_id)
    seconds = time.perf_counter() - started
    made = MessageReceipt.objects.filter(message_id__in=pending).select_related("receipt")
    count = made.count()
    print(
        f"\nreceipts: {count} issued for {len(pending)} messages in {seconds:.1f} s: "
        f"{count / seconds:.1f} receipts/s ({len(pending) / seconds:.1f} messages/s)"
    )
    receipts = [m.receipt for m in made]
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
        f"verification: {len(receipts)} receipts in {seconds:.1f} s: {len(receipts) / seconds:.1f}/s"
    )
    connection.close()


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
        harness.start(
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
        n, wall, latencies = _send_load(own_threads, cookies)
        p50, p95 = _percentiles(latencies)
        print(
            f"\nsend: {n} messages in {wall:.1f} s by {CLIENTS} clients: {n / wall:.1f} "
            f"messages/s, POST p50 {p50:.0f} ms, p95 {p95:.0f} ms"
        )
        _receipts()
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        harness.stop_children()
        print(f"logs: {var_dir}")


if __name__ == "__main__":
    main()
