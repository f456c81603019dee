"""Two clerks claiming one task at the same moment: exactly one gets it (PostgreSQL: the work
item's row is locked while it is claimed; SQLite serialises writers anyway)."""

import threading

import pytest
from django.db import connection, connections

from rathaus.core.actors import Actor
from rathaus.core.errors import Conflict
from rathaus.staff.models import Role
from rathaus.workflow import instances
from rathaus.workflow.models import WorkItem
from tests.staff.people import make_staff
from tests.workflow.engine_models import CHECK_AND_NOTIFY
from tests.workflow.test_instances import publish, submit, world  # noqa: F401 (a fixture)


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_give_the_task_to_exactly_one_clerk(world):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what this tests; SQLite has none")
    publish(world, CHECK_AND_NOTIFY)
    item = WorkItem.objects.get(case=submit(world))
    clerks = [make_staff(f"sach{n}", (world["office"], Role.CASE_WORKER)) for n in range(4)]
    start = threading.Barrier(len(clerks))
    won, lost, errors = [], [], []

    def claim(clerk):
        try:
            start.wait()
            instances.work_item_claim(actor=Actor.person(clerk), item_id=item.pk)
            won.append(clerk)
        except Conflict:
            lost.append(clerk)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(clerk,)) for clerk in clerks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(won) == 1 and len(lost) == 3
    assert WorkItem.objects.get(pk=item.pk).assignee == won[0]
