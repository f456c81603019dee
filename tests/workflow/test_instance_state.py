"""The engine's state of an instance is personal data (the application's data, what clerks
entered): encrypted at rest under the instance's own data key, wrapped with the KEK of the
case's municipality; a state from before encryption still runs and is encrypted at its next
step; after a KEK rotation `keys_rewrap` re-wraps the keys and the state still opens."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from rathaus.core.actors import Actor
from rathaus.municipalities.configuration_services import kek_create_default, kek_rotate
from rathaus.workflow import instances
from rathaus.workflow.instance_state import state_open
from rathaus.workflow.models import ProcessInstance
from tests.workflow.engine_models import CHECK_AND_NOTIFY
from tests.workflow.test_instances import complete, open_items, publish, submit, world  # noqa: F401

pytestmark = pytest.mark.django_db


def raw_row(instance):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT state, state_encrypted FROM workflow_processinstance WHERE id = %s",
            [instance.pk.hex if connection.vendor == "sqlite" else instance.pk],
        )
        state, encrypted = cursor.fetchone()
    return state, bytes(encrypted)


def test_the_state_is_encrypted_at_rest(world):  # noqa: F811
    publish(world, CHECK_AND_NOTIFY)
    case = submit(world)  # the application's data: {"name": "Erika Mustermann", …}
    instance = ProcessInstance.objects.get(case=case)
    state, encrypted = raw_row(instance)
    assert state == "" and encrypted and instance.data_key_wrapped
    assert b"Mustermann" not in encrypted and b"Check" not in encrypted
    assert "Erika Mustermann" in state_open(instance, municipality=case.municipality)


def test_a_state_from_before_encryption_runs_and_is_encrypted(world):  # noqa: F811
    publish(world, CHECK_AND_NOTIFY)
    case = submit(world)
    instance = ProcessInstance.objects.get(case=case)
    plain = state_open(instance, municipality=case.municipality)
    ProcessInstance.objects.filter(pk=instance.pk).update(
        state=plain, state_encrypted=b"", data_key_wrapped=""
    )
    complete(world, "clerk", case, "Check", {"amount": 50})
    assert open_items(case) == ["Sign"]
    state, encrypted = raw_row(instance)
    assert state == "" and b"Mustermann" not in encrypted


def test_rotating_the_kek_rewraps_the_keys_and_the_state_still_opens(world):  # noqa: F811
    publish(world, CHECK_AND_NOTIFY)
    case = submit(world)
    instance = ProcessInstance.objects.get(case=case)
    before = (instance.data_key_wrapped, raw_row(instance)[1])
    profile = kek_create_default(municipality=case.municipality)
    kek_rotate(actor=Actor.system("test"), profile=profile)
    out = StringIO()
    call_command(
        "keys_rewrap", "--municipality", case.municipality.slug, "--only", "workflow", stdout=out
    )
    assert "1 data key(s) re-wrapped" in out.getvalue()
    instance.refresh_from_db()
    assert instance.data_key_wrapped != before[0] and raw_row(instance)[1] == before[1]
    instances.instance_advance(instance_id=instance.pk)
    complete(world, "clerk", case, "Check", {"amount": 50})
    assert open_items(case) == ["Sign"]
