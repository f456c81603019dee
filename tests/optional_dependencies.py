"""Tests that need something optional (a Debian package, python-ldap, a browser).

On a developer's machine such a test is skipped with a message that names what is missing and
how to get it; under ``CI=true`` (`.ci/run` installs everything) the same absence fails the
test, so nothing is skipped silently in CI.
"""

import importlib
import os
from types import ModuleType
from typing import NoReturn

import pytest

HOW_TO_INSTALL = (
    "run `bin/system-packages test` as root (or apt-get install it), then `make install`"
)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str, *, module_level: bool = False) -> NoReturn:
    """Skip with `reason` locally; fail with it under CI=true."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: this test must run in CI)", pytrace=False)
    pytest.skip(reason, allow_module_level=module_level)


def import_optional(name: str, *, reason: str) -> ModuleType:
    """Import `name` for a test module; skip the module (fail in CI) when it is missing."""
    try:
        return importlib.import_module(name)
    except ImportError:
        unavailable(f"{reason} – {HOW_TO_INSTALL}", module_level=True)
