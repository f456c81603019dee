"""Concurrent issuers append to one chain without forking it (PostgreSQL: the chain head row
is locked; SQLite serialises writers anyway, but its busy handling makes threads flaky)."""

import threading

import pytest
from django.db import connection, connections, transaction

from rathaus.evidence.models import Receipt
from rathaus.evidence.services import receipt_issue
from rathaus.evidence.verification import receipt_chain_verify


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuers_keep_the_chain_gapless(demo_seal):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what this tests; SQLite has none")
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def issuer(n: int) -> None:
        try:
            start.wait()
            for i in range(3):
                with transaction.atomic():
                    receipt_issue(kind="delivery", facts={"issuer": n, "i": i})
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issuer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert list(Receipt.objects.values_list("sequence", flat=True)) == list(range(1, 13))
    assert receipt_chain_verify(signatures=True).ok
