"""A fresh machine without the OpenLDAP headers has no python-ldap: the directory tests must
be skipped with a message there (not stop the collection), and fail under CI=true.

Runs pytest in a subprocess whose `import ldap` fails, like on such a machine, whether or not
python-ldap is installed here.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.staff.conftest import PYTHON_LDAP_MISSING

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def without_ldap(tmp_path):
    shim = tmp_path / "shim"
    shim.mkdir()
    for name in ("ldap", "django_auth_ldap"):
        (shim / f"{name}.py").write_text(
            f'raise ImportError("No module named {name} (simulated fresh machine)")\n'
        )
    return shim


def _pytest(shim: Path, tmp_path: Path, *, ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "PYTEST_ADDOPTS"}}
    env["PYTHONPATH"] = os.pathsep.join([str(shim), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["RATHAUS_VAR_DIR"] = str(tmp_path / "var")
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-rs",
            "tests/staff/test_directory.py",
            "tests/staff/test_ldap_config.py",
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_directory_tests_skip_with_a_message_without_python_ldap(without_ldap, tmp_path):
    result = _pytest(without_ldap, tmp_path, ci=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "error" not in output.splitlines()[-1], output
    assert "SKIPPED" in output
    assert PYTHON_LDAP_MISSING in output
    assert "bin/system-packages" in output


def test_directory_tests_fail_with_the_message_in_ci(without_ldap, tmp_path):
    result = _pytest(without_ldap, tmp_path, ci=True)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert PYTHON_LDAP_MISSING in output
    assert "CI=true" in output
    assert "SKIPPED" not in output
