"""The workflow's writes (the public face for the staff area, the API and other apps)."""

from .bpmn import CheckReport, ModelFile, model_check
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
    "ModelFile",
    "instance_advance",
    "instance_start",
    "instances_wake",
    "model_check",
    "version_publish",
    "version_upload",
    "work_item_assign",
    "work_item_claim",
    "work_item_complete",
]
