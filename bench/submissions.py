"""End-to-end online applications over real HTTP against PostgreSQL (not part of the suite).

Usage (from the repository root, PostgreSQL required):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rathaus_bench .venv/bin/python bench/submissions.py

The database named in DATABASE_URL is dropped and created anew (the audit trail's
append-only trigger refuses `flush`). The script loads the demo data, creates BENCH_USERS
citizens (verified e-mail), starts a local ClamAV daemon (bin/clamd-local, EICAR signature
only) and gunicorn (DEBUG off, plain HTTP on loopback), logs every citizen in through the
login form and then drives the citizen flow of "Hund anmelden" in Düren with BENCH_CLIENTS
concurrent clients (threads with `requests`):

    start → 4 form steps → upload one ~200 KB PDF (virus-scanned in the request) → check →
    declarations → fee (payment by invoice: settled later, so no hosted payment page) → submit

following every redirect like a browser. Two phases:

1. end-to-end: BENCH_APPLICATIONS complete applications; prints applications per second and
   p50/p95 of the whole sequence and of every request kind (the submit POST included);
2. submit burst: BENCH_BURST drafts prepared up to the submit button, then all submit POSTs
   fired at once by the same clients; prints submissions per second and p50/p95.

Each submission writes its outbox messages (receipt, notification, hand-over) in the submit
transaction and dispatches them to the broker after commit (filesystem broker). After the run
the script prints how many outbox messages are pending, then (BENCH_DRAIN=1, default) starts a
Celery worker (BENCH_DRAIN_CONCURRENCY processes) and measures how fast it drains them:
sealed receipt PDFs per second.

Bounded: fixed numbers of applications; every child process is stopped at the end.
Knobs (environment): BENCH_USERS, BENCH_CLIENTS, BENCH_APPLICATIONS, BENCH_BURST,
BENCH_GUNICORN_WORKERS, BENCH_GUNICORN_THREADS, BENCH_PORT, BENCH_DRAIN, BENCH_DRAIN_SECONDS,
BENCH_DRAIN_CONCURRENCY, BENCH_DRAIN_POLL (seconds between the filesystem broker's polls in
the worker, bench/worker_settings.py; default: the shipped settings, 1 s), BENCH_CONFIRM (0: the burst does not fetch the confirmation page),
BENCH_PROFILE=1 (instead of the run: cProfile of submission_create and of the submit request
through the Django test client, in process).
"""

import concurrent.futures
import os
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import harness
import requests

REPO = Path(__file__).resolve().parents[1]
USERS = int(os.environ.get("BENCH_USERS", "8"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
APPLICATIONS = int(os.environ.get("BENCH_APPLICATIONS", "200"))
BURST = int(os.environ.get("BENCH_BURST", "300"))
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "3"))
THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", "1"))
PORT = int(os.environ.get("BENCH_PORT", "8611"))
DRAIN = os.environ.get("BENCH_DRAIN", "1") == "1"
DRAIN_SECONDS = int(os.environ.get("BENCH_DRAIN_SECONDS", "120"))
DRAIN_CONCURRENCY = int(os.environ.get("BENCH_DRAIN_CONCURRENCY", "2"))
DRAIN_POLL = os.environ.get("BENCH_DRAIN_POLL", "")
PROFILE = os.environ.get("BENCH_PROFILE", "0") == "1"
CONFIRM = os.environ.get("BENCH_CONFIRM", "1") == "1"
PASSWORD = "Bench-Password-2026"
BASE = f"http://127.0.0.1:{PORT}"
PDF_BYTES = 200 * 1024


# --- Set-up -------------------------------------------------------------------------------


def _environment(var_dir: Path) -> dict[str, str]:
    """The server's environment (`harness.server_environment`) with the local ClamAV."""
    return harness.server_environment(var_dir) | {
        "RATHAUS_CLAMAV_URL": f"unix://{var_dir}/clamav/clamd.sock",
        # The bench logs its many accounts in from one address.
        "RATHAUS_LOGIN_FAILURE_LIMIT": "1000",
    }


def _setup(var_dir: Path) -> None:
    """A new database every run (`harness.demo_database_create`) with the bench's citizens."""
    harness.demo_database_create(_environment(var_dir))
    _create_users()


def _create_users() -> None:
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    from rathaus.accounts.models import User

    # One Argon2 hash for all: the accounts share the password, hashing it once saves minutes.
    hashed = make_password(PASSWORD)
    users = User.objects.bulk_create(
        User(
            username=f"bench{n}@bench.example",
            email=f"bench{n}@bench.example",
            password=hashed,
            first_name="Bench",
            last_name=f"Citizen {n}",
            street=f"Kölnstraße {n + 1}",
            postal_code="52351",
            city="Düren",
            date_of_birth="1980-01-01",
        )
        for n in range(USERS)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
    )


