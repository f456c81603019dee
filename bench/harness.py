"""What the benchmark scripts share: the child processes they start (gunicorn, clamd, Celery)
and stop at the end, waiting for a server to come up, and the server's environment
(production settings, DEBUG off, plain HTTP on loopback). Not part of the test suite."""

import os
import random
import signal
import subprocess
import time
import zlib
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

children: list[subprocess.Popen[bytes]] = []


def server_environment(var_dir: Path) -> dict[str, str]:
    """The environment of a benchmark's server: production settings on loopback HTTP."""
    return dict(os.environ) | {
        "DJANGO_SETTINGS_MODULE": "rathaus.conf.base",
        "PYTHONPATH": str(REPO / "src"),
        "RATHAUS_DEBUG": "false",
        "RATHAUS_SECRET_KEY": "bench-" + "x" * 50,
        "RATHAUS_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "RATHAUS_SECURE_SSL_REDIRECT": "false",
        "RATHAUS_SECURE_COOKIES": "false",
        "RATHAUS_HSTS_SECONDS": "0",
        "RATHAUS_VAR_DIR": str(var_dir),
        "RATHAUS_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "RATHAUS_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "RATHAUS_CELERY_EAGER": "false",
        "RATHAUS_LOG_LEVEL": "WARNING",
    }


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start `command` in its own process group, output to `log`; `stop_children` ends it."""
    handle = log.open("wb")
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    children.append(process)
    return process


def stop_children() -> None:
    """Stop every process `start` started (SIGTERM, then SIGKILL after 20 s)."""
    for process in children:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in children:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_for(check: Any, what: str, timeout: float = 60) -> None:
    """Poll `check()` until it is true (exceptions count as not yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not come up in {timeout} s")


# --- Load over HTTP -------------------------------------------------------------------------


def http_get(conn: Any, path: str, headers: dict[str, str], label: str = "") -> bytes:
    """GET `path` on a keep-alive `http.client` connection (reopened once when the server
    closed it while idle); RuntimeError unless 200."""
    import http.client

    for attempt in range(2):
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body: bytes = response.read()
            break
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            conn.close()
            if attempt:
                raise
    if response.status != 200:
        raise RuntimeError(f"{label}: GET {path} → {response.status}: {body[:300]!r}")
    return body


def http_load(
    *, port: int, path: str, headers: dict[str, str], concurrency: int, seconds: float, label: str
) -> tuple[int, float, list[float]]:
    """`concurrency` keep-alive connections, each sending GET `path` back to back for
    `seconds` (at least one each, after one warm-up request); returns (requests, wall seconds,
    latencies in ms)."""
    import concurrent.futures
    import http.client
    import threading

    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(concurrency)

    def worker() -> tuple[float, float]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        http_get(conn, path, headers, label)
        barrier.wait()
        began = time.perf_counter()
        deadline = began + seconds
        mine = []
        while True:
            start = time.perf_counter()
            http_get(conn, path, headers, label)
            end = time.perf_counter()
            mine.append((end - start) * 1000)
            if end >= deadline:
                break
        conn.close()
        with lock:
            latencies.extend(mine)
        return began, end

    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        spans = list(pool.map(lambda _: worker(), range(concurrency)))
    wall = max(end for _, end in spans) - min(began for began, _ in spans)
    return len(latencies), wall, latencies


def session_cookie(user: Any, *, mfa: bool) -> str:
    """A session for `user` as the login leaves it (with a second factor for staff), made in
    process; the value of the `sessionid` cookie."""
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if mfa:
        session = client.session
        now = time.time()
        session["account_authentication_methods"] = [
            {"method": "password", "at": now, "username": user.username},
            {"method": "mfa", "at": now, "type": "totp"},
        ]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()
    return str(client.cookies["sessionid"].value)


def totp_enrol(user: Any) -> None:
    """Give a staff account a TOTP authenticator (the staff area requires a second factor)."""
    import base64
    import secrets

    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        secret = base64.b32encode(secrets.token_bytes(20)).decode()
        Authenticator.objects.create(
            user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(secret)}
        )


def demo_database_create(env: dict[str, str]) -> None:
    """Drop and create the PostgreSQL database of DATABASE_URL (the audit trail refuses
    `flush`), set up Django in this process with `env`, migrate, load the demo data and make
    the demo CA (seal and timestamp authority)."""
    import sys

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL=postgres://… is required (the figures are for PostgreSQL)")
    os.environ.update(env)
    sys.path.insert(0, str(REPO / "src"))
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from rathaus.demo.loader import demo_load
    from rathaus.seals.demo_ca import demo_ca_create

    demo_load()
    demo_ca_create()


def pdf_of_size(size: int) -> bytes:
    """A valid one-page PDF of about `size` bytes (an embedded incompressible stream)."""
    noise = random.Random(4711).randbytes(size - 1200)
    page_text = b"BT /F1 18 Tf 72 720 Td (Nachweis der Haftpflichtversicherung - Bench) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> /PieceInfo << /Bench << /Private 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(page_text) + page_text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(zlib.compress(noise, 0))
        + zlib.compress(noise, 0)
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
