"""A private clamd for the test suite (EICAR signature only), run in the foreground."""

import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import clamd

from rathaus.contrib.clamav.local import clamd_binary, clamd_local_config


@contextmanager
def clamd_running(*, startup_timeout: float = 60.0) -> Iterator[str]:
    """Start clamd with a generated config in a fresh temporary directory, wait until it
    answers PING, yield its URL (unix://…), terminate it afterwards."""
    binary = clamd_binary()  # ClamdMissing: tells to install clamav-daemon
    with tempfile.TemporaryDirectory(prefix="clamd-") as tmp:
        directory = Path(tmp)
        config, url = clamd_local_config(directory)
        log = (directory / "clamd.log").open("wb")
        process = subprocess.Popen(
            [binary, "-c", str(config)], stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait_for_ping(process, directory, startup_timeout)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def _wait_for_ping(process: subprocess.Popen[bytes], directory: Path, timeout: float) -> None:
    client = clamd.ClamdUnixSocket(path=str(directory / "clamd.sock"), timeout=2)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = (directory / "clamd.log").read_text(errors="replace")
            raise RuntimeError(f"clamd exited with {process.returncode}:\n{output}")
        try:
            if client.ping() == "PONG":
                return
        except clamd.ClamdError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"clamd did not answer PING within {timeout} s")