# --- The citizen's flow over HTTP ----------------------------------------------------------

Timings = dict[str, list[float]]


class Citizen:
    """One browser: a logged-in session; records the duration of every request by kind."""

    def __init__(self, email: str, timings: Timings, lock: threading.Lock) -> None:
        self.session = requests.Session()
        self.email = email
        self.timings = timings
        self.lock = lock

    def _request(self, kind: str, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"X-CSRFToken": self.session.cookies.get("csrftoken", ""), "Referer": BASE}
        start = time.perf_counter()
        response = self.session.request(method, BASE + path, headers=headers, **kwargs)
        elapsed = (time.perf_counter() - start) * 1000
        with self.lock:
            self.timings[kind].append(elapsed)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path} → {response.status_code}: {response.text[:300]}")
        return response

    def login(self) -> None:
        self._request("login page", "GET", "/konto/anmelden/")
        response = self._request(
            "login",
            "POST",
            "/konto/anmelden/",
            data={"login": self.email, "password": PASSWORD},
        )
        if "/konto/anmelden/" in response.url:
            raise RuntimeError(f"login of {self.email} failed")

    def prepare(self, steps: dict[str, dict[str, Any]], document: str, pdf: bytes) -> str:
        """Everything up to the submit button; returns the draft's path prefix."""
        response = self._request("start", "POST", "/antraege/neu/dueren/hund-anmelden/")
        draft_path = response.url.removeprefix(BASE).split("schritt/")[0]
        for step, values in steps.items():
            data = {pointer: str(value) for pointer, value in values.items()} | {"action": "next"}
            response = self._request("step", "POST", f"{draft_path}schritt/{step}/", data=data)
        if not response.url.endswith("/nachweise/"):
            raise RuntimeError(f"steps did not complete: ended at {response.url}")
        response = self._request(
            "upload",
            "POST",
            f"{draft_path}nachweise/",
            data={"action": "next"},
            files={f"file-{document}": ("versicherung.pdf", pdf, "application/pdf")},
        )
        if not response.url.endswith("/pruefen/"):
            raise RuntimeError(f"upload not accepted: ended at {response.url}")
        declarations = ["truthful", "privacy", "dog_tag", "no_dangerous_dog"]
        self._request(
            "declarations",
            "POST",
            f"{draft_path}erklaerungen/",
            data={"declaration": declarations},
        )
        self._request("fee", "POST", f"{draft_path}gebuehr/", data={"provider": "invoice"})
        return draft_path

    def submit(self, draft_path: str) -> None:
        response = self._request("submit", "POST", f"{draft_path}absenden/", allow_redirects=False)
        if response.status_code != 302 or "/eingereicht/" not in response.headers["Location"]:
            raise RuntimeError(f"submit refused: {response.status_code} {response.text[:500]}")
        if CONFIRM:
            self._request("confirmation", "GET", response.headers["Location"])


