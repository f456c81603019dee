"""The workflow's writes (the public face for the staff area, the API and other apps)."""

from .bpmn import CheckReport, ModelFile, model_check
from .instance_messages import instance_message_deliver
from .instance_migration import (
    MigrationPlan,
    MigrationRefused,
    instance_migrate,
    instance_migration_plan,
    instances_to_migrate,
)
from .instances import (
    instance_advance,
    instance_start,
    instances_wake,
    work_item_assign,
    work_item_claim,
    work_item_complete,
)
from .model_versions import version_publish, version_upload

__all__ = [
    "CheckReport",
    "MigrationPlan",
    "MigrationRefused",
    "ModelFile",
    "instance_advance",
    "instance_message_deliver",
    "instance_migrate",
    "instance_migration_plan",
    "instance_start",
    "instances_to_migrate",
    "instances_wake",
    "model_check",
    "version_publish",
    "version_upload",
    "work_item_assign",
    "work_item_claim",
    "work_item_complete",
]
