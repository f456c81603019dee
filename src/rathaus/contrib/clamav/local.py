"""A private clamd for development (`bin/clamd-local`, `make run`) and the test suite.

No signature download is possible (or wanted) here: the database holds one signature, the
68-byte EICAR test string as a body signature (`eicar.ndb`, found at any offset of any file),
so clamd starts in well under a second and detects only EICAR. Production uses the system
clamd with freshclam.

    python -m rathaus.contrib.clamav.local [DIRECTORY]   # default: $RATHAUS_VAR_DIR/clamav

runs clamd in the foreground with its socket at DIRECTORY/clamd.sock
(RATHAUS_CLAMAV_URL=unix://DIRECTORY/clamd.sock).
"""

import os
import shutil
import sys
from pathlib import Path

# The EICAR anti-virus test file (harmless by definition; every scanner reports it).
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
EICAR_SIGNATURE = "Eicar-Test-Signature"

CLAMD_CANDIDATES = ("/usr/sbin/clamd", "/usr/local/sbin/clamd")


# What production's clamd.conf must say as well (docs/operations.md): content clamd cannot
# read is a finding, not "clean". Without these, an encrypted ZIP member or a member beyond
# MaxFileSize is skipped and the file is reported OK. The limits lie above the application's
# own (RATHAUS_UPLOAD_MAX_FILE_BYTES 10 MB, unpacked 100 MB in total, 50 MB per member), so a
# file the application accepted is never refused merely for its size.
CLAMD_HARDENING = (
    "AlertEncrypted yes",
    "AlertEncryptedArchive yes",
    "AlertEncryptedDoc yes",
    "AlertExceedsMax yes",
    "AlertOLE2Macros yes",
    "StreamMaxLength 100M",
    "MaxFileSize 100M",
    "MaxScanSize 400M",
    "MaxRecursion 17",
    "MaxFiles 10000",
    "MaxScanTime 25000",
)


class ClamdMissing(RuntimeError):
    pass


def clamd_binary() -> str:
    """The path of the clamd binary; ClamdMissing with installation advice otherwise."""
    found = shutil.which("clamd") or next(
        (path for path in CLAMD_CANDIDATES if os.access(path, os.X_OK)), None
    )
    if found is None:
        raise ClamdMissing(
            "clamd (the ClamAV daemon) is not installed: "
            "`apt-get install clamav-daemon` (.ci/run installs it)"
        )
    return found


def clamd_local_config(directory: Path) -> tuple[Path, str]:
    """Write the EICAR signature database and a foreground clamd config into `directory`;
    returns the config file and the URL of the socket (for RATHAUS_CLAMAV_URL)."""
    directory = directory.resolve()
    database = directory / "db"
    database.mkdir(parents=True, exist_ok=True)
    # A body signature (any file type, any offset): EICAR is also found inside a PDF.
    (database / "eicar.ndb").write_text(f"{EICAR_SIGNATURE}:0:*:{EICAR.hex()}\n", encoding="ascii")
    socket_path = directory / "clamd.sock"
    if len(str(socket_path)) > 100:  # the limit of a unix socket path (108 with the NUL)
        raise ValueError(f"socket path too long for a unix socket: {socket_path}")
    config = directory / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                f"LocalSocket {socket_path}",
                "LocalSocketMode 660",
                f"DatabaseDirectory {database}",
                f"TemporaryDirectory {directory}",
                f"PidFile {directory / 'clamd.pid'}",
                "Foreground yes",
                "LogTime yes",
                "LogVerbose no",
                *CLAMD_HARDENING,
                "SelfCheck 3600",
                "",
            ]
        ),
        encoding="ascii",
    )
    return config, f"unix://{socket_path}"


def main(argv: list[str]) -> None:
    var_dir = Path(os.environ.get("RATHAUS_VAR_DIR", "var"))
    directory = Path(argv[0]) if argv else var_dir / "clamav"
    config, url = clamd_local_config(directory)
    binary = clamd_binary()
    (directory / "clamd.sock").unlink(missing_ok=True)  # left over by a killed clamd
    print(f"clamd (EICAR test signature only) on RATHAUS_CLAMAV_URL={url}", flush=True)
    os.execv(binary, [binary, "-c", str(config)])  # noqa: S606 (foreground: we become clamd)


if __name__ == "__main__":
    main(sys.argv[1:])
