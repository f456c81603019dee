"""bin/system-packages: the one list of Debian packages, used by `make run`, `make test` and
`.ci/run`. Runs the real script against a fake dpkg-query / apt-get / id on PATH."""

import os
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SCRIPT = REPO_ROOT / "bin" / "system-packages"

BASE = "python3-venv libmagic1 libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"

FAKE_DPKG_QUERY = """#!/bin/sh
pkg=$(eval echo \\${$#})
grep -qx "$pkg" "$FAKE_STATE" && { printf 'install ok installed'; exit 0; }
exit 1
"""
FAKE_APT_GET = """#!/bin/sh
echo "$*" >> "$FAKE_APT_LOG"
[ "$1" = update ] && exit 0
status=0
for arg in "$@"; do
  case "$arg" in -*|install) continue ;; esac
  if grep -qx "$arg" "$FAKE_UNAVAILABLE"; then status=100; fi
done
[ $status = 0 ] || exit $status
for arg in "$@"; do
  case "$arg" in -*|install) continue ;; esac
  echo "$arg" >> "$FAKE_STATE"
done
"""
FAKE_ID = """#!/bin/sh
echo "$FAKE_UID"
"""


class Machine:
    def __init__(self, root: Path) -> None:
        self.bin = root / "bin"
        self.bin.mkdir()
        self.state = root / "installed"
        self.apt_log = root / "apt.log"
        self.unavailable = root / "unavailable"
        for name, text in {
            "dpkg-query": FAKE_DPKG_QUERY,
            "apt-get": FAKE_APT_GET,
            "id": FAKE_ID,
        }.items():
            (self.bin / name).write_text(text)
            (self.bin / name).chmod(0o755)
        self.unavailable.write_text("")
        self.apt_log.write_text("")

    def installed(self, packages: str) -> None:
        self.state.write_text("\n".join(packages.split()) + "\n")

    def run(self, purpose: str, *, uid: int, **env: str) -> subprocess.CompletedProcess[str]:
        environ = {
            "PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}",
            "FAKE_STATE": str(self.state),
            "FAKE_APT_LOG": str(self.apt_log),
            "FAKE_UNAVAILABLE": str(self.unavailable),
            "FAKE_UID": str(uid),
            **env,
        }
        return subprocess.run(
            [str(SCRIPT), purpose], env=environ, capture_output=True, text=True, timeout=60
        )

    def installed_now(self) -> set[str]:
        return set(self.state.read_text().split())


@pytest.fixture
def machine(tmp_path) -> Machine:
    return Machine(tmp_path)


def test_without_root_it_names_each_missing_optional_package_and_does_not_fail(machine):
    machine.installed(BASE)
    result = machine.run("test", uid=1000)
    assert result.returncode == 0, result.stderr
    assert machine.apt_log.read_text() == ""
    for package, purpose in [
        ("libldap2-dev", "staff directory login"),
        ("slapd", "OpenLDAP server"),
        ("chromium", "browser tests"),
        ("xmlsec1", "SAML"),
    ]:
        line = next(line for line in result.stderr.splitlines() if line.split()[:1] == [package])
        assert purpose in line
    assert "sudo apt-get install" in result.stderr


def test_a_missing_required_package_stops_the_command_with_its_name(machine):
    machine.installed("python3-venv libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core")
    result = machine.run("run", uid=1000)
    assert result.returncode == 1
    assert "ERROR: required system packages missing for 'run'" in result.stderr
    assert "libmagic1" in result.stderr
    # `make run` does not need the test servers: they are not even mentioned.
    assert "slapd" not in result.stderr and "chromium" not in result.stderr


def test_as_root_it_installs_what_is_missing(machine):
    machine.installed(BASE)
    result = machine.run("test", uid=0)
    assert result.returncode == 0, result.stderr
    assert {"libldap2-dev", "slapd", "ldap-utils", "chromium", "xmlsec1"} <= machine.installed_now()
    assert machine.apt_log.read_text().splitlines()[0] == "update -qq"
    assert "NOTE" not in result.stderr


def test_an_unavailable_optional_package_does_not_block_the_others(machine):
    machine.installed(BASE)
    machine.unavailable.write_text("chromium-driver\n")
    result = machine.run("test", uid=0)
    assert result.returncode == 0, result.stderr
    assert "slapd" in machine.installed_now() and "chromium" in machine.installed_now()
    assert "chromium-driver" in result.stderr and "slapd" not in result.stderr


def test_in_ci_every_package_is_required(machine):
    machine.installed(BASE)
    machine.unavailable.write_text("slapd\n")
    result = machine.run("ci", uid=0)
    assert result.returncode == 1
    assert "ERROR: required system packages missing for 'ci'" in result.stderr
    assert "slapd" in result.stderr and "chromium " not in result.stderr
    assert {"chromium", "ldap-utils", "gettext"} <= machine.installed_now()


def test_check_mode_never_installs(machine):
    machine.installed(BASE)
    result = machine.run("test", uid=0, RATHAUS_SYSTEM_PACKAGES="check")
    assert result.returncode == 0
    assert machine.apt_log.read_text() == ""
    assert "slapd" in result.stderr
