"""The ClamAV scanner: streams the content to clamd (`INSTREAM`) over its socket.

`RATHAUS_CLAMAV_URL` names the daemon: `unix:///var/run/clamav/clamd.ctl` (local socket) or
`tcp://host:3310`. Anything short of a verdict (no daemon, timeout, a stream larger than the
daemon's `StreamMaxLength`, an error answer) raises ScannerUnavailable: the upload stays pending.
"""

from typing import IO
from urllib.parse import urlsplit

import clamd
from django.conf import settings

from rathaus.uploads.scanners import (
    ScannerUnavailable,
    ScanResult,
    VirusScanner,
    virus_scanners,
)


def clamd_client(url: str, *, timeout: float) -> clamd.ClamdNetworkSocket:
    """A clamd client for `url` (unix:///path or tcp://host:port)."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return clamd.ClamdUnixSocket(path=parts.path, timeout=timeout)
    if parts.scheme == "tcp":
        return clamd.ClamdNetworkSocket(
            host=parts.hostname or "127.0.0.1", port=parts.port or 3310, timeout=timeout
        )
    raise ValueError(f"RATHAUS_CLAMAV_URL: unsupported scheme in {url!r} (unix:// or tcp://)")


@virus_scanners.register("clamav")
class ClamAVScanner(VirusScanner):
    key = "clamav"

    def __init__(self, url: str | None = None, timeout: float | None = None) -> None:
        self.url = url or settings.RATHAUS_CLAMAV_URL
        self.timeout = float(timeout or settings.RATHAUS_CLAMAV_TIMEOUT_SECONDS)

    def scan(self, stream: IO[bytes]) -> ScanResult:
        try:
            answer = clamd_client(self.url, timeout=self.timeout).instream(stream)
        except (clamd.ClamdError, OSError, ValueError) as exc:  # OSError covers timeouts
            raise ScannerUnavailable(f"clamd at {self.url}: {type(exc).__name__}: {exc}") from exc
        status, signature = (answer or {}).get("stream", ("", None))
        if status == "OK":
            return ScanResult(clean=True)
        if status == "FOUND":
            return ScanResult(clean=False, signature=signature or "unknown")
        raise ScannerUnavailable(f"clamd at {self.url} answered {status or 'nothing'}: {signature}")
