"""A real Celery worker on the filesystem broker, killed in the middle of an outbox handler.

The message must run again once the lease expires (the sweep dispatches it), the handler's
side effect must exist exactly once, and the message must end up done.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from django.db import connection
from django.utils import timezone

from rathaus.core.models import OutboxMessage
from tests.core.outbox_worker_handlers import BLOCKING_TOPIC, effects

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
LEASE_SECONDS = 3


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    if connection.vendor != "postgresql":
        pytest.skip(f"no worker test for {connection.vendor}")
    auth = s["USER"] or ""
    if s["PASSWORD"]:
        auth += f":{s['PASSWORD']}"
    host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{s['NAME']}"


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def broker_dir(tmp_path: Path) -> Path:
    for name in ("queue", "processed", "control"):
        (tmp_path / "celery" / name).mkdir(parents=True)
    return tmp_path / "celery"


@pytest.fixture
def start_worker(tmp_path: Path, broker_dir: Path) -> Iterator[Callable[[str], subprocess.Popen]]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rathaus.conf.base",
        "RATHAUS_SECRET_KEY": "worker-test-secret",
        "RATHAUS_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": database_url(),
        "RATHAUS_CELERY_BROKER_URL": "filesystem://",
        "RATHAUS_CELERY_DATA_DIR": str(broker_dir),
        "RATHAUS_CELERY_EAGER": "false",
        "RATHAUS_OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
        "RATHAUS_TEST_BLOCKING_ACTION": "1",  # tests/workflow/worker_actions.py
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    }
    workers: list[subprocess.Popen] = []

    def start(name: str) -> subprocess.Popen:
        log = (tmp_path / f"{name}.log").open("w")
        process = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "rathaus",
                "worker",
                "--include",
                "tests.core.outbox_worker_handlers,tests.workflow.worker_actions",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--without-mingle",
                "--without-gossip",
                "-n",
                f"{name}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill the pool children too
        )
        workers.append(process)
        return process

    yield start
    for process in workers:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def sender(broker_dir: Path) -> Celery:
    """A Celery client that publishes to the same broker folder as the workers."""
    app = Celery("sender", set_as_current=False)
    app.conf.broker_url = "filesystem://"
    app.conf.broker_transport_options = {
        "data_folder_in": str(broker_dir / "queue"),
        "data_folder_out": str(broker_dir / "queue"),
        "control_folder": str(broker_dir / "control"),
    }
    return app


def test_worker_killed_mid_task_reruns_it_without_duplicates(
    tmp_path: Path, broker_dir: Path, start_worker: Callable[[str], subprocess.Popen]
) -> None:
    key = "effect-1"
    message = OutboxMessage.objects.create(
        topic=BLOCKING_TOPIC,
        payload={"key": key, "dir": str(tmp_path)},
        available_at=timezone.now(),
    )
    client = sender(broker_dir)

    first = start_worker("first")
    client.send_task("rathaus.core.outbox_run", args=[message.pk])
    wait_for(lambda: list(tmp_path.glob("started-*")), 30, "the first worker to start the task")
    assert effects(key) == 1

    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert message.locked_until is not None  # the dead worker's lease

    (tmp_path / "release").touch()
    start_worker("second")
    # Until the lease expires the sweep leaves the message alone; afterwards it dispatches it.
    wait_for(lambda: timezone.now() > message.locked_until, LEASE_SECONDS + 2, "lease expiry")
    client.send_task("rathaus.core.outbox_sweep")

    def done() -> bool:
        message.refresh_from_db()
        return message.status == OutboxMessage.Status.DONE

    try:
        wait_for(done, 30, "the second worker to finish the message")
    except AssertionError:
        print((tmp_path / "second.log").read_text())
        raise
    assert message.attempts == 2
    assert message.locked_until is None
    assert len((tmp_path / "runs.log").read_text().splitlines()) == 2  # it did run again
    assert effects(key) == 1  # but the side effect happened once
