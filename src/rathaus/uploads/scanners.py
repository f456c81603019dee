"""The virus scanner extension point.

A scanner plugin (`rathaus.contrib.clamav`) subclasses `VirusScanner` and registers itself in
`virus_scanners`. Callers fail closed: when no scanner answers (`ScannerUnavailable`) the file
stays pending, nobody can open it, and the caller retries with `scan_retry_delay`.
"""

from dataclasses import dataclass
from typing import IO

from rathaus.core.registries import Registry

# The scanner used; plugins register under their key (tests may register their own).
SCANNER_KEY = "clamav"
# Retries after "scanner unavailable": 1, 2, 4 … minutes, at most one hour apart.
RETRY_BASE_SECONDS = 60
RETRY_CAP_SECONDS = 3600


class ScannerUnavailable(Exception):
    """The scanner could not give a verdict (not reachable, timeout, error): try again later."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""  # the name of what was found (empty when clean)


class VirusScanner:
    """Base class of scanner plugins."""

    key: str = ""

    def scan(self, stream: IO[bytes]) -> ScanResult:
        """Scan the content read from `stream`; raise ScannerUnavailable when no verdict."""
        raise NotImplementedError


virus_scanners: Registry[type[VirusScanner]] = Registry("virus scanners")


def virus_scanner() -> VirusScanner:
    """The configured scanner; ScannerUnavailable when no plugin is installed."""
    if SCANNER_KEY not in virus_scanners:
        raise ScannerUnavailable(f"no virus scanner registered under {SCANNER_KEY!r}")
    return virus_scanners.get(SCANNER_KEY)()


def scan_retry_delay(attempts: int) -> int:
    """Seconds to wait before the next scan after `attempts` failed ones."""
    return int(min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_CAP_SECONDS))