def _percentiles(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:
        return (values[0], values[0]) if values else (0.0, 0.0)
    return statistics.median(values), statistics.quantiles(values, n=20)[18]


def _print_table(timings: Timings) -> None:
    print("| request | n | p50 ms | p95 ms |\n| --- | --- | --- | --- |")
    for kind, values in timings.items():
        p50, p95 = _percentiles(values)
        print(f"| {kind} | {len(values)} | {p50:.0f} | {p95:.0f} |")


def _run_flow(citizens: list[Citizen], steps: Any, document: str, pdf: bytes) -> None:
    # Phase 1: complete applications end to end.
    sequence: list[float] = []
    lock = threading.Lock()
    counter = iter(range(APPLICATIONS))
    counter_lock = threading.Lock()

    def work(citizen: Citizen) -> None:
        while True:
            with counter_lock:
                if next(counter, None) is None:
                    return
            start = time.perf_counter()
            citizen.submit(citizen.prepare(steps, document, pdf))
            with lock:
                sequence.append((time.perf_counter() - start) * 1000)

    clients = citizens[:CLIENTS]
    timings = clients[0].timings  # shared by all clients
    timings.clear()
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(len(clients)) as pool:
        list(pool.map(work, clients))
    wall = time.perf_counter() - start
    p50, p95 = _percentiles(sequence)
    print(
        f"\n### Phase 1: {APPLICATIONS} complete applications, {len(clients)} concurrent clients\n"
        f"\n{APPLICATIONS / wall:.1f} applications/s end to end ({wall:.1f} s); one application "
        f"(13 requests) p50 {p50:.0f} ms, p95 {p95:.0f} ms\n"
    )
    _print_table(timings)


def _run_burst(citizens: list[Citizen], steps: Any, document: str, pdf: bytes) -> None:
    # Phase 2: drafts ready to submit, then the submits alone.
    clients = citizens[:CLIENTS]
    per_client = [
        BURST // len(clients) + (1 if i < BURST % len(clients) else 0) for i in range(len(clients))
    ]
    ready: list[list[str]] = [[] for _ in clients]

    def prepare(i: int) -> None:
        ready[i] = [clients[i].prepare(steps, document, pdf) for _ in range(per_client[i])]

    with concurrent.futures.ThreadPoolExecutor(len(clients)) as pool:
        list(pool.map(prepare, range(len(clients))))
    # Fresh statistics before the timed part, as a running database keeps them current: else
    # autovacuum/autoanalyze of the tables just filled may or may not start during the burst,
    # which made runs bimodal.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    time.sleep(2)
    timings = clients[0].timings  # shared by all clients
    timings.clear()

    def submit_all(i: int) -> None:
        for path in ready[i]:
            clients[i].submit(path)

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(len(clients)) as pool:
        list(pool.map(submit_all, range(len(clients))))
    wall = time.perf_counter() - start
    p50, p95 = _percentiles(timings["submit"])
    print(
        f"\n### Phase 2: burst of {BURST} submits ({len(clients)} concurrent clients, each "
        f"submit followed by its confirmation page: {CONFIRM})\n\n"
        f"{BURST / wall:.1f} submissions/s ({wall:.1f} s); submit POST p50 {p50:.0f} ms, "
        f"p95 {p95:.0f} ms\n"
    )
    _print_table(timings)


def _outbox_state() -> dict[str, int]:
    from django.db.models import Count

    from rathaus.core.models import OutboxMessage

    rows = OutboxMessage.objects.values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def _drain(env: dict[str, str], var_dir: Path) -> None:
    from rathaus.applications.models import Submission
    from rathaus.core.models import OutboxMessage

    pending = OutboxMessage.objects.filter(status="pending").count()
    receipts_before = Submission.objects.exclude(receipt="").count()
    total = Submission.objects.count()
    print(f"\n### Background work\n\nafter the run: outbox {_outbox_state()}; {total} submissions")
    if not DRAIN or not pending:
        return
    if DRAIN_POLL:  # bench/worker_settings.py: the broker polls every DRAIN_POLL seconds
        env = env | {
            "DJANGO_SETTINGS_MODULE": "worker_settings",
            "PYTHONPATH": f"{REPO / 'src'}:{REPO / 'bench'}",
        }
    harness.start(
        [str(REPO / ".venv/bin/celery"), "-A", "rathaus", "worker", "--concurrency",
         str(DRAIN_CONCURRENCY), "--loglevel", "WARNING"],
        env,
        var_dir / "worker.log",
    )  # fmt: skip
    start = time.monotonic()
    first_done = None  # the worker's start-up (a few seconds) is not part of the rate
    done_then = 0
    while time.monotonic() - start < DRAIN_SECONDS:
        time.sleep(1)
        left = OutboxMessage.objects.filter(status="pending").count()
        if first_done is None and left < pending:
            first_done, done_then = time.monotonic(), pending - left
        if not left:
            break
    end = time.monotonic()
    receipts = Submission.objects.exclude(receipt="").count() - receipts_before
    done = pending - OutboxMessage.objects.filter(status="pending").count()
    window = end - first_done if first_done is not None else 0.0
    rate = (done - done_then) / window if window else 0.0
    print(
        f"worker ({DRAIN_CONCURRENCY} processes, broker polling every "
        f"{DRAIN_POLL or '1 (default)'} s), {end - start:.0f} s after its start: {done} of "
        f"{pending} messages done, {receipts} sealed receipts; from the first message done: "
        f"{rate:.1f} messages/s ≈ {rate / 3:.2f} submissions/s (receipt PDF/A + seal, mail, "
        f"hand-over); outbox now {_outbox_state()}"
    )


def _profile_submit(steps: Any) -> None:
    """cProfile of one submission_create in process (where the time of a submit goes)."""
    import cProfile
    import pstats

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from rathaus.accounts.models import User
    from rathaus.applications.attachments import attachment_add
    from rathaus.applications.draft_payments import draft_payment_start
    from rathaus.applications.drafts import draft_accept_declarations, draft_save_step, draft_start
    from rathaus.applications.submissions import submission_create
    from rathaus.catalog.models import LocalService
    from rathaus.organisations.selectors import Principal

    user = User.objects.get(email="bench0@bench.example")
    offer = LocalService.objects.get(municipality__slug="dueren", service__slug="hund-anmelden")
    document = offer.service.required_documents.get(electronic_accepted=True)

    def ready_draft() -> Any:
        """A draft of `user` ready to submit, made through the services."""
        draft = draft_start(offer=offer, principal=Principal(user=user))
        for step, values in steps.items():
            draft_save_step(draft=draft, step=step, values=values, actor=user)
        attachment_add(
            upload=SimpleUploadedFile("v.pdf", harness.pdf_of_size(PDF_BYTES), "application/pdf"),
            actor=user,
            draft=draft,
            required_document=document,
        )
        draft_accept_declarations(
            draft=draft, accepted={"truthful", "privacy", "dog_tag", "no_dangerous_dog"}, actor=user
        )
        draft_payment_start(
            draft=draft,
            provider="invoice",
            actor=user,
            return_url="/",
            notify_url=BASE + "/zahlung/",
        )
        return draft

    profiler = cProfile.Profile()
    for round_ in range(25):
        draft = ready_draft()
        draft.refresh_from_db()
        if round_ >= 5:
            profiler.enable()
        with transaction.atomic():  # the request's transaction (ATOMIC_REQUESTS is off)
            started = time.perf_counter()
            submission_create(draft=draft, actor=user)
        if round_ >= 5:
            profiler.disable()
            print(f"submission_create + commit: {(time.perf_counter() - started) * 1000:.1f} ms")
    print("\n### cProfile: 20 × submission_create in process (cumulative, top 40)\n\n```")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    print("```")

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    profiler = cProfile.Profile()
    for round_ in range(25):
        draft = ready_draft()
        started = time.perf_counter()
        if round_ >= 5:
            profiler.enable()
        with CaptureQueriesContext(connection) as queries:
            response = client.post(f"/antraege/{draft.pk}/absenden/")
        if round_ >= 5:
            profiler.disable()
            print(
                f"POST submit (test client): {(time.perf_counter() - started) * 1000:.1f} ms, "
                f"{len(queries)} queries, status {response.status_code}"
            )
            if round_ == 5 and os.environ.get("BENCH_PROFILE_SQL"):
                for query in queries.captured_queries:
                    print("   ", query["sql"][:160])
    print("\n### cProfile: 20 × POST /absenden/ through the test client (tottime, top 30)\n\n```")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    if os.environ.get("BENCH_PROFILE_SQL"):
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(70)
    print("```")


def main() -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="rathaus-bench-submissions-"))
    _setup(var_dir)
    env = _environment(var_dir) | {"DATABASE_URL": os.environ["DATABASE_URL"]}
    from django.db import connection

    from rathaus.catalog.models import LocalService
    from rathaus.demo.data.forms import hund_anmelden

    offer = LocalService.objects.get(municipality__slug="dueren", service__slug="hund-anmelden")
    document = str(offer.service.required_documents.get(electronic_accepted=True).pk)
    pdf = harness.pdf_of_size(PDF_BYTES)
    steps = hund_anmelden.EXAMPLE
    try:
        (var_dir / "clamav").mkdir(exist_ok=True)
        harness.start(
            [str(REPO / "bin/clamd-local"), str(var_dir / "clamav")], env, var_dir / "clamd.log"
        )
        harness.wait_for(lambda: (var_dir / "clamav/clamd.sock").exists(), "clamd")
        if PROFILE:
            _profile_submit(steps)
            return
        harness.start(
            [str(REPO / ".venv/bin/gunicorn"), "rathaus.wsgi", "-w", str(WORKERS), "--threads",
             str(THREADS), "-b", f"127.0.0.1:{PORT}", "--max-requests", "0"],
            env,
            var_dir / "gunicorn.log",
        )  # fmt: skip
        harness.wait_for(lambda: requests.get(BASE + "/", timeout=2).ok, "gunicorn")
        print(
            f"database: {connection.vendor} {connection.pg_version}, gunicorn {WORKERS} workers × "
            f"{THREADS} threads, {CLIENTS} clients, PDF {len(pdf) // 1024} KB, "
            f"load average before: {os.getloadavg()[0]:.1f}, cores: {os.cpu_count()}"
        )
        timings: Timings = defaultdict(list)
        lock = threading.Lock()
        citizens = [
            Citizen(f"bench{n}@bench.example", timings, lock) for n in range(min(USERS, CLIENTS))
        ]
        with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(lambda c: c.login(), citizens))
        # Warm-up: one application per client process path (templates, connections).
        citizens[0].submit(citizens[0].prepare(steps, document, pdf))
        _run_flow(citizens, steps, document, pdf)
        _run_burst(citizens, steps, document, pdf)
        print(f"\nload average after: {os.getloadavg()[0]:.1f}")
        connection.close()
        _drain(env, var_dir)
    finally:
        harness.stop_children()
        print(f"\nlogs: {var_dir}")


if __name__ == "__main__":
    main()
