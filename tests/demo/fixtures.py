"""The demo data as pytest fixtures for any test that wants a realistic catalogue.

Use them from another test package by importing them into that package's ``conftest.py``::

    from tests.demo.fixtures import demo_data, demo_data_shared  # noqa: F401

Loading goes through the real, audited services and takes about a second; prefer
`demo_data_shared` for tests that only read.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from rathaus.demo.loader import DemoLoadResult, demo_load


@pytest.fixture
def demo_data(db: None) -> DemoLoadResult:
    """Düren, Gütersloh and Cochem-Zell with offices, services and local offers, loaded through
    the real services (function-scoped: each test gets its own copy in its transaction)."""
    return demo_load()


@pytest.fixture(scope="module")
def demo_data_shared(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoLoadResult]:
    """The same data loaded once per test module, for tests that only read it.

    The load happens in an outer transaction that is rolled back after the module; each test
    (which still needs `db`) runs in a savepoint inside it. A test that writes would leak into
    the module's later tests – use `demo_data` for those.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        result = demo_load()
        yield result
        transaction.set_rollback(True)
