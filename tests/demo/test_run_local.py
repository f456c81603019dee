"""`make run` (bin/run-local): what it starts, and that stopping it leaves nothing behind.

Starts the real script on free loopback ports with a temporary var directory, in its own
process group like a terminal's foreground job, waits until the server, the demo eID provider
and the Celery worker are up, then sends TERM (or Ctrl-C's SIGINT) to the group: every process
it started must be gone within 10 seconds.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90.0
STOP_LIMIT = 10.0


def _default_signals() -> None:
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_DFL)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _descendants(pid: int) -> dict[int, str]:
    """Every live process below `pid`, with its command line."""
    tree = _children()
    found: dict[int, str] = {}
    todo = list(tree.get(pid, []))
    while todo:
        child = todo.pop()
        try:
            found[child] = (
                Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
            ).decode()
        except OSError:
            continue
        todo.extend(tree.get(child, []))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its parent has not collected it yet


def _get(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:  # the server answered (the temp DB is empty)
        return int(exc.code)
    except OSError:
        return None


@pytest.fixture
def run_local(tmp_path):
    port, eid_port = _free_port(), _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RATHAUS_", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CI"))
    }
    env.update(RATHAUS_VAR_DIR=str(tmp_path / "var"), RATHAUS_DEMO_EID_PORT=str(eid_port))
    log = (tmp_path / "run-local.log").open("w")
    process = subprocess.Popen(
        ["bin/run-local", f"127.0.0.1:{port}"],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, like a terminal's foreground job
        # As from a terminal: Ctrl-C and TERM at their defaults. A signal ignored by the
        # process that starts a shell stays ignored in it, and bash cannot trap it: pytest
        # itself runs with SIGINT ignored when a non-interactive shell started it in the
        # background (`make test &`, as CI scripts and job runners do; no test changes it).
        preexec_fn=_default_signals,
    )
    try:
        yield process, port, eid_port, tmp_path / "run-local.log"
    finally:
        for pid in [*_descendants(process.pid), process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(5)
        log.close()


def _wait_until_started(process, port: int, eid_port: int, log_path: Path) -> dict[int, str]:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, log_path.read_text()
        children = _descendants(process.pid)
        workers = [cmd for cmd in children.values() if "celery" in cmd and " worker" in cmd]
        if (
            _get(f"http://127.0.0.1:{port}/") is not None
            and _get(f"http://127.0.0.1:{eid_port}/.well-known/openid-configuration") == 200
            # the worker's main process, its beat and two pool processes
            and len(workers) >= 4
        ):
            return children
        time.sleep(0.5)
    raise AssertionError(f"bin/run-local did not start in time:\n{log_path.read_text()}")


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().decode()
    return dict(item.split("=", 1) for item in raw.split("\0") if "=" in item)


def _assert_demo_eid_and_public_url(children: dict[int, str], port: int, eid_port: int) -> None:
    """The web process and the worker (which sends the status mails) get the demo provider
    and the public URL for links in e-mails."""
    for marker in ("manage.py runserver", "celery -A rathaus worker"):
        pid = next(pid for pid, cmd in children.items() if marker in cmd)
        environ = _environ(pid)
        assert environ["RATHAUS_PUBLIC_URL"] == f"http://127.0.0.1:{port}", marker
        (provider,) = json.loads(environ["RATHAUS_IDENTITY_PROVIDERS"])
        assert provider["issuer"] == f"http://127.0.0.1:{eid_port}"
        assert provider["levels"] == ["substantial", "high"]
    with urllib.request.urlopen(f"{provider['issuer']}/.well-known/openid-configuration") as doc:
        assert json.load(doc)["issuer"] == provider["issuer"]


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_run_local_starts_everything_and_stopping_it_ends_every_child_within_10_seconds(
    run_local, stop_signal
):
    process, port, eid_port, log_path = run_local
    children = _wait_until_started(process, port, eid_port, log_path)
    commands = " | ".join(children.values())
    assert "manage.py runserver" in commands
    assert "rathaus.demo.eid serve" in commands
    assert "celery -A rathaus worker" in commands
    if shutil.which("clamd"):
        assert "clamd" in commands  # bin/clamd-local (EICAR test signature only)
    _assert_demo_eid_and_public_url(children, port, eid_port)

    os.killpg(process.pid, stop_signal)  # what Ctrl-C or `kill -TERM -<pgid>` does
    stopped_at = time.monotonic()
    while time.monotonic() - stopped_at < STOP_LIMIT:
        if process.poll() is not None and not any(_alive(pid) for pid in children):
            break
        time.sleep(0.2)
    left = {pid: cmd for pid, cmd in children.items() if _alive(pid)}
    assert process.poll() is not None, "bin/run-local itself is still running"
    assert not left, f"still running {STOP_LIMIT} s after {stop_signal.name}: {left}"
    assert _get(f"http://127.0.0.1:{port}/") is None
    assert _get(f"http://127.0.0.1:{eid_port}/.well-known/openid-configuration") is None
