"""Migration of running instances (issue 12): an explicit, audited action of the
Fachadministration, to the published version of the same model, keeping the data and the
place of the active tasks with their work items; refused naming the elements the version
lacks; the command prints what moves and what cannot."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rathaus.core.actors import Actor
from rathaus.core.errors import NotPermitted
from rathaus.core.models import AuditEvent
from rathaus.workflow import instances
from rathaus.workflow.models import ProcessInstance, WorkItem
from rathaus.workflow.services import MigrationRefused, instance_migrate
from tests.workflow.engine_models import flow
from tests.workflow.test_case_actions import open_items, publish, submit, world  # noqa: F401

pytestmark = pytest.mark.django_db

CHECK = f"""
<bpmn:process id="P" isExecutable="true">
  <bpmn:startEvent id="Begin"/>
  {flow("f1", "Begin", "Check")}
  <bpmn:userTask id="Check" name="Prüfen"/>
  {flow("f2", "Check", "Done")}
  <bpmn:endEvent id="Done"/>
</bpmn:process>
"""

# Version 2: after the check the team lead signs (a changed later path).
CHECK_AND_SIGN = f"""
<bpmn:process id="P" isExecutable="true">
  <bpmn:startEvent id="Begin"/>
  {flow("f1", "Begin", "Check")}
  <bpmn:userTask id="Check" name="Prüfen"/>
  {flow("f2", "Check", "Sign")}
  <bpmn:userTask id="Sign" name="Zeichnen"/>
  {flow("f3", "Sign", "Done")}
  <bpmn:endEvent id="Done"/>
</bpmn:process>
"""

# Version 3: the check is gone (another element in its place).
REVIEW = CHECK.replace('"Check"', '"Review"')


def running(world):  # noqa: F811
    publish(world, CHECK)
    case = submit(world)
    return ProcessInstance.objects.select_related("version").get(case=case)


def test_a_waiting_instance_moves_and_runs_the_new_path(world):  # noqa: F811
    instance = running(world)
    item = WorkItem.objects.get(case=instance.case, element="Check")
    v2 = publish(world, CHECK_AND_SIGN)
    moved = instance_migrate(actor=Actor.person(world["admin"]), instance=instance, version=v2)
    assert moved.version == v2 and moved.status == "running"
    # The clerk's task kept its place and its work item.
    assert open_items(instance.case) == ["Check"]
    assert WorkItem.objects.get(case=instance.case, element="Check").pk == item.pk
    event = AuditEvent.objects.get(action="workflow.instance_migrated")
    assert (event.details["from_version"], event.details["to_version"]) == (1, 2)
    assert event.details["to_version_id"] == str(v2.pk)
    instances.work_item_complete(
        actor=Actor.person(world["clerk"]), item_id=item.pk, data={"ok": True}
    )
    assert open_items(instance.case) == ["Sign"]  # the new version's path
    instance.refresh_from_db()
    assert "Check" in instance.completed_elements


def test_an_instance_at_an_element_the_version_lacks_is_refused_by_name(world):  # noqa: F811
    instance = running(world)
    v3 = publish(world, REVIEW)
    with pytest.raises(MigrationRefused) as refused:
        instance_migrate(actor=Actor.person(world["admin"]), instance=instance, version=v3)
    assert "Check" in refused.value.message and "Version 2" in refused.value.message
    assert refused.value.message.startswith("Die Instanz")
    instance.refresh_from_db()
    assert instance.version.number == 1
    assert not AuditEvent.objects.filter(action="workflow.instance_migrated").exists()


def test_a_clerk_may_not_migrate_and_only_to_the_published_version(world):  # noqa: F811
    instance = running(world)
    v2 = publish(world, CHECK_AND_SIGN)
    with pytest.raises(NotPermitted):
        instance_migrate(actor=Actor.person(world["clerk"]), instance=instance, version=v2)
    with pytest.raises(MigrationRefused) as refused:  # version 1 is retired now
        instance_migrate(
            actor=Actor.person(world["admin"]), instance=instance, version=instance.version
        )
    assert "veröffentlichte" in refused.value.message


def test_the_command_prints_what_moves_and_what_cannot(world):  # noqa: F811
    instance = running(world)
    v3 = publish(world, REVIEW)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("workflow_migrate", "--version", str(v3.pk), "--all", "--dry-run", stdout=out)
    assert f"{instance.case.reference}" in out.getvalue() and "Check" in out.getvalue()
    v4 = publish(world, CHECK_AND_SIGN)
    out = StringIO()
    call_command("workflow_migrate", "--version", str(v4.pk), "--all", "--dry-run", stdout=out)
    assert "would move" in out.getvalue()
    instance.refresh_from_db()
    assert instance.version.number == 1  # a dry run changes nothing
    call_command("workflow_migrate", "--version", str(v4.pk), "--instance", str(instance.pk))
    instance.refresh_from_db()
    assert instance.version == v4
    event = AuditEvent.objects.get(action="workflow.instance_migrated")
    assert event.actor_type == "system"
