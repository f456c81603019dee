"""What the benchmark scripts share: the child processes they start (gunicorn, clamd, Celery)
and stop at the end, waiting for a server to come up, and the server's environment
(production settings, DEBUG off, plain HTTP on loopback). Not part of the test suite."""

import os
import signal
import subprocess
import time
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
