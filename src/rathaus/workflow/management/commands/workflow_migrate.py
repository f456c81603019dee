"""`manage.py workflow_migrate --version VERSION_ID (--instance ID | --all) [--dry-run]`: move
running instances to the published version VERSION_ID of their process model (audited as
the operator's job `workflow_migrate`). Prints, per instance, what moves and what cannot
(the active elements the version does not have); with --dry-run nothing changes. Exits
non-zero when an instance could not move."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.core.actors import Actor
from rathaus.core.errors import DomainError
from rathaus.workflow.models import ModelVersion, ProcessInstance
from rathaus.workflow.services import (
    MigrationPlan,
    instance_migrate,
    instance_migration_plan,
    instances_to_migrate,
)

ACTOR = Actor.system("workflow_migrate")


def _line(plan: MigrationPlan, verb: str) -> str:
    head = f"{plan.case_reference} (instance {plan.instance_id}): version {plan.from_number}"
    head += f" -> {plan.to_number}"
    if plan.problem:
        return f"{head}: cannot move: {plan.problem}"
    if plan.missing:
        return f"{head}: cannot move: stands at {', '.join(plan.missing)}, not in the version"
    return f"{head}: {verb} (active: {', '.join(plan.active) or '-'})"


class Command(BaseCommand):
    help = "Move running process instances to the published version of their model."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # --version names the target version here, not the version of Django.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--version", required=True, help="id of the target model version")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--instance", help="id of one process instance")
        which.add_argument(
            "--all", action="store_true", help="every running instance of the version's model"
        )
        parser.add_argument("--dry-run", action="store_true", help="only print what would move")

    def handle(self, *args: Any, **options: Any) -> None:
        version = ModelVersion.objects.filter(pk=options["version"]).first()
        if version is None:
            raise CommandError(f"No model version {options['version']}")
        if options["all"]:
            instances = instances_to_migrate(version=version)
        else:
            instance = (
                ProcessInstance.objects.select_related("version", "case")
                .filter(pk=options["instance"])
                .first()
            )
            if instance is None:
                raise CommandError(f"No process instance {options['instance']}")
            instances = [instance]
        refused = 0
        for instance in instances:
            plan = instance_migration_plan(instance=instance, version=version)
            if not plan.movable or options["dry_run"]:
                refused += not plan.movable
                self.stdout.write(_line(plan, "would move"))
                continue
            try:
                instance_migrate(actor=ACTOR, instance=instance, version=version)
            except DomainError as error:  # changed since the plan
                refused += 1
                self.stdout.write(f"{plan.case_reference}: cannot move: {error}")
                continue
            self.stdout.write(_line(plan, "moved"))
        self.stdout.write(
            f"{len(instances) - refused} of {len(instances)} can move"
            if options["dry_run"]
            else f"{len(instances) - refused} of {len(instances)} moved"
        )
        if refused:
            raise CommandError(f"{refused} instance(s) cannot move")
